// Request and response schemas of four-eyes changes.
import { Type } from '@sinclair/typebox'
import { IsoTime, Nullable } from '../common.schemas.ts'

export const ACTIONS_TEXT = 'case.open (POST /v1/cases), case.contacts (POST /v1/cases/{caseId}/contacts), case.site (POST /v1/cases/{caseId}/sites), case.close (POST /v1/cases/{caseId}/close), status.set (POST /v1/people/{personId}/status to or from red)'

export const ChangeParams = Type.Object({ changeId: Type.String({ minLength: 1, maxLength: 64 }) })

export const ChangesQuery = Type.Object({
  status: Type.Union([Type.Literal('pending'), Type.Literal('applied'), Type.Literal('rejected')], { default: 'pending', description: 'pending: oldest first; applied, rejected: newest decided first' }),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 })
}, { additionalProperties: false })

export const RejectBody = Type.Object({
  reason: Type.String({ minLength: 3, maxLength: 2000, description: 'Why; may name people, so it is stored encrypted and never logged' })
}, { additionalProperties: false })

/** The 202 answer of every action that waits for four eyes. */
export const ChangePending = Type.Object({
  changeId: Type.String(),
  status: Type.Literal('pending'),
  action: Type.String({ description: ACTIONS_TEXT }),
  confirmationsNeeded: Type.Integer({ description: '1; 2 when the change takes its author past the daily reds (GRIDPASS_FOUR_EYES_DAILY_REDS)' }),
  confirmations: Type.Integer({ description: 'Confirmations so far' })
}, { description: 'Waiting for a second officer or admin (and a third past the daily limit): POST /v1/changes/{changeId}/confirm' })

const Party = Type.Object({ userId: Type.String(), username: Type.String(), role: Type.String(), at: IsoTime })

export const ChangeView = Type.Object({
  changeId: Type.String(),
  action: Type.String({ description: ACTIONS_TEXT }),
  status: Type.String({ description: 'pending, applied or rejected' }),
  personId: Nullable(Type.String()),
  caseId: Nullable(Type.String()),
  payload: Type.Object({}, { additionalProperties: true, description: 'What was asked: the request body (and path ids) of the action' }),
  reds: Type.Integer({ description: 'People the change turns red when applied' }),
  requestedBy: Party,
  confirmationsNeeded: Type.Integer(),
  confirmations: Type.Array(Party),
  decidedAt: Nullable(IsoTime),
  rejectReason: Nullable(Type.String())
})

export const ChangesReply = Type.Object({ changes: Type.Array(ChangeView) })

export const ConfirmReply = Type.Object({}, {
  additionalProperties: true,
  description: 'The answer the action\'s own endpoint gives when it acts: case.open → {caseId}; case.contacts → {updated}; case.site → {site, updated}; case.close → the case; status.set → the person\'s status'
})

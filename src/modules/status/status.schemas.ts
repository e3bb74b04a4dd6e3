// Request and response schemas of declarations, status, manual changes and appeals.
import { Type } from '@sinclair/typebox'
import { Color, IsoTime, PersonId } from '../common.schemas.ts'

export const SYMPTOMS = ['fever', 'cough', 'fatigue', 'sore_throat', 'shortness_of_breath', 'diarrhea', 'loss_of_taste_smell'] as const
const NullableTime = Type.Union([IsoTime, Type.Null()])

export const DeclarationBody = Type.Object({
  temperature: Type.Number({ minimum: 34, maximum: 43, description: '°C; 37.3 or more turns the code yellow (rule symptoms)' }),
  symptoms: Type.Array(Type.Union(SYMPTOMS.map((s) => Type.Literal(s))), { uniqueItems: true, maxItems: SYMPTOMS.length }),
  visitedHighRiskArea: Type.Boolean(),
  contactWithConfirmed: Type.Boolean()
}, { additionalProperties: false })

/** The exposure site a site_exposure reason names. */
export const SitePlace = Type.Object({
  checkpointId: Type.String(),
  checkpointName: Type.String({ description: 'The place, as its checkpoint is named' }),
  from: IsoTime,
  to: IsoTime
}, { description: 'site_exposure only: the place and the window in which the person was there at the same time as a confirmed case' })

export const ReasonSchema = Type.Object({
  rule: Type.String(), text: Type.String(), textZh: Type.String({ description: 'The same text in Chinese' }),
  since: IsoTime, until: NullableTime,
  site: Type.Optional(SitePlace)
}, { description: 'One per rule active now; site_exposure: one per place and window (with `site`), its text naming them in Asia/Shanghai time' })
export const DeclarationReply = Type.Object({ color: Color, reasons: Type.Array(ReasonSchema) })

export const AppealView = Type.Object({
  appealId: Type.String(), personId: Type.String(), message: Type.String(), status: Type.String(), createdAt: IsoTime, dueAt: IsoTime,
  outcome: Type.Union([Type.String(), Type.Null()]), note: Type.Union([Type.String(), Type.Null()]), resolvedAt: NullableTime
})

export const StatusReply = Type.Object({
  personId: Type.String(),
  color: Color,
  since: IsoTime,
  until: Type.Union([IsoTime, Type.Null()], { description: 'When the colour changes by itself if nothing else happens; null when it does not' }),
  reasons: Type.Array(ReasonSchema),
  history: Type.Array(Type.Object({
    at: IsoTime, color: Color, rule: Type.String(), actor: Type.String(),
    reason: Type.String({ description: 'Why, in English (an officer\'s own words as written)' }),
    reasonZh: Type.String({ description: 'Why, in Chinese (an officer\'s own words as written)' }),
    site: Type.Optional(SitePlace)
  })),
  appeals: Type.Optional(Type.Array(AppealView))
})

export const PersonParams = Type.Object({ personId: PersonId })
export const ChangeBody = Type.Object({
  color: Color,
  reason: Type.String({ minLength: 3, maxLength: 500, description: 'Shown to the person' })
}, { additionalProperties: false })
export const PendingChange = Type.Object({
  changeId: Type.String(),
  status: Type.Literal('pending'),
  action: Type.Literal('status.set'),
  confirmationsNeeded: Type.Integer({ description: '1; 2 when the change takes its author past the daily reds' }),
  confirmations: Type.Integer({ description: 'Confirmations so far' }),
  personId: Type.String(), color: Color, state: Type.Literal('pending'), reason: Type.String(), requestedBy: Type.String(), requestedAt: IsoTime
}, { description: 'A four-eyes change (action status.set): a change to or from red waits for a second officer or admin' })

export const AppealBody = Type.Object({ message: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false })
export const AppealCreated = Type.Object({ appealId: Type.String(), dueAt: IsoTime })
export const AppealsQuery = Type.Object({
  status: Type.Union([Type.Literal('open'), Type.Literal('resolved')], { default: 'open' }),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 })
}, { additionalProperties: false })
export const ResolveBody = Type.Object({
  outcome: Type.Union([Type.Literal('upheld'), Type.Literal('changed')], { description: 'upheld: the colour stays; changed: the colour was changed (with POST /v1/people/{personId}/status)' }),
  note: Type.String({ minLength: 1, maxLength: 2000 })
}, { additionalProperties: false })

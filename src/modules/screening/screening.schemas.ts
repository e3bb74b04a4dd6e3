// Request and response schemas of the high-risk-area list, screening rounds, task lists, screenings and their exports.
import { Type } from '@sinclair/typebox'
import { Color, IsoTime, Nullable, PersonId } from '../common.schemas.ts'
import { SYMPTOMS } from '../status/index.ts'

export const MAX_HIGH_RISK_AREAS = 1000
/** Members per screening: a household is a few people; a collective dwelling a few dozen. */
export const MAX_MEMBERS = 100

const AreaCode = Type.String({
  pattern: '^[A-Za-z0-9_-]{1,32}$',
  description: '1–32 characters [A-Za-z0-9_-]; a GB/T 2260 six-digit division code (420100 武汉市) is the usual form, and a code ending in 00 or 0000 also covers the divisions under it'
})

export const HighRiskArea = Type.Object({
  code: AreaCode,
  name: Type.String({ minLength: 1, maxLength: 64, description: 'The place as people name it (武汉市)' }),
  from: IsoTime,
  to: Type.Optional(IsoTime)
}, { additionalProperties: false, description: 'Listed from `from` until `to` (both inclusive); without `to`, until further notice' })

export const HighRiskBody = Type.Object({
  areas: Type.Array(HighRiskArea, { maxItems: MAX_HIGH_RISK_AREAS, description: `The whole list (it replaces the current one), at most ${MAX_HIGH_RISK_AREAS}, codes distinct` })
}, { additionalProperties: false })

export const HighRiskReply = Type.Object({
  areas: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), from: IsoTime, to: Nullable(IsoTime) }), { description: 'By code' }),
  updatedAt: Nullable(IsoTime),
  updatedBy: Type.Optional(Type.String({ description: 'Staff only: who replaced the list (username)' }))
})

export const RoundBody = Type.Object({
  areaId: Type.String({ minLength: 1, maxLength: 64, description: 'The area (any level) whose grids the round covers' }),
  name: Type.String({ minLength: 1, maxLength: 100, description: '2026 年 3 月第一轮入户排查' })
}, { additionalProperties: false })
export const RoundCreated = Type.Object({ id: Type.String() })
export const RoundParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) })
export const RoundsQuery = Type.Object({
  status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')], { description: 'open: not closed; closed: closed; omitted: both' }))
}, { additionalProperties: false })
export const RoundView = Type.Object({
  id: Type.String(),
  areaId: Type.String(),
  areaName: Type.String(),
  name: Type.String(),
  openedBy: Type.String(),
  openedAt: IsoTime,
  closedBy: Nullable(Type.String()),
  closedAt: Nullable(IsoTime),
  households: Type.Integer({ description: 'Households in the round\'s grids that the caller reaches' }),
  screened: Type.Integer({ description: 'Of those, how many were screened in the round' })
})
export const RoundsReply = Type.Object({ rounds: Type.Array(RoundView, { description: 'Newest opened first' }) })

export const TasksReply = Type.Object({
  rounds: Type.Array(Type.Object({
    roundId: Type.String(),
    name: Type.String(),
    areaId: Type.String(),
    openedAt: IsoTime,
    households: Type.Array(Type.Object({
      id: Type.String(),
      gridId: Type.String(),
      address: Type.String(),
      members: Type.Array(Type.Object({ personId: Type.String(), name: Nullable(Type.String()) }), { description: 'The people living there, oldest record first' })
    }), { description: 'Not yet screened in this round, by grid' }),
    remaining: Type.Integer({ description: 'households.length' }),
    total: Type.Integer({ description: 'Households of the worker\'s grids the round covers' })
  }), { description: 'Every open round covering at least one of the worker\'s grids, newest opened first' })
})

// An enum rather than a union of literals: a wrong value is named once, with the allowed values.
const Symptom = Type.Unsafe<typeof SYMPTOMS[number]>({ type: 'string', enum: [...SYMPTOMS] })
export const ScreeningMember = Type.Object({
  personId: PersonId,
  temperature: Type.Optional(Type.Number({ minimum: 34, maximum: 43, description: '°C; 37.3 or more turns the code yellow (rule symptoms)' })),
  symptoms: Type.Optional(Type.Array(Symptom, { uniqueItems: true, maxItems: SYMPTOMS.length, description: 'The list of declarations; any turns the code yellow' })),
  returnedFrom: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Where the member came back from: a code of the high-risk-area list, or a place name' })),
  returnedAt: Type.Optional(Type.String({ format: 'date-time', description: 'When they came back (with returnedFrom); not in the future' })),
  plate: Type.Optional(Type.String({ minLength: 1, maxLength: 16, description: 'The vehicle they came back in' }))
}, { additionalProperties: false })

export const HouseholdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) })
export const ScreeningBody = Type.Object({
  roundId: Type.String({ minLength: 1, maxLength: 64 }),
  present: Type.Boolean({ description: 'false: nobody was at home (the visit still counts as the household\'s screening)' }),
  members: Type.Array(ScreeningMember, { maxItems: MAX_MEMBERS, description: 'The members seen, each a person of the household, once' }),
  note: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'Free text; may hold personal data, so it is stored encrypted' }))
}, { additionalProperties: false })

export const ScreeningReply = Type.Object({
  id: Type.String(),
  roundId: Type.String(),
  householdId: Type.String(),
  results: Type.Array(Type.Object({
    personId: Type.String(),
    color: Color,
    reasons: Type.Array(Type.Object({
      rule: Type.String(), text: Type.String(), textZh: Type.String(), since: IsoTime, until: Nullable(IsoTime)
    }), { description: 'Every rule active now for the member, as GET /v1/people/{personId}/status gives them' })
  }), { description: 'Each member\'s colour right after the screening, in the order sent' })
})

export const ExportQuery = Type.Object({
  roundId: Type.String({ minLength: 1, maxLength: 64, description: 'The round' }),
  areaId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Only the grids under this area (in the caller\'s reach)' }))
}, { additionalProperties: false })

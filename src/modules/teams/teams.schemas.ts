// Request and response schemas of the community's "1+1+N+K" card, the duty roster and the battle map (作战图).
import { Type } from '@sinclair/typebox'
import { IsoTime, Nullable } from '../common.schemas.ts'
import { NAME_MAX } from '../../lib/person-name.ts'

/** The longest shift: a day. A longer one is a typing error (a wrong date), not a shift anyone works. */
export const MAX_SHIFT_HOURS = 24
/** The card lists the shifts touching the next this-many hours: who is on now and who comes next. */
export const CARD_HORIZON_HOURS = 24
/** GET /v1/duty-shifts without `to`: this many days from `from`. */
export const ROSTER_DEFAULT_DAYS = 7
/** The widest roster window: a month of a county's checkpoints stays a few tens of thousands of rows. */
export const ROSTER_MAX_DAYS = 31

/** Mobile (11 digits, optional +86) or landline with its area code (0717-4812345, optional extension). */
const TEAM_PHONE_PATTERN = '^((\\+86)?1[0-9]{10}|0[0-9]{2,3}-?[0-9]{7,8}(-[0-9]{1,6})?)$'

const Id = (description: string) => Type.String({ minLength: 1, maxLength: 64, description })
export const AreaParams = Type.Object({ areaId: Id('The area id (GET /v1/areas)') }, { additionalProperties: false })
export const ShiftParams = Type.Object({ id: Id('The duty shift id (as POST /v1/duty-shifts answered it)') }, { additionalProperties: false })

const MemberIn = Type.Object({
  name: Type.String({ minLength: 1, maxLength: NAME_MAX * 2, description: `The person's name (tidied: NFC, spaces; at most ${NAME_MAX} characters)` }),
  phone: Type.Optional(Type.String({ pattern: TEAM_PHONE_PATTERN, description: 'Mobile (13912345678, +8613912345678) or landline with area code (0717-4812345)' }))
}, { additionalProperties: false })
export const TeamBody = Type.Object({
  doctor: Nullable(MemberIn),
  police: Nullable(MemberIn)
}, { additionalProperties: false, description: 'Replaces both: the community doctor (社区医生) and the police officer (社区民警); null leaves the post vacant' })

const Member = Nullable(Type.Object({
  name: Type.String(),
  phone: Nullable(Type.String({ description: 'In full: the card is for the staff of the community, who call each other. Stored encrypted, never logged.' }))
}, { description: 'null: vacant' }))

const Duty = Type.Object({
  userId: Type.String(),
  username: Type.String(),
  from: IsoTime,
  to: IsoTime
})

export const TeamCard = Type.Object({
  areaId: Type.String(),
  name: Type.String({ description: 'The community\'s name' }),
  doctor: Member,
  police: Member,
  gridWorkers: Type.Array(Type.Object({
    id: Type.String(),
    username: Type.String(),
    gridIds: Type.Array(Type.String(), { description: 'Their grids in this community (not their grids elsewhere)' })
  }), { description: 'N: enabled grid workers keeping at least one grid of the community, by username' }),
  checkpoints: Type.Array(Type.Object({
    id: Type.String(),
    name: Type.String(),
    kind: Type.String(),
    gridId: Type.String(),
    lat: Nullable(Type.Number()),
    lon: Nullable(Type.Number()),
    onDuty: Type.Array(Duty, { description: `Shifts touching the next ${CARD_HORIZON_HOURS} hours (on now, then coming), by start` })
  }), { description: 'K: the checkpoints in the community\'s grids, by name (Chinese order: pinyin)' }),
  counts: Type.Object({ gridWorkers: Type.Integer(), checkpoints: Type.Integer() }),
  updatedBy: Nullable(Type.String({ description: 'Who last set the doctor and police officer (null: never set)' })),
  updatedAt: Nullable(IsoTime)
})

export const NewShiftBody = Type.Object({
  checkpointId: Id('The checkpoint; unknown or outside your scope → 404'),
  userId: Id('A volunteer assigned to that checkpoint (PATCH /v1/users/{userId} checkpointIds)'),
  from: IsoTime,
  to: Type.String({ format: 'date-time', description: `ISO 8601, UTC; after from, at most ${MAX_SHIFT_HOURS} hours later` })
}, { additionalProperties: false })

export const Shift = Type.Object({
  id: Type.String(),
  checkpointId: Type.String(),
  checkpointName: Type.String(),
  userId: Type.String(),
  username: Type.String(),
  from: IsoTime,
  to: IsoTime,
  createdBy: Type.String({ description: 'Who put the shift on the roster (username)' }),
  createdAt: IsoTime
})

export const ShiftsQuery = Type.Object({
  areaId: Type.Optional(Id('Only the checkpoints in this area\'s grids (any level)')),
  checkpointId: Type.Optional(Id('Only this checkpoint')),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Start of the window (default: now)' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: `End of the window (default: from + ${ROSTER_DEFAULT_DAYS} days; at most ${ROSTER_MAX_DAYS} days after from)` }))
}, { additionalProperties: false })

export const ShiftList = Type.Object({
  from: IsoTime,
  to: IsoTime,
  shifts: Type.Array(Shift, { description: 'Every shift touching [from, to), by start, then checkpoint name, then username' })
})

export const BattleMap = Type.Object({
  areaId: Type.String(),
  name: Type.String(),
  level: Type.String({ description: 'community, street or city' }),
  at: Type.String({ format: 'date-time', description: 'The moment "on duty now" refers to' }),
  bounds: Nullable(Type.Object({
    minLat: Type.Number(), maxLat: Type.Number(), minLon: Type.Number(), maxLon: Type.Number()
  }, { description: 'The box around the placed checkpoints (null: none placed)' })),
  checkpoints: Type.Array(Type.Object({
    id: Type.String(),
    name: Type.String(),
    kind: Type.String(),
    gridId: Type.String(),
    lat: Nullable(Type.Number({ description: 'null: not placed (created without coordinates)' })),
    lon: Nullable(Type.Number()),
    onDutyNow: Type.Array(Type.Object({ userId: Type.String(), username: Type.String(), until: IsoTime }), { description: 'Volunteers whose shift covers `at`, by username' }),
    scans24h: Type.Integer({ description: 'Verified scans recorded here in the 24 hours before `at` (the dashboard\'s count)' })
  }), { description: 'The checkpoints in the area\'s grids, by name (Chinese order: pinyin)' }),
  counts: Type.Object({
    checkpoints: Type.Integer(),
    placed: Type.Integer({ description: 'With coordinates' }),
    unplaced: Type.Integer({ description: 'Without coordinates: listed with lat/lon null, not drawn' }),
    onDutyNow: Type.Integer({ description: 'Volunteers on duty now, over every checkpoint' }),
    scans24h: Type.Integer({ description: 'Scans in the last 24 hours, over every checkpoint' })
  })
})

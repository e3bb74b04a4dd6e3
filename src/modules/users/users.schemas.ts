// Request and response schemas of staff account management, logout and password changes.
import { Type } from '@sinclair/typebox'
import { STAFF_ROLES } from '../../types.ts'
import { IsoTime, Nullable } from '../common.schemas.ts'

const StaffRole = Type.Union(STAFF_ROLES.map((r) => Type.Literal(r)), { description: 'volunteer, gridworker, tracer, officer or admin' })
const Ids = (what: string) => Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 1000, uniqueItems: true, description: what })
const Password = (description: string) => Type.String({ minLength: 10, maxLength: 256, description })

export const UserParams = Type.Object({ userId: Type.String({ minLength: 1, maxLength: 64, description: 'The user id (as POST /v1/users and GET /v1/users answer it)' }) }, { additionalProperties: false })

export const StaffUser = Type.Object({
  id: Type.String(),
  username: Type.String(),
  role: StaffRole,
  checkpointIds: Type.Array(Type.String(), { description: 'Where this user may scan (an admin may scan anywhere)' }),
  gridIds: Type.Array(Type.String(), { description: 'The grids this user keeps' }),
  areaIds: Type.Array(Type.String(), { description: 'A tracer\'s or officer\'s areas (everything below them); empty: the whole installation' }),
  disabled: Type.Boolean({ description: 'A disabled account cannot log in, and every session of it is refused' }),
  disabledAt: Nullable(IsoTime),
  createdAt: IsoTime,
  createdBy: Nullable(Type.String({ description: 'The user id of the admin who created the account; null for the first admin' }))
}, { description: 'A staff account (never its password hash)' })

export const UserList = Type.Object({ users: Type.Array(StaffUser, { description: 'Every staff account, by username, disabled ones included' }) })

export const ChangeUserBody = Type.Object({
  role: Type.Optional(StaffRole),
  checkpointIds: Type.Optional(Ids('Replaces the checkpoints assigned to the user (each must exist)')),
  gridIds: Type.Optional(Ids('Replaces the grids assigned to the user (each must exist)')),
  areaIds: Type.Optional(Ids('Tracers and officers: replaces the areas the user works in (each must exist; empty: the whole installation)')),
  disabled: Type.Optional(Type.Boolean({ description: 'true: disable the account and end its sessions; false: enable it again' }))
}, { additionalProperties: false, minProperties: 1 })

export const ResetPasswordBody = Type.Object({
  password: Password('The new password: at least 10 characters')
}, { additionalProperties: false })

export const ChangeOwnPasswordBody = Type.Object({
  currentPassword: Type.String({ minLength: 1, maxLength: 256 }),
  newPassword: Password('At least 10 characters')
}, { additionalProperties: false })

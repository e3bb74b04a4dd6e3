// Request and response schemas of the login and account endpoints.
import { Type } from '@sinclair/typebox'
import { PHONE_PATTERN } from '../../lib/phone.ts'

export const StaffRole = Type.Union(['volunteer', 'gridworker', 'tracer', 'officer', 'admin'].map((r) => Type.Literal(r)))
const Phone = Type.String({ pattern: PHONE_PATTERN, description: 'Mainland mobile number, 11 digits starting with 1, optional +86', examples: ['13800138000'] })

export const OtpBody = Type.Object({ phone: Phone }, { additionalProperties: false })
export const OtpReply = Type.Object({
  sent: Type.Boolean({ description: 'Always true: the SMS sender took the code (otherwise the answer is 503 GP_SMS_UNAVAILABLE)' }),
  devCode: Type.Optional(Type.String({ description: 'The code itself, only when the service runs with GRIDPASS_DEV_OTP=true (development; refused in production)' }))
})
export const OtpVerifyBody = Type.Object({ phone: Phone, code: Type.String({ pattern: '^[0-9]{6}$' }) }, { additionalProperties: false })
export const LoginBody = Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false })
export const SessionReply = Type.Object({
  accessToken: Type.String(),
  role: Type.String(),
  expiresIn: Type.Integer({ description: 'Seconds' }),
  personId: Type.Optional(Type.String({ description: 'Residents: their own person id' }))
})
export const CreateUserBody = Type.Object({
  username: Type.String({ pattern: '^[a-z0-9][a-z0-9_.-]{2,31}$', description: '3-32 characters: lower-case letters, digits, _ . -' }),
  password: Type.String({ minLength: 10, maxLength: 256 }),
  role: StaffRole,
  checkpointIds: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 1000, uniqueItems: true })),
  gridIds: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 1000, uniqueItems: true })),
  areaIds: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
    maxItems: 1000,
    uniqueItems: true,
    description: 'Tracers and officers: the areas they work in (everything below each); none: the whole installation. Other roles: must be empty'
  }))
}, { additionalProperties: false })
export const UserReply = Type.Object({
  id: Type.String(),
  username: Type.String(),
  role: Type.String(),
  checkpointIds: Type.Array(Type.String()),
  gridIds: Type.Array(Type.String()),
  areaIds: Type.Array(Type.String())
})
export const AccountReply = Type.Object({
  id: Type.String({ description: 'The user id' }),
  username: Type.String(),
  role: StaffRole,
  checkpoints: Type.Array(Type.Object({
    id: Type.String(),
    name: Type.String(),
    kind: Type.String({ description: 'traffic, community, village or venue' })
  }), { description: 'Where this user may scan (POST /v1/scans, POST /v1/scans/id), by name: the checkpoints assigned to them; for an admin, every checkpoint (an admin may scan anywhere)' }),
  gridIds: Type.Array(Type.String(), { description: 'The grids assigned to this user' }),
  areaIds: Type.Array(Type.String(), { description: 'A tracer\'s or officer\'s areas (everything below them); empty: the whole installation' })
}, { description: 'What a page needs to know about the signed-in staff user' })

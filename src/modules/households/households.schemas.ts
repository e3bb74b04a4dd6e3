// Request and response schemas of households.
import { Type } from '@sinclair/typebox'
import { ADDRESS_MAX } from '../../lib/address.ts'
import { PHONE_PATTERN } from '../../lib/phone.ts'
import { Color, Nullable } from '../common.schemas.ts'

const GridId = Type.String({ minLength: 1, maxLength: 64, description: 'The grid (网格) the household belongs to' })
const HouseholdId = Type.String({ minLength: 1, maxLength: 64 })
const Address = Type.String({
  minLength: 1, maxLength: ADDRESS_MAX * 2,
  description: `Stored encrypted. Full-width letters and digits folded (NFKC), runs of spaces made one, trimmed; 1–${ADDRESS_MAX} characters after that. ` +
    'One household per address of a grid (compared without spaces, case-insensitively): a second → 409 GP_CONFLICT naming body.address. ' +
    'Blank, or an invisible or control character → 400 naming body.address'
})
const Phone = Type.String({ pattern: PHONE_PATTERN, description: 'The household\'s phone (a landline or a relative\'s mobile); stored encrypted' })

export const CreateBody = Type.Object({ gridId: GridId, address: Address, phone: Type.Optional(Phone) }, { additionalProperties: false })
export const Created = Type.Object({ id: Type.String(), gridId: Type.String(), address: Type.String() })

export const HouseholdParams = Type.Object({ id: HouseholdId })
export const ListQuery = Type.Object({
  gridId: Type.Optional(GridId),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Keep households whose address contains this (spaces and full-width forms ignored)' })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'The previous answer\'s nextCursor' }))
}, { additionalProperties: false })

const Fields = { id: Type.String(), gridId: Type.String(), address: Type.String(), phone: Type.Optional(Type.String()) }
export const ListReply = Type.Object({
  households: Type.Array(Type.Object({ ...Fields, members: Type.Integer({ minimum: 0, description: 'People living there' }) }), { description: 'In id order' }),
  nextCursor: Nullable(Type.String({ description: 'More may follow: ask again with cursor; null at the end' }))
})
export const HouseholdReply = Type.Object({
  ...Fields,
  members: Type.Array(Type.Object({
    personId: Type.String(),
    name: Nullable(Type.String({ description: 'Full name (masked, 张*, for tracers); null before the person\'s profile is set' })),
    color: Color
  }), { description: 'In person-id order, with their colour now' })
})

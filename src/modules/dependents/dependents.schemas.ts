// Request and response schemas of dependents and proxy declarations.
import { Type } from '@sinclair/typebox'
import { Color, IdNumber, IsoTime, Nullable, PersonId } from '../common.schemas.ts'
import { MAX_DEPENDENTS } from './dependents.service.ts'

export const DependentBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100, description: 'Full name as on the ID card (the rules of PUT /v1/me/profile); stored encrypted' }),
  idNumber: IdNumber
}, { additionalProperties: false })
export const DependentCreated = Type.Object({ personId: Type.String(), name: Type.String() })
export const DependentsReply = Type.Object({
  dependents: Type.Array(Type.Object({ personId: Type.String(), name: Nullable(Type.String()), color: Color }), { maxItems: MAX_DEPENDENTS, description: 'Oldest first, with their colours now' })
})
export const DependentParams = Type.Object({ personId: PersonId })
export const CodeReply = Type.Object({
  token: Type.String(), color: Color, issuedAt: IsoTime, expiresAt: IsoTime,
  displayName: Type.String({ description: 'Whose code it is, masked (张*), for the page to show beside the QR; never in the token' })
})

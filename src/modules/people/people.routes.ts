// HTTP for resident profiles and registering people without phones. The identity lookup (GET /v1/people) answers a
// colour, so it is served by the status module, which depends on this one.
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { NAME_MAX } from '../../lib/person-name.ts'
import { PHONE_PATTERN } from '../../lib/phone.ts'
import { IdNumber, bearer, errors, Nullable } from '../common.schemas.ts'
import type { PeopleService } from './people.service.ts'

const Name = Type.String({
  minLength: 1,
  maxLength: 100,
  description: `Full name as on the ID card (Chinese, or Latin as in Zoë O'Neil, or with the middle dot as in 阿卜杜拉·买买提); stored encrypted. ` +
    `Trimmed, runs of spaces (U+3000 included) made one, NFC; at most ${NAME_MAX} characters after that. Refused with 400 GP_VALIDATION naming body.name: ` +
    'only spaces; a zero-width character (U+200B–U+200D, U+2060, U+FEFF) or any other invisible format character; a bidirectional control ' +
    '(U+200E/F, U+202A–U+202E, U+2066–U+2069, U+061C); a control character (C0, DEL, C1), line or paragraph separator; a lone surrogate; ' +
    'more than 4 combining marks in a row.'
})
const GridId = Type.String({ minLength: 1, maxLength: 64 })
const Profile = Type.Object({ personId: Type.String(), name: Type.String(), gridId: Nullable(Type.String()) })

export default async function peopleRoutes (fastify: FastifyInstance, people: PeopleService): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()

  app.put('/v1/me/profile', {
    onRequest: [app.authenticate, app.requireRole('resident')],
    schema: {
      tags: ['people'], summary: 'Set my name and ID number', security: bearer,
      description: 'An ID number already bound to another account → 409 GP_CONFLICT.',
      body: Type.Object({ name: Name, idNumber: IdNumber, gridId: Type.Optional(GridId) }, { additionalProperties: false }),
      response: { 200: Profile, ...errors(400, 401, 403, 404, 409, 415) }
    }
  }, async (request) => people.setProfile(request.user.sub, request.body))

  app.post('/v1/people', {
    onRequest: [app.authenticate, app.requireRole('gridworker', 'officer', 'admin')],
    schema: {
      tags: ['people'], summary: 'Register a person without a smartphone (grid worker: own grids only)', security: bearer,
      body: Type.Object({ name: Name, idNumber: IdNumber, gridId: GridId, phone: Type.Optional(Type.String({ pattern: PHONE_PATTERN })) }, { additionalProperties: false }),
      response: { 201: Profile, ...errors(400, 401, 403, 409, 415) }
    }
  }, async (request, reply) => reply.code(201).send(await people.register(request.user, request.body)))
}

// HTTP for resident profiles, registering people without phones, and unbinding a squatted ID number. The identity lookup
// (GET /v1/people) answers a colour, so it is served by the status module, which depends on this one.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { Validation } from '../../errors.ts'
import { NAME_MAX, checkName } from '../../lib/person-name.ts'
import { PHONE_PATTERN } from '../../lib/phone.ts'
import { IdNumber, PersonId, bearer, errors, Nullable } from '../common.schemas.ts'
import type { PeopleService } from './people.service.ts'

/** Profile writes one resident may make per window: enough to correct a typo, too few to probe which ID numbers are bound. */
export const PROFILE_WRITES = { max: 10, timeWindow: '10 minutes' }

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
const HouseholdId = Type.String({
  minLength: 1, maxLength: 64,
  description: 'The household the person lives in (POST /v1/households); the person\'s grid becomes the household\'s. Unknown (or, for staff, in a grid they do not reach) → 400 naming body.householdId; a gridId of another grid → 400 naming body.gridId'
})
const Profile = Type.Object({ personId: Type.String(), name: Type.String(), gridId: Nullable(Type.String()), householdId: Type.Optional(Type.String({ description: 'Present when the person lives in a household' })) })

/** A bad name is a bad body: refused before the handler (and so before the profile rate limit counts it). */
async function checkNameField (request: FastifyRequest): Promise<void> {
  const name = (request.body as { name?: unknown } | undefined)?.name
  if (typeof name !== 'string') return
  const result = checkName(name)
  if (!result.ok) throw new Validation(`body.name: ${result.why}`)
}

export default async function peopleRoutes (fastify: FastifyInstance, people: PeopleService): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()

  app.put('/v1/me/profile', {
    onRequest: [app.authenticate, app.requireRole('resident')],
    preValidation: checkNameField,
    config: { rateLimit: { ...PROFILE_WRITES, hook: 'preHandler', keyGenerator: (req: FastifyRequest) => `profile|${req.user.sub}` } },
    schema: {
      tags: ['people'], summary: 'Set my name and ID number', security: bearer,
      description: 'An ID number already bound to another account → 409 GP_CONFLICT: the resident asks a health officer, who checks the ID card and ' +
        'unbinds it from the other account (POST /v1/people/{personId}/unbind-id-number). ' +
        `At most ${PROFILE_WRITES.max} profile writes per ${PROFILE_WRITES.timeWindow} per resident → 429 GP_RATE_LIMITED. ` +
        'Audited as profile.updated (the person, never the name or ID number).',
      body: Type.Object({ name: Name, idNumber: IdNumber, gridId: Type.Optional(GridId), householdId: Type.Optional(HouseholdId) }, { additionalProperties: false }),
      response: { 200: Profile, ...errors(400, 401, 403, 404, 409, 415, 429) }
    }
  }, async (request) => people.setProfile(request.user, request.body))

  app.post('/v1/people', {
    onRequest: [app.authenticate, app.requireRole('gridworker', 'officer', 'admin')],
    preValidation: checkNameField,
    schema: {
      tags: ['people'], summary: 'Register a person without a smartphone (grid worker: own grids only)', security: bearer,
      description: 'gridId or householdId (or both, naming the same grid) is required. A gridId the caller does not reach (a grid worker\'s grids, a scoped officer\'s areas) → 404, audited as person.register.out_of_scope; a household in such a grid is answered as unknown (400) and audited the same way. Audited as person.register.',
      body: Type.Object({ name: Name, idNumber: IdNumber, gridId: Type.Optional(GridId), householdId: Type.Optional(HouseholdId), phone: Type.Optional(Type.String({ pattern: PHONE_PATTERN })) }, { additionalProperties: false }),
      response: { 201: Profile, ...errors(400, 401, 403, 404, 409, 415) }
    }
  }, async (request, reply) => reply.code(201).send(await people.register(request.user, request.body)))

  app.post('/v1/people/:personId/unbind-id-number', {
    onRequest: [app.authenticate, app.requireRole('officer', 'admin')],
    schema: {
      tags: ['people'], summary: 'Unbind an ID number from the account that holds it (officer, admin)', security: bearer,
      description: 'For an ID number bound by the wrong phone (typed by mistake or squatted): after checking the rightful holder\'s ID card, an ' +
        'officer finds the account holding it (GET /v1/people?idNumber=) and unbinds it here. That account keeps its phone and name but loses the ' +
        'ID number: its code answers 409 GP_PROFILE_REQUIRED until it sets a profile again. The rightful resident can then bind the number with ' +
        'PUT /v1/me/profile. Audited as person.id_number_unbound with the reason (shown in that person\'s access log). One officer suffices: ' +
        'no colour changes, and the number can be bound again only by whoever holds it. A person with no ID number bound → 409 GP_CONFLICT.',
      params: Type.Object({ personId: PersonId }),
      body: Type.Object({
        reason: Type.String({ minLength: 3, maxLength: 500, description: 'Why (e.g. a ticket number and "ID card checked at the office"); recorded in the audit log' })
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ personId: Type.String(), idNumberBound: Type.Literal(false) }), ...errors(400, 401, 403, 404, 409, 415) }
    }
  }, async (request) => people.unbindIdNumber(request.user, request.params.personId, request.body.reason))
}

// HTTP for declarations, the resident's status, manual changes, appeals, and finding a person by ID number with their
// colour (GET /v1/people: it answers a colour, so it lives here; the people module cannot ask status, status asks it).
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { PurposeRequired } from '../../errors.ts'
import { Color, IdNumber, Nullable, bearer, errors } from '../common.schemas.ts'
import { appealView, statusView, type StatusService } from './status.service.ts'
import {
  AppealBody, AppealCreated, AppealsQuery, AppealView, ChangeBody, DeclarationBody, DeclarationReply, PendingChange,
  PersonParams, ResolveBody, StatusReply
} from './status.schemas.ts'

/** How many appeals a scoped officer's list looks through for the ones below their areas. */
const APPEALS_SCANNED_WHEN_SCOPED = 5_000

/** Identity lookups one account may make a minute (a grid worker's visits, a tracer's calls: a few a minute). */
export const LOOKUPS_PER_MINUTE = 30
const LOOKUP_PURPOSE = { min: 3, max: 200 }

export default async function statusRoutes (fastify: FastifyInstance, status: StatusService): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const resident = [app.authenticate, app.requireRole('resident')]
  const officer = [app.authenticate, app.requireRole('officer', 'admin')]

  app.post('/v1/me/declarations', {
    onRequest: resident,
    schema: {
      tags: ['status'], summary: 'Declare health today', security: bearer,
      description: 'Temperature ≥ 37.3 °C or any symptom → yellow for 7 days (rule symptoms); contactWithConfirmed → red 14 days (declared_contact); visitedHighRiskArea → red 14 days (high_risk_travel).',
      body: DeclarationBody, response: { 201: DeclarationReply, ...errors(400, 401, 403, 404, 415) }
    }
  }, async (request, reply) => {
    const view = statusView(request.user.sub, await status.declare(request.user.sub, request.body))
    return reply.code(201).send({ color: view.color, reasons: view.reasons })
  })

  app.get('/v1/me/status', {
    onRequest: resident,
    schema: { tags: ['status'], summary: 'My colour, why, who set it, its whole history and my appeals', description: 'The history names who set each colour by role, never by username: `self-declaration`, `system`, or e.g. `officer, confirmed by admin` (the requester, then whoever confirmed a four-eyes change).', security: bearer, response: { 200: StatusReply, ...errors(401, 403, 404) } }
  }, async (request) => ({
    ...statusView(request.user.sub, await status.evaluate(request.user.sub), 'resident'),
    appeals: (await status.appealsOf(request.user.sub)).map(appealView)
  }))

  // An officer scoped to areas changes only the people of their grids (anyone else: 404, audited).
  const inReach = (action: string) => async (request: FastifyRequest): Promise<void> => {
    await app.people.inReach(request.user, (request.params as { personId: string }).personId, action)
  }

  app.post('/v1/people/:personId/status', {
    onRequest: officer,
    preHandler: inReach('status.change'),
    schema: {
      tags: ['status'], summary: 'Set a colour by hand (officer, admin)', security: bearer,
      description: 'Ends the rules active now and sets the colour. A change to red, or from red, is a four-eyes change (action status.set): it answers 202 and waits until a second officer or admin confirms it (POST /v1/people/{personId}/status/{changeId}/confirm or POST /v1/changes/{changeId}/confirm; also listed by GET /v1/changes), under the same rules as every four-eyes change. The history then names the requester and the confirmer(s).',
      params: PersonParams, body: ChangeBody, response: { 200: StatusReply, 202: PendingChange, ...errors(400, 401, 403, 404, 415) }
    }
  }, async (request, reply) => {
    const result = await status.requestChange(request.user, request.params.personId, request.body.color, request.body.reason)
    if (result.pending) return reply.code(202).send(result.change)
    return statusView(request.params.personId, result.status)
  })

  app.post('/v1/people/:personId/status/:changeId/confirm', {
    onRequest: officer,
    preHandler: inReach('status.confirm'),
    schema: {
      tags: ['status'], summary: 'Confirm a pending change to or from red (a second officer or admin): 200 the new status', security: bearer,
      description: [
        'The same as POST /v1/changes/{changeId}/confirm for a manual change of this person (another person\'s or another kind of change → 404).',
        'The confirmer is not the author, did not confirm it already, and their account was neither created by the author (nor by an earlier confirmer) nor created at or after the request: else 403.',
        'A change past its author\'s daily reds needs two confirmers: the first gets 202 (still pending). Applied or rejected already, or another confirmation won a race → 409.'
      ].join(' '),
      params: Type.Object({ personId: PersonParams.properties.personId, changeId: Type.String({ minLength: 1, maxLength: 64 }) }),
      response: { 200: StatusReply, 202: PendingChange, ...errors(400, 401, 403, 404, 409) }
    }
  }, async (request, reply) => {
    const out = await status.confirmChange(request.user, request.params.personId, request.params.changeId)
    if (out.applied) return out.result as ReturnType<typeof statusView>
    const c = out.change
    const p = out.payload as { color: 'green' | 'yellow' | 'red', reason: string }
    return reply.code(202).send({
      changeId: c.id, status: 'pending' as const, action: 'status.set' as const, confirmationsNeeded: c.confirmationsNeeded, confirmations: (JSON.parse(c.confirmations) as unknown[]).length,
      personId: request.params.personId, color: p.color, state: 'pending' as const, reason: p.reason, requestedBy: c.requestedBy, requestedAt: new Date(c.requestedAt).toISOString()
    })
  })

  app.post('/v1/me/appeals', {
    onRequest: resident,
    schema: { tags: ['appeals'], summary: 'Appeal against my colour; answered within 48 hours', security: bearer, body: AppealBody, response: { 201: AppealCreated, ...errors(400, 401, 403, 415) } }
  }, async (request, reply) => {
    const row = await status.appeal(request.user.sub, request.body.message)
    return reply.code(201).send({ appealId: row.id, dueAt: new Date(row.dueAt).toISOString() })
  })

  app.get('/v1/appeals', {
    onRequest: officer,
    schema: { tags: ['appeals'], summary: 'Appeals, oldest due first (officer, admin)', security: bearer, querystring: AppealsQuery, response: { 200: Type.Object({ appeals: Type.Array(AppealView) }), ...errors(400, 401, 403) } }
  }, async (request) => {
    // A scoped officer sees the appeals of the people below their areas: the first `limit` of those.
    const scoped = !(await app.areas.reach(request.user)).all
    const rows = await status.appeals(request.user, request.query.status, scoped ? APPEALS_SCANNED_WHEN_SCOPED : request.query.limit)
    const keep = await app.people.inReachOf(request.user, rows.map((r) => r.personId))
    return { appeals: rows.filter((r) => keep.has(r.personId)).slice(0, request.query.limit).map(appealView) }
  })

  app.post('/v1/appeals/:appealId/resolve', {
    onRequest: officer,
    schema: {
      tags: ['appeals'], summary: 'Resolve an appeal (officer, admin)', security: bearer,
      params: Type.Object({ appealId: Type.String({ minLength: 1, maxLength: 64 }) }), body: ResolveBody,
      response: { 200: AppealView, ...errors(400, 401, 403, 404, 409, 415) }
    }
  }, async (request) => appealView(await status.resolveAppeal(request.user, request.params.appealId, request.body.outcome, request.body.note)))

  app.get('/v1/people', {
    onRequest: [app.authenticate, app.requireRole('gridworker', 'tracer', 'officer', 'admin')],
    // Before schema validation, so a missing purpose is named as such whatever else is wrong (as tracing does).
    preValidation: async (request) => {
      const p = (request.query as Record<string, unknown>).purpose
      if (typeof p !== 'string' || p.trim().length < LOOKUP_PURPOSE.min || p.length > LOOKUP_PURPOSE.max) {
        throw new PurposeRequired(`query.purpose: say why you ask, ${LOOKUP_PURPOSE.min}–${LOOKUP_PURPOSE.max} characters (e.g. a case number or a household visit)`)
      }
    },
    // Per account, shared by every copy of the service: an ID number is a guessable key, so a stolen or curious
    // account cannot walk through them.
    config: { rateLimit: { max: LOOKUPS_PER_MINUTE, timeWindow: '1 minute', hook: 'preHandler', keyGenerator: (req: FastifyRequest) => `people-lookup|${req.user.sub}` } },
    schema: {
      tags: ['people'], summary: 'Find a person by ID number (audited with its purpose; grid worker: own grids only)', security: bearer,
      description: 'Every call is written to the audit log and to the person\'s access log with its `purpose` (3–200 characters; missing or short → 400 GP_PURPOSE_REQUIRED). ' +
        'A grid worker finds only people of their own grids, a tracer or officer scoped to areas only people of the grids below them: anyone else is answered `{"people":[]}`, as if unknown, and the attempt is audited (identity.lookup_out_of_scope). ' +
        `At most ${LOOKUPS_PER_MINUTE} lookups a minute per account → 429 GP_RATE_LIMITED.`,
      querystring: Type.Object({ idNumber: IdNumber, purpose: Type.String({ minLength: LOOKUP_PURPOSE.min, maxLength: LOOKUP_PURPOSE.max, description: 'Why you ask (e.g. a case number); shown to the person in their access log' }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ people: Type.Array(Type.Object({ personId: Type.String(), name: Nullable(Type.String()), gridId: Nullable(Type.String()), color: Color })) }), ...errors(400, 401, 403, 429) }
    }
  }, async (request) => ({ people: await status.lookup(request.user, request.query.idNumber, request.query.purpose) }))
}

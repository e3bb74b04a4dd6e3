// HTTP for contact tracing: trails and contacts as JSON and as files. Every call with a session is audited, answered
// or refused, against the person asked about (so it shows in their access log).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { PurposeRequired } from '../../errors.ts'
import type { AuditLog } from '../../plugins/audit.ts'
import { actorName, type Session } from '../../types.ts'
import { bearer, errors, iso } from '../common.schemas.ts'
import { contactsCsv, trailCsv, trailGeoJson } from './tracing.export.ts'
import { ContactsFileQuery, ContactsQuery, ContactsReply, DESCRIPTIONS, MAX_ENCOUNTERS_SHOWN, PURPOSE, PersonParams, SitesQuery, SitesReply, TrailQuery, TrailReply } from './tracing.schemas.ts'
import type { Contact, TracingService, TrailScan } from './tracing.service.ts'
import type { AreasService } from '../areas/index.ts'
import type { PeopleService } from '../people/index.ts'

type Action = 'trail.read' | 'contacts.read' | 'sites.read' | 'trail.export' | 'contacts.export'

const trailView = (s: TrailScan) => ({ ...s, scannedAt: iso(s.scannedAt) })

interface Deps { tracing: TracingService, audit: AuditLog, areas: AreasService, people: PeopleService }

export default async function tracingRoutes (fastify: FastifyInstance, { tracing, audit, areas, people }: Deps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const audited = new WeakSet<FastifyRequest>()

  const purposeOf = (request: FastifyRequest): string | null => {
    const p = (request.query as Record<string, unknown>).purpose
    return typeof p === 'string' && p !== '' ? p.slice(0, PURPOSE.max) : null
  }
  const record = async (request: FastifyRequest, action: string): Promise<void> => {
    audited.add(request)
    const user = request.user
    const target = String((request.params as { personId?: unknown }).personId ?? '').slice(0, 128)
    await audit.record({ actor: actorName(user), role: user.role, action, target, purpose: purposeOf(request) })
  }
  /** Refusals (400, 403, 404) are audited too; without a session (401) there is no one to record. */
  const auditRefusal = (action: Action) => async (request: FastifyRequest): Promise<void> => {
    const user = request.user as Session | null | undefined
    if (user === null || user === undefined || audited.has(request)) return
    try {
      await record(request, `${action}.refused`)
    } catch (err) {
      request.log.error({ err, reqId: request.id }, 'could not audit a refused tracing call')
    }
  }
  // Before schema validation, so a missing purpose is named as such whatever else is wrong.
  const requirePurpose = async (request: FastifyRequest): Promise<void> => {
    const p = (request.query as Record<string, unknown>).purpose
    if (typeof p !== 'string' || p.trim().length < PURPOSE.min || p.length > PURPOSE.max) {
      throw new PurposeRequired(`query.purpose: say why you ask, ${PURPOSE.min}–${PURPOSE.max} characters (e.g. a case number)`)
    }
  }
  /**
   * A tracer or officer scoped to an area reads only the people of its grids: anyone else is answered like an unknown
   * person, and audited as <action>.out_of_scope (not also as refused).
   */
  const requireReach = (action: Action) => async (request: FastifyRequest): Promise<void> => {
    const { personId } = request.params as { personId: string }
    const reach = await areas.reach(request.user)
    if (reach.all) return
    const person = await people.get(personId)
    if (person === undefined || (person.gridId !== null && reach.gridIds.has(person.gridId))) return
    audited.add(request)
    await areas.refuse(request.user, { action, target: personId, purpose: purposeOf(request), message: `personId: no person ${personId}` })
  }
  const routeOptions = (action: Action) => ({
    onRequest: [app.authenticate, app.requireRole('tracer', 'officer', 'admin')],
    preValidation: requirePurpose,
    preHandler: requireReach(action),
    onError: auditRefusal(action)
  })

  const attachment = (kind: string, personId: string, from: number, to: number, ext: string): string =>
    `attachment; filename="${kind}-${personId}-${iso(from).slice(0, 10)}-${iso(to).slice(0, 10)}.${ext}"`
  /** An export: never cached, saved under its name. */
  const download = (reply: FastifyReply, disposition: string): FastifyReply =>
    reply.header('cache-control', 'no-store').header('content-disposition', disposition)
  const contactView = (c: Contact, names: Map<string, string | null>) => ({
    personId: c.personId,
    displayName: names.get(c.personId) ?? null,
    tier: c.tier,
    depth: c.depth,
    via: c.via,
    score: c.score,
    firstEncounterAt: iso(c.firstEncounterAt),
    lastEncounterAt: iso(c.lastEncounterAt),
    overlapMinutes: c.overlapMinutes,
    encounterCount: c.encounterCount,
    days: c.days,
    encounters: c.encounters.slice(0, MAX_ENCOUNTERS_SHOWN).map((e) => ({
      checkpointId: e.checkpointId, kind: e.kind, at: iso(e.at), indexAt: iso(e.indexAt), gapSeconds: e.gapSeconds, overlapSeconds: e.overlapSeconds, sameVehicle: e.sameVehicle, withPersonId: e.withPersonId, tier: e.tier
    }))
  })
  const fileErrors = errors(400, 401, 403, 404)

  app.get('/v1/people/:personId/trail', {
    ...routeOptions('trail.read'),
    schema: {
      tags: ['tracing'], summary: 'Where the person was: their scans (tracer, officer, admin; audited)', security: bearer, description: DESCRIPTIONS.trail,
      params: PersonParams, querystring: TrailQuery, response: { 200: TrailReply, ...errors(400, 401, 403, 404) }
    }
  }, async (request, reply) => {
    const { personId } = request.params
    const { scans } = await tracing.readTrail(personId, request.query)
    await record(request, 'trail.read')
    reply.header('cache-control', 'no-store')
    return { personId, scans: scans.map(trailView) }
  })

  app.get('/v1/people/:personId/contacts', {
    ...routeOptions('contacts.read'),
    schema: {
      tags: ['tracing'], summary: 'Who met the person, at depth 1 or 2 (tracer, officer, admin; audited)', security: bearer, description: DESCRIPTIONS.contacts,
      params: PersonParams, querystring: ContactsQuery, response: { 200: ContactsReply, ...errors(400, 401, 403, 404, 422) }
    }
  }, async (request, reply) => {
    const { personId } = request.params
    const page = await tracing.contactsPage(personId, request.query)
    await record(request, 'contacts.read')
    reply.header('cache-control', 'no-store')
    return { personId, windowMinutes: request.query.windowMinutes, depth: page.depth, tiers: page.tiers, totals: page.totals, contacts: page.contacts.map((c) => contactView(c, page.names)), nextCursor: page.nextCursor }
  })

  app.get('/v1/people/:personId/exposure-sites', {
    ...routeOptions('sites.read'),
    schema: {
      tags: ['tracing'], summary: 'Where the person may have exposed others: site windows with headcounts per tier (tracer, officer, admin; audited)', security: bearer, description: DESCRIPTIONS.sites,
      params: PersonParams, querystring: SitesQuery, response: { 200: SitesReply, ...errors(400, 401, 403, 404, 422) }
    }
  }, async (request, reply) => {
    const { personId } = request.params
    const { sites, checkpoints } = await tracing.exposureSites(personId, request.query)
    await record(request, 'sites.read')
    reply.header('cache-control', 'no-store')
    return {
      personId,
      sites: sites.map((s) => ({ checkpointId: s.checkpointId, checkpointName: checkpoints.get(s.checkpointId)?.name ?? '', kind: checkpoints.get(s.checkpointId)?.kind ?? '', from: iso(s.from), to: iso(s.to), people: s.people }))
    }
  })

  app.get('/v1/people/:personId/trail.csv', {
    ...routeOptions('trail.export'),
    schema: { tags: ['tracing'], summary: 'The trail as CSV (audited as an export)', security: bearer, description: DESCRIPTIONS.trailCsv, params: PersonParams, querystring: TrailQuery, response: fileErrors }
  }, async (request, reply) => {
    const { personId } = request.params
    const { from, to, scans } = await tracing.readTrail(personId, request.query)
    await record(request, 'trail.export')
    return download(reply, attachment('trail', personId, from, to, 'csv'))
      .type('text/csv; charset=utf-8').send(trailCsv(scans))
  })

  app.get('/v1/people/:personId/trail.geojson', {
    ...routeOptions('trail.export'),
    schema: { tags: ['tracing'], summary: 'The trail as GeoJSON (audited as an export)', security: bearer, description: DESCRIPTIONS.trailGeojson, params: PersonParams, querystring: TrailQuery, response: fileErrors }
  }, async (request, reply) => {
    const { personId } = request.params
    const { from, to, scans, checkpoints } = await tracing.readTrail(personId, request.query, true)
    await record(request, 'trail.export')
    return download(reply, attachment('trail', personId, from, to, 'geojson'))
      .type('application/geo+json; charset=utf-8').send(trailGeoJson(personId, scans, checkpoints, from, to))
  })

  app.get('/v1/people/:personId/contacts.csv', {
    ...routeOptions('contacts.export'),
    schema: { tags: ['tracing'], summary: 'The contacts as CSV, one row per encounter (audited as an export)', security: bearer, description: DESCRIPTIONS.contactsCsv, params: PersonParams, querystring: ContactsFileQuery, response: errors(400, 401, 403, 404, 422) }
  }, async (request, reply) => {
    const { personId } = request.params
    const { from, to, contacts, names, checkpoints } = await tracing.readContacts(personId, request.query)
    await record(request, 'contacts.export')
    return download(reply, attachment('contacts', personId, from, to, 'csv'))
      .type('text/csv; charset=utf-8').send(contactsCsv(contacts, (id) => names.get(id) ?? null, (id) => checkpoints.get(id)?.name ?? null))
  })
}

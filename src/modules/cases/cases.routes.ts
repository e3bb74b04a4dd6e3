// HTTP for cases: ask to open (the person turns red), mark contacts (close / secondary), confirm an exposure site
// (the people present turn yellow) or close, each a four-eyes change answered 202; list cases and read one.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { bearer, errors } from '../common.schemas.ts'
import { ChangePending, type Requested } from '../changes/index.ts'
import type { Session } from '../../types.ts'
import { caseSummaryView, caseView, type CasesService } from './cases.service.ts'
import { CaseParams, CasesQuery, CasesReply, CaseView, CloseCaseBody, MarkContactsBody, MAX_SITE_WINDOW_HOURS, OpenCaseBody, SITE_REACH_MINUTES, SiteBody } from './cases.schemas.ts'

const FOUR_EYES = 'Four eyes: answers 202 {changeId, status: "pending", action} and nothing changes yet. The change takes effect when a second officer or admin (not the author, nor an account the author created, nor one created after the request) confirms it with POST /v1/changes/{changeId}/confirm, which answers {answer}; GET /v1/changes?status=pending lists what waits. A change that takes its author past the daily reds (GRIDPASS_FOUR_EYES_DAILY_REDS, people set red per Asia/Shanghai day) needs two confirmers.'
/** How many cases a scoped tracer's or officer's list looks through for the ones below their areas. */
const CASES_SCANNED_WHEN_SCOPED = 5_000
const fourEyes = (answer: string): string => FOUR_EYES.replace('{answer}', answer)
const outsideReach = (action: string): string => `A case of a person outside a scoped caller's areas → 404, worded like an unknown case (audited as ${action}.out_of_scope).`
const pending = (r: Requested) => ({ ...r, confirmations: 0 })

export default async function casesRoutes (fastify: FastifyInstance, cases: CasesService): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  // Opening, marking and closing change colours: officers and admins only. Tracers may read a case.
  const officer = [app.authenticate, app.requireRole('officer', 'admin')]
  const reader = [app.authenticate, app.requireRole('tracer', 'officer', 'admin')]
  // Acting on a case of a person outside a scoped caller's areas is answered like an unknown case (audited as
  // <action>.out_of_scope, once: such a site request is not also case.site_requested.refused); an unknown case is
  // the service's 404.
  const outOfScope = new WeakSet<FastifyRequest>()
  const caseInReach = (action: string) => async (request: FastifyRequest): Promise<void> => {
    const { caseId } = request.params as { caseId: string }
    const personId = await cases.personOf(caseId)
    if (personId === undefined || (await app.people.inReachOf(request.user, [personId])).has(personId)) return
    outOfScope.add(request)
    await app.areas.refuse(request.user, { action, target: personId, message: `caseId: no case ${caseId}` })
  }

  app.post('/v1/cases', {
    onRequest: officer,
    // An officer scoped to areas opens cases only for the people of their grids (anyone else: 404, audited).
    preHandler: async (request) => { await app.people.inReach(request.user, (request.body as { personId: string }).personId, 'case.open') },
    schema: {
      tags: ['cases'], summary: 'Ask to open a case: once confirmed, the person turns red (rule case_confirmed) until it is closed (officer, admin)', security: bearer,
      description: [
        fourEyes('{caseId}'),
        'Unknown person → 404; the person already has an open case, or a case for them waits for confirmation → 409 GP_CONFLICT. The note is stored encrypted. The request and the opening are audited (change.requested, change.confirmed, case.opened) in the person\'s access log.'
      ].join(' '),
      body: OpenCaseBody, response: { 202: ChangePending, ...errors(400, 401, 403, 404, 409, 415) }
    }
  }, async (request, reply) => reply.code(202).send(pending(await cases.open(request.user, request.body.personId, request.body.note))))

  app.get('/v1/cases', {
    onRequest: reader,
    schema: {
      tags: ['cases'], summary: 'Cases, newest opened first (tracer, officer, admin; audited)', security: bearer,
      description: 'Each with its person (id and name), who opened and closed it (usernames, "alice+bob"), and how many contacts and exposure sites it holds. status=open: not closed; closed: closed; omitted: both. personId: only that person\'s cases. limit 1–1000 (default 100). Only confirmed cases: cases waiting to be opened are listed by GET /v1/changes. Audited (case.list).',
      querystring: CasesQuery, response: { 200: CasesReply, ...errors(400, 401, 403) }
    }
  }, async (request) => {
    // A scoped tracer or officer sees the cases of the people below their areas: the first `limit` of those.
    const scoped = !(await app.areas.reach(request.user)).all
    const rows = await cases.list(request.user, request.query.status, scoped ? CASES_SCANNED_WHEN_SCOPED : request.query.limit, request.query.personId)
    const keep = await app.people.inReachOf(request.user, rows.map((c) => c.row.personId))
    return { cases: rows.filter((c) => keep.has(c.row.personId)).slice(0, request.query.limit).map(caseSummaryView) }
  })

  app.get('/v1/cases/:caseId', {
    onRequest: reader,
    schema: {
      tags: ['cases'], summary: 'A case, its note, its marked contacts and its exposure sites (tracer, officer, admin; audited)', security: bearer,
      description: 'openedBy, markedBy, closedBy name the requester and the confirmer(s) by username ("alice+bob"); the resident sees only their roles. Shows only what was confirmed: pending changes are listed by GET /v1/changes. sites[].people counts the people who got site_exposure when the site was confirmed.',
      params: CaseParams, response: { 200: CaseView, ...errors(400, 401, 403, 404) }
    }
  }, async (request) => {
    const detail = await cases.get(request.user, request.params.caseId)
    // A case of a person outside a scoped reader's areas is answered like an unknown case (audited).
    const keep = await app.people.inReachOf(request.user, [detail.row.personId])
    if (!keep.has(detail.row.personId)) return app.areas.refuse(request.user, { action: 'case.read', target: detail.row.personId, message: `caseId: no case ${request.params.caseId}` })
    return caseView(detail)
  })

  app.post('/v1/cases/:caseId/contacts', {
    onRequest: officer,
    preHandler: caseInReach('case.contacts'),
    schema: {
      tags: ['cases'], summary: 'Ask to mark contacts of a case (officer, admin): degree 1 close_contact, degree 2 secondary_contact', security: bearer,
      description: [
        fourEyes('{updated:[{personId, color, until}]}: each person\'s colour and `until` right after the change'),
        'Once confirmed (times count from the confirmation): degree 1 is red until 14 days after the contact\'s last encounter with the case person (tracing, window 15 minutes, over the retention period); no encounter on record (known from an interview) → 14 days after marking.',
        'Degree 2: yellow until 7 days after marking. A person already marked on this case is re-marked: the earlier mark ends then. Each degree-1 person counts against the author\'s daily reds.',
        '400: empty list, more than 500, duplicates, or the case person; 404: unknown case or person (named); 409: the case is closed (checked again on confirmation).',
        'Tracers read cases but do not mark: marking changes colours.',
        outsideReach('case.contacts')
      ].join(' '),
      params: CaseParams, body: MarkContactsBody, response: { 202: ChangePending, ...errors(400, 401, 403, 404, 409, 415) }
    }
  }, async (request, reply) => reply.code(202).send(pending(await cases.markContacts(request.user, request.params.caseId, request.body.personIds, request.body.degree))))

  // Every site request is audited, refused ones too (400, 403, 404, 409, 422), with the case as purpose; a successful
  // request is audited inside its transaction (case.site_requested). Without a session (401) there is no one to record.
  const siteRefused = async (request: FastifyRequest): Promise<void> => {
    const user = request.user as Session | null | undefined
    if (user === null || user === undefined || outOfScope.has(request)) return
    try {
      await cases.siteRefused(user, String((request.params as { caseId?: unknown }).caseId ?? '').slice(0, 64))
    } catch (err) {
      request.log.error({ err, reqId: request.id }, 'could not audit a refused site request')
    }
  }

  app.post('/v1/cases/:caseId/sites', {
    onRequest: [app.authenticate, app.requireRole('tracer', 'officer', 'admin')],
    preHandler: caseInReach('case.site'),
    onError: siteRefused,
    schema: {
      tags: ['cases'], summary: 'Ask to confirm an exposure site of a case: once confirmed, everyone present there in the window turns yellow (rule site_exposure) (tracer, officer, admin)', security: bearer,
      description: [
        fourEyes('{site:{checkpointId, from, to}, updated:[{personId, color, until}]}: each person\'s colour and `until` right after the change, by personId'),
        'Once confirmed: everyone with a presence (a stay, or a single scan) at the checkpoint touching [from, to] — the case person excepted — gets site_exposure, yellow until 7 days after `to` (counted from the confirmation; a window that ended more than 7 days before turns no one yellow). Their GET /v1/me/status names the place and the window (reasons[].site, history[].site).',
        `Checked at the request and again on confirmation: body.to not after body.from, or a window longer than ${MAX_SITE_WINDOW_HOURS} hours → 400 GP_VALIDATION naming body.to; unknown case → 404; closed case → 409 GP_CONFLICT; unknown checkpoint → 404 GP_NOT_FOUND naming checkpointId;`,
        `the window must lie within the case person's own presences at that checkpoint, each widened by ${SITE_REACH_MINUTES} minutes on both sides (their union must cover [from, to]), else 422 GP_SITE_OUTSIDE_PRESENCE.`,
        'Every call is audited with the case as purpose: the request (case.site_requested) in the case person\'s access log, a refusal as case.site_requested.refused; on confirmation each person marked gets case.site_marked in theirs. Closing the case ends its site_exposure entries.',
        outsideReach('case.site')
      ].join(' '),
      params: CaseParams, body: SiteBody, response: { 202: ChangePending, ...errors(400, 401, 403, 404, 409, 415, 422) }
    }
  }, async (request, reply) => {
    const { checkpointId, from, to } = request.body
    return reply.code(202).send(pending(await cases.requestSite(request.user, request.params.caseId, { checkpointId, from: Date.parse(from), to: Date.parse(to) })))
  })

  app.post('/v1/cases/:caseId/close', {
    onRequest: officer,
    // The body is optional: a request without one (no Content-Type either) is an empty object. A body that is sent
    // still has to be JSON (415 otherwise) and match the schema.
    preValidation: async (request) => { request.body ??= {} },
    preHandler: caseInReach('case.close'),
    schema: {
      tags: ['cases'], summary: 'Ask to close a case: once confirmed, its case_confirmed entry ends (officer, admin)', security: bearer,
      description: [
        fourEyes('the case as GET /v1/cases/{caseId} shows it'),
        'The person\'s colour then follows the remaining rules; the case\'s exposure sites end too (their site_exposure entries end at the confirmation); contacts\' entries run out on their own. Already closed, or its closing waits for confirmation → 409 GP_CONFLICT. The body (an optional closing note) may be omitted.',
        outsideReach('case.close')
      ].join(' '),
      params: CaseParams, body: CloseCaseBody, response: { 202: ChangePending, ...errors(400, 401, 403, 404, 409, 415) }
    }
  }, async (request, reply) => reply.code(202).send(pending(await cases.close(request.user, request.params.caseId, request.body?.note))))
}

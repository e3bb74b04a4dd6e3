// HTTP for cases: ask to open (the person turns red), mark contacts (close / secondary) or close, each a four-eyes
// change answered 202; read a case.
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { bearer, errors } from '../common.schemas.ts'
import { ChangePending, type Requested } from '../changes/index.ts'
import { caseView, type CasesService } from './cases.service.ts'
import { CaseParams, CaseView, CloseCaseBody, MarkContactsBody, OpenCaseBody } from './cases.schemas.ts'

const FOUR_EYES = 'Four eyes: answers 202 {changeId, status: "pending", action} and nothing changes yet. The change takes effect when a second officer or admin (not the author, nor an account the author created, nor one created after the request) confirms it with POST /v1/changes/{changeId}/confirm, which answers {answer}; GET /v1/changes?status=pending lists what waits. A change that takes its author past the daily reds (GRIDPASS_FOUR_EYES_DAILY_REDS, people set red per Asia/Shanghai day) needs two confirmers.'
const fourEyes = (answer: string): string => FOUR_EYES.replace('{answer}', answer)
const pending = (r: Requested) => ({ ...r, confirmations: 0 })

export default async function casesRoutes (fastify: FastifyInstance, cases: CasesService): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  // Opening, marking and closing change colours: officers and admins only. Tracers may read a case.
  const officer = [app.authenticate, app.requireRole('officer', 'admin')]
  const reader = [app.authenticate, app.requireRole('tracer', 'officer', 'admin')]

  app.post('/v1/cases', {
    onRequest: officer,
    schema: {
      tags: ['cases'], summary: 'Ask to open a case: once confirmed, the person turns red (rule case_confirmed) until it is closed (officer, admin)', security: bearer,
      description: [
        fourEyes('{caseId}'),
        'Unknown person → 404; the person already has an open case, or a case for them waits for confirmation → 409 GP_CONFLICT. The note is stored encrypted. The request and the opening are audited (change.requested, change.confirmed, case.opened) in the person\'s access log.'
      ].join(' '),
      body: OpenCaseBody, response: { 202: ChangePending, ...errors(400, 401, 403, 404, 409, 415) }
    }
  }, async (request, reply) => reply.code(202).send(pending(await cases.open(request.user, request.body.personId, request.body.note))))

  app.get('/v1/cases/:caseId', {
    onRequest: reader,
    schema: {
      tags: ['cases'], summary: 'A case, its note and its marked contacts (tracer, officer, admin; audited)', security: bearer,
      description: 'openedBy, markedBy, closedBy name the requester and the confirmer(s) by username ("alice+bob"); the resident sees only their roles. Shows only what was confirmed: pending changes are listed by GET /v1/changes.',
      params: CaseParams, response: { 200: CaseView, ...errors(400, 401, 403, 404) }
    }
  }, async (request) => caseView(await cases.get(request.user, request.params.caseId)))

  app.post('/v1/cases/:caseId/contacts', {
    onRequest: officer,
    schema: {
      tags: ['cases'], summary: 'Ask to mark contacts of a case (officer, admin): degree 1 close_contact, degree 2 secondary_contact', security: bearer,
      description: [
        fourEyes('{updated:[{personId, color, until}]}: each person\'s colour and `until` right after the change'),
        'Once confirmed (times count from the confirmation): degree 1 is red until 14 days after the contact\'s last encounter with the case person (tracing, window 15 minutes, over the retention period); no encounter on record (known from an interview) → 14 days after marking.',
        'Degree 2: yellow until 7 days after marking. A person already marked on this case is re-marked: the earlier mark ends then. Each degree-1 person counts against the author\'s daily reds.',
        '400: empty list, more than 500, duplicates, or the case person; 404: unknown case or person (named); 409: the case is closed (checked again on confirmation).',
        'Tracers read cases but do not mark: marking changes colours.'
      ].join(' '),
      params: CaseParams, body: MarkContactsBody, response: { 202: ChangePending, ...errors(400, 401, 403, 404, 409, 415) }
    }
  }, async (request, reply) => reply.code(202).send(pending(await cases.markContacts(request.user, request.params.caseId, request.body.personIds, request.body.degree))))

  app.post('/v1/cases/:caseId/close', {
    onRequest: officer,
    // The body is optional: a request without one (no Content-Type either) is an empty object. A body that is sent
    // still has to be JSON (415 otherwise) and match the schema.
    preValidation: async (request) => { request.body ??= {} },
    schema: {
      tags: ['cases'], summary: 'Ask to close a case: once confirmed, its case_confirmed entry ends (officer, admin)', security: bearer,
      description: [
        fourEyes('the case as GET /v1/cases/{caseId} shows it'),
        'The person\'s colour then follows the remaining rules; contacts\' entries run out on their own. Already closed, or its closing waits for confirmation → 409 GP_CONFLICT. The body (an optional closing note) may be omitted.'
      ].join(' '),
      params: CaseParams, body: CloseCaseBody, response: { 202: ChangePending, ...errors(400, 401, 403, 404, 409, 415) }
    }
  }, async (request, reply) => reply.code(202).send(pending(await cases.close(request.user, request.params.caseId, request.body?.note))))
}

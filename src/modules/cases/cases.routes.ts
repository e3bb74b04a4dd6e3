// HTTP for cases: open (the person turns red), mark contacts (close / secondary), close, read.
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { bearer, errors, iso } from '../common.schemas.ts'
import type { CaseDetail, CasesService } from './cases.service.ts'
import { CaseCreated, CaseParams, CaseView, CloseCaseBody, MarkContactsBody, MarkContactsReply, OpenCaseBody } from './cases.schemas.ts'

const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms))

function caseView (d: CaseDetail) {
  const { row } = d
  return {
    caseId: row.id,
    personId: row.personId,
    note: d.note,
    openedBy: row.openedBy,
    openedAt: iso(row.openedAt),
    closedBy: row.closedBy,
    closedAt: isoOrNull(row.closedAt),
    closeNote: d.closeNote,
    contacts: d.contacts.map((c) => ({ personId: c.personId, degree: c.degree, markedBy: c.markedBy, markedAt: iso(c.markedAt), until: iso(c.until) }))
  }
}

export default async function casesRoutes (fastify: FastifyInstance, cases: CasesService): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  // Opening, marking and closing change colours: officers and admins only. Tracers may read a case.
  const officer = [app.authenticate, app.requireRole('officer', 'admin')]
  const reader = [app.authenticate, app.requireRole('tracer', 'officer', 'admin')]

  app.post('/v1/cases', {
    onRequest: officer,
    schema: {
      tags: ['cases'], summary: 'Open a case: the person turns red (rule case_confirmed) until it is closed (officer, admin)', security: bearer,
      description: 'Unknown person → 404; the person already has an open case → 409 GP_CONFLICT. The note is stored encrypted. Audited (case.opened) in the person\'s access log.',
      body: OpenCaseBody, response: { 201: CaseCreated, ...errors(400, 401, 403, 404, 409, 415) }
    }
  }, async (request, reply) => reply.code(201).send({ caseId: await cases.open(request.user, request.body.personId, request.body.note) }))

  app.get('/v1/cases/:caseId', {
    onRequest: reader,
    schema: {
      tags: ['cases'], summary: 'A case, its note and its marked contacts (tracer, officer, admin; audited)', security: bearer,
      params: CaseParams, response: { 200: CaseView, ...errors(400, 401, 403, 404) }
    }
  }, async (request) => caseView(await cases.get(request.user, request.params.caseId)))

  app.post('/v1/cases/:caseId/contacts', {
    onRequest: officer,
    schema: {
      tags: ['cases'], summary: 'Mark contacts of a case (officer, admin): degree 1 close_contact, degree 2 secondary_contact', security: bearer,
      description: [
        'Degree 1: red until 14 days after the contact\'s last encounter with the case person (tracing, window 15 minutes, over the retention period); no encounter on record (known from an interview) → 14 days after marking.',
        'Degree 2: yellow until 7 days after marking. A person already marked on this case is re-marked: the earlier mark ends now.',
        'Answers each person\'s colour and `until` right after the change. 400: empty list, more than 500, duplicates, or the case person; 404: unknown case or person (named); 409: the case is closed.',
        'Tracers read cases but do not mark: marking changes colours.'
      ].join(' '),
      params: CaseParams, body: MarkContactsBody, response: { 200: MarkContactsReply, ...errors(400, 401, 403, 404, 409, 415) }
    }
  }, async (request) => {
    const updated = await cases.markContacts(request.user, request.params.caseId, request.body.personIds, request.body.degree)
    return { updated: updated.map((u) => ({ personId: u.personId, color: u.color as 'green' | 'yellow' | 'red', until: isoOrNull(u.until) })) }
  })

  app.post('/v1/cases/:caseId/close', {
    onRequest: officer,
    // The body is optional: a request without one (no Content-Type either) is an empty object. A body that is sent
    // still has to be JSON (415 otherwise) and match the schema.
    preValidation: async (request) => { request.body ??= {} },
    schema: {
      tags: ['cases'], summary: 'Close a case: its case_confirmed entry ends now (officer, admin)', security: bearer,
      description: 'The person\'s colour then follows the remaining rules; contacts\' entries run out on their own. Already closed → 409 GP_CONFLICT. The body (an optional closing note) may be omitted.',
      params: CaseParams, body: CloseCaseBody, response: { 200: CaseView, ...errors(400, 401, 403, 404, 409, 415) }
    }
  }, async (request) => caseView(await cases.close(request.user, request.params.caseId, request.body?.note)))
}

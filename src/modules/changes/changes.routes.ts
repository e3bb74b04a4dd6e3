// HTTP for four-eyes changes: the pending queue, confirming (applies the change) and rejecting.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { bearer, errors, iso } from '../common.schemas.ts'
import type { ChangesService, ChangeView as View } from './changes.service.ts'
import { ChangeParams, ChangePending, ChangesQuery, ChangesReply, ChangeView, ConfirmReply, RejectBody } from './changes.schemas.ts'

const RULES = 'The confirmer is an officer or admin who is not the author, did not confirm it already, and whose account was neither created by the author (users.createdBy) or by an earlier confirmer, nor created at or after the moment the change was requested: otherwise 403 GP_FORBIDDEN.'

export function changeView (v: View) {
  const { change: c } = v
  return {
    changeId: c.id,
    action: c.action,
    status: c.state,
    personId: c.personId,
    caseId: c.caseId,
    payload: (v.payload ?? {}) as Record<string, unknown>,
    reds: c.reds,
    requestedBy: { userId: c.requestedById, username: c.requestedBy, role: c.requestedRole, at: iso(c.requestedAt) },
    confirmationsNeeded: c.confirmationsNeeded,
    confirmations: v.confirmations.map((p) => ({ userId: p.id, username: p.name, role: p.role, at: iso(p.at) })),
    decidedAt: c.decidedAt === null ? null : iso(c.decidedAt),
    rejectReason: v.rejectReason
  }
}

export default async function changesRoutes (fastify: FastifyInstance, changes: ChangesService): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const officer = [app.authenticate, app.requireRole('officer', 'admin')]
  // A change about a person outside a scoped officer's areas is answered like an unknown change (audited as
  // <action>.out_of_scope); an unknown change is the service's 404.
  const changeInReach = (action: string) => async (request: FastifyRequest): Promise<void> => {
    const { changeId } = request.params as { changeId: string }
    if ((await app.areas.reach(request.user)).all) return
    const about = await changes.about(changeId)
    if (about === undefined) return
    if (about.personId !== null && (await app.people.inReachOf(request.user, [about.personId])).has(about.personId)) return
    await app.areas.refuse(request.user, { action, target: about.personId, message: `changeId: no change ${changeId}` })
  }

  app.get('/v1/changes', {
    onRequest: officer,
    schema: {
      tags: ['changes'], summary: 'Four-eyes changes waiting for (or past) a second officer or admin (officer, admin; audited)', security: bearer,
      description: 'Opening a case, marking contacts, confirming an exposure site, closing a case and manual status changes to or from red wait here until confirmed. Each lists what was asked (payload), who asked (username and role) and who confirmed so far. An officer scoped to areas sees only the changes about people below them.',
      querystring: ChangesQuery, response: { 200: ChangesReply, ...errors(400, 401, 403) }
    }
  }, async (request) => {
    // A scoped officer sees the changes about the people below their areas.
    const scoped = !(await app.areas.reach(request.user)).all
    const inReach = scoped ? async (personIds: string[]) => app.people.inReachOf(request.user, personIds) : undefined
    return { changes: (await changes.list(request.user, request.query.status, request.query.limit, inReach)).map(changeView) }
  })

  app.post('/v1/changes/:changeId/confirm', {
    onRequest: officer,
    preHandler: changeInReach('change.confirm'),
    schema: {
      tags: ['changes'], summary: 'Confirm a pending change: the last confirmation needed applies it and answers its effect (officer, admin)', security: bearer,
      description: [
        RULES,
        'A change past its author\'s daily reds needs two different confirmers: the first gets 202 (still pending).',
        'The change applies exactly once, with its audit entries, in one transaction: of two racing confirmations one gets 200 and the other 409 GP_CONFLICT; an applied or rejected change → 409.',
        'The action is checked again when it applies: e.g. a case closed meanwhile → 409, and the change stays pending until rejected.',
        'A change about a person outside a scoped officer\'s areas → 404, worded like an unknown change (audited as change.confirm.out_of_scope).'
      ].join(' '),
      params: ChangeParams, response: { 200: ConfirmReply, 202: ChangePending, ...errors(400, 401, 403, 404, 409) }
    }
  }, async (request, reply) => {
    const out = await changes.confirm(request.user, request.params.changeId)
    if (out.applied) return out.result
    const c = out.change
    return reply.code(202).send({ changeId: c.id, status: 'pending' as const, action: c.action, confirmationsNeeded: c.confirmationsNeeded, confirmations: (JSON.parse(c.confirmations) as unknown[]).length })
  })

  app.post('/v1/changes/:changeId/reject', {
    onRequest: officer,
    preHandler: changeInReach('change.reject'),
    schema: {
      tags: ['changes'], summary: 'Reject a pending change with a reason (officer, admin; the author may withdraw their own)', security: bearer,
      description: 'Nothing of the change is applied. The reason is stored encrypted; the rejection is audited. Already applied or rejected → 409 GP_CONFLICT. A change about a person outside a scoped officer\'s areas → 404, worded like an unknown change (audited as change.reject.out_of_scope).',
      params: ChangeParams, body: RejectBody, response: { 200: ChangeView, ...errors(400, 401, 403, 404, 409, 415) }
    }
  }, async (request) => changeView(await changes.reject(request.user, request.params.changeId, request.body.reason)))
}

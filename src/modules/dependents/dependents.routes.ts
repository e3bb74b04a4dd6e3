// HTTP for a resident's dependents (家人代管) and their codes, and for declarations made for a person (代报).
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { bearer, errors, iso } from '../common.schemas.ts'
import { DeclarationBody, DeclarationReply, statusView } from '../status/index.ts'
import { MAX_DEPENDENTS, type DependentsService } from './dependents.service.ts'
import { CodeReply, DependentBody, DependentCreated, DependentParams, DependentsReply } from './dependents.schemas.ts'

export default async function dependentsRoutes (fastify: FastifyInstance, dependents: DependentsService): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const resident = [app.authenticate, app.requireRole('resident')]

  app.post('/v1/me/dependents', {
    onRequest: resident,
    schema: {
      tags: ['dependents'], summary: `Add a dependent: someone without a phone whose code I keep (at most ${MAX_DEPENDENTS})`, security: bearer,
      description: `The dependent joins my grid and household. My own profile first → else 409 GP_PROFILE_REQUIRED. A ${MAX_DEPENDENTS + 1}th → 409 GP_CONFLICT ("at most ${MAX_DEPENDENTS} dependents"); ` +
        'an ID number already registered → 409 GP_CONFLICT naming idNumber; a bad one → 400 GP_INVALID_ID_NUMBER. Audited as dependent.added.',
      body: DependentBody, response: { 201: DependentCreated, ...errors(400, 401, 403, 404, 409, 415) }
    }
  }, async (request, reply) => reply.code(201).send(await dependents.add(request.user, request.body)))

  app.get('/v1/me/dependents', {
    onRequest: resident,
    schema: { tags: ['dependents'], summary: 'My dependents with their colours now', security: bearer, response: { 200: DependentsReply, ...errors(401, 403) } }
  }, async (request, reply) => {
    reply.header('cache-control', 'no-store')
    return { dependents: await dependents.list(request.user) }
  })

  app.get('/v1/me/dependents/:personId/code', {
    onRequest: resident,
    schema: {
      tags: ['dependents'], summary: 'A fresh live code of one of my dependents (the same body as GET /v1/me/code)', security: bearer,
      description: 'Anyone who is not my dependent → 404.',
      params: DependentParams, response: { 200: CodeReply, ...errors(400, 401, 403, 404, 409) }
    }
  }, async (request, reply) => {
    const code = await dependents.code(request.user, request.params.personId)
    reply.header('cache-control', 'no-store')
    return { token: code.token, color: code.color, issuedAt: iso(code.issuedAt), expiresAt: iso(code.expiresAt), displayName: code.displayName }
  })

  app.delete('/v1/me/dependents/:personId', {
    onRequest: resident,
    schema: {
      tags: ['dependents'], summary: 'Stop keeping a dependent\'s code (the person stays registered)', security: bearer,
      description: 'Anyone who is not my dependent → 404. Audited as dependent.released.',
      params: DependentParams, response: { 204: Type.Null(), ...errors(400, 401, 403, 404) }
    }
  }, async (request, reply) => {
    await dependents.release(request.user, request.params.personId)
    return reply.code(204).send(null)
  })

  app.post('/v1/people/:personId/declarations', {
    onRequest: [app.authenticate, app.requireRole('gridworker', 'officer', 'admin')],
    schema: {
      tags: ['dependents'], summary: 'Declare health for a person of my grids (grid worker; officer, admin within their reach)', security: bearer,
      description: 'The same body, rules and answer as POST /v1/me/declarations; the person\'s status history names the role that declared. ' +
        'An unknown person, or one outside the caller\'s reach (audited as declaration.by_proxy.out_of_scope), → 404 alike. Audited as declaration.by_proxy in the person\'s access log.',
      params: DependentParams, body: DeclarationBody, response: { 201: DeclarationReply, ...errors(400, 401, 403, 404, 415) }
    }
  }, async (request, reply) => {
    const view = statusView(request.params.personId, await dependents.declareFor(request.user, request.params.personId, request.body))
    return reply.code(201).send({ color: view.color, reasons: view.reasons })
  })
}

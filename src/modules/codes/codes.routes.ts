// HTTP for live codes, their QR images, paper codes and the public key set.
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { Color, IsoTime, PersonId, bearer, errors, iso } from '../common.schemas.ts'
import type { CodesService } from './codes.service.ts'

const Jwk = Type.Object({ kty: Type.String(), crv: Type.String(), x: Type.String(), y: Type.String(), kid: Type.String(), alg: Type.String(), use: Type.String() })

export default async function codesRoutes (fastify: FastifyInstance, codes: CodesService): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const resident = [app.authenticate, app.requireRole('resident')]
  const printers = [app.authenticate, app.requireRole('gridworker', 'officer', 'admin')]
  const image = (summary: string) => ({ tags: ['codes'], summary, security: bearer, response: errors(401, 403, 404, 409) })

  app.get('/.well-known/jwks.json', {
    config: { cors: { origin: '*', methods: ['GET'] } },
    schema: { tags: ['codes'], summary: 'Public keys that verify health codes (public, CORS, cacheable)', response: { 200: Type.Object({ keys: Type.Array(Jwk) }) } }
  }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=300')
    return codes.jwks()
  })

  app.get('/v1/me/code', {
    onRequest: resident,
    schema: {
      tags: ['codes'], summary: 'A fresh live code', security: bearer,
      description: 'The token lives GRIDPASS_CODE_TTL_SECONDS; pages refresh at half of it and draw the QR themselves.',
      response: {
        200: Type.Object({
          token: Type.String(), color: Color, issuedAt: IsoTime, expiresAt: IsoTime,
          displayName: Type.String({ description: 'Whose code it is, masked (张*), for the page to show beside the QR; never in the token' })
        }),
        ...errors(401, 403, 404, 409)
      }
    }
  }, async (request, reply) => {
    const code = await codes.live(request.user.sub)
    reply.header('cache-control', 'no-store')
    return { token: code.token, color: code.color, issuedAt: iso(code.issuedAt), expiresAt: iso(code.expiresAt), displayName: code.displayName }
  })

  app.get('/v1/me/code.svg', { onRequest: resident, schema: image('The QR of a fresh live code, SVG') }, async (request, reply) => {
    const code = await codes.live(request.user.sub)
    return reply.header('cache-control', 'no-store').type('image/svg+xml').send(await codes.qrSvg(code.token))
  })

  app.get('/v1/me/code.png', { onRequest: resident, schema: image('The QR of a fresh live code, PNG') }, async (request, reply) => {
    const code = await codes.live(request.user.sub)
    return reply.header('cache-control', 'no-store').type('image/png').send(await codes.qrPng(code.token))
  })

  const personParams = Type.Object({ personId: PersonId })
  app.post('/v1/people/:personId/paper-code', {
    onRequest: printers,
    schema: {
      tags: ['codes'], summary: 'Issue a 28-day paper code for a person without a phone (audited)', security: bearer,
      params: personParams, response: { 200: Type.Object({ token: Type.String(), expiresAt: IsoTime }), ...errors(401, 403, 404, 409) }
    }
  }, async (request) => {
    const code = await codes.paper(request.user, request.params.personId, 'paper_code.issue')
    return { token: code.token, expiresAt: iso(code.expiresAt) }
  })

  app.get('/v1/people/:personId/paper-code.svg', {
    onRequest: printers,
    schema: { tags: ['codes'], summary: 'A printable paper-code card, SVG (audited)', security: bearer, params: personParams, response: errors(401, 403, 404, 409) }
  }, async (request, reply) => {
    const card = await codes.paperCard(request.user, request.params.personId)
    return reply.header('cache-control', 'no-store').type('image/svg+xml').send(card)
  })
}

// HTTP for place codes (场所码): printing them (admin, grid worker) and residents checking in by scanning one.
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { Color, IsoTime, bearer, errors, iso } from '../common.schemas.ts'
import type { PlacesService } from './places.service.ts'

const LIFETIME = 'Place codes live 365 days and verify against the keys in /.well-known/jwks.json: after a signing-key rotation, reprint them within 28 days.'

export default async function placesRoutes (fastify: FastifyInstance, places: PlacesService): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const printers = [app.authenticate, app.requireRole('gridworker', 'admin')]
  const params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, description: 'Checkpoint id' }) })

  app.get('/v1/checkpoints/:id/place-code', {
    onRequest: printers,
    schema: {
      tags: ['checkpoints'], summary: 'Issue a place code for a checkpoint, as a token for printing systems (admin, grid worker of its grid; audited)', security: bearer,
      description: `The token is a compact JWS, header {"alg":"ES256","kid","typ":"gp-place+jwt"}, payload {"iss","cp","iat","exp"}; url is what a printed QR holds. ${LIFETIME}`,
      params,
      response: {
        200: Type.Object({
          token: Type.String({ description: 'The placeToken' }),
          url: Type.String({ description: '<GRIDPASS_PUBLIC_URL>/h5/checkin#<placeToken>: what the printed QR holds' }),
          expiresAt: IsoTime
        }),
        ...errors(401, 403, 404)
      }
    }
  }, async (request, reply) => {
    const code = await places.placeCode(request.user, request.params.id, 'place_code.issue')
    reply.header('cache-control', 'no-store')
    return { token: code.token, url: code.url, expiresAt: iso(code.expiresAt) }
  })

  app.get('/v1/checkpoints/:id/place-code.svg', {
    onRequest: printers,
    schema: {
      tags: ['checkpoints'], summary: 'A printable place-code card, SVG (admin, grid worker of its grid; audited)', security: bearer,
      description: 'The QR holds <GRIDPASS_PUBLIC_URL>/h5/checkin#<placeToken>, so that any phone camera opens the check-in page, which checks in with the placeToken (POST /v1/me/checkins). ' +
        `A long checkpoint name wraps onto several lines. ${LIFETIME}`,
      params, response: errors(401, 403, 404)
    }
  }, async (request, reply) => {
    const card = await places.placeCard(request.user, request.params.id)
    return reply.header('cache-control', 'no-store').type('image/svg+xml').send(card)
  })

  app.post('/v1/me/checkins', {
    onRequest: [app.authenticate, app.requireRole('resident')],
    schema: {
      tags: ['scans'], summary: 'Check in at a place by scanning its place code (resident)', security: bearer,
      description: 'Recorded in the resident\'s trail like a volunteer\'s scan (source checkin), answered after the commit. allow only when the resident\'s colour now is green. ' +
        'Idempotent on id: the same id and placeToken again → the first answer with duplicate:true; the same id with another placeToken → 409. ' +
        'A placeToken that is not a valid place code (forged, expired, another kind of token) → 400 GP_VALIDATION naming placeToken: it is the resident\'s own request, and nothing is recorded.',
      body: Type.Object({
        id: Type.String({ format: 'uuid', description: 'Chosen by the page (UUID); retries reuse it' }),
        placeToken: Type.String({ minLength: 1, maxLength: 16384, description: 'The place code\'s token: what follows "#" in the URL its QR holds (the page takes it from there); the URL itself is refused (400)' }),
        direction: Type.Optional(Type.Union([Type.Literal('in'), Type.Literal('out'), Type.Literal('pass')]))
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          id: Type.String(),
          decision: Type.Union([Type.Literal('allow'), Type.Literal('deny')]),
          color: Color,
          reason: Type.Union([Type.Literal('color_yellow'), Type.Literal('color_red'), Type.Null()]),
          checkpointId: Type.String(),
          checkpointName: Type.String(),
          at: IsoTime,
          duplicate: Type.Boolean({ description: 'true: this id was answered before; this is the first answer again' })
        }),
        ...errors(400, 401, 403, 404, 409, 415)
      }
    }
  }, async (request, reply) => {
    reply.header('cache-control', 'no-store')
    return places.checkin(request.user, request.body)
  })
}

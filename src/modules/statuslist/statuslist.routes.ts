// GET /v1/status-list: the signed list of non-green paper cards for offline scanners.
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { STAFF_ROLES } from '../../types.ts'
import { IsoTime, bearer, errors, iso } from '../common.schemas.ts'
import type { StatusListService } from './statuslist.service.ts'

export default async function statusListRoutes (fastify: FastifyInstance, statusList: StatusListService): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()

  app.get('/v1/status-list', {
    onRequest: [app.authenticate, app.requireRole(...STAFF_ROLES)],
    schema: {
      tags: ['scans'], summary: 'The signed list of paper cards whose holder is not green now, for offline scanners (volunteer and above)', security: bearer,
      description: 'token is a compact JWS, header {"alg":"ES256","kid","typ":"gp-status+jwt"}, payload {"iss","iat","exp","paper":{"<card id>":"y|r"}}; verify it with /.well-known/jwks.json. ' +
        'paper lists every unexpired paper code (POST /v1/people/{personId}/paper-code) whose holder is not green now, keyed by the card id: base64url of the first 12 bytes of SHA-256 of the code\'s jti. ' +
        'It names no person. An offline scanner judges a live code by its own signed col (at most one code lifetime old) and a paper code by this list: not listed, green. ' +
        'The list is rebuilt at most once a minute (cache-control says how long this copy stays current); exp, 10 minutes after iat, is when a scanner should have a newer one. ' +
        'A scanner cut off from the network may go on judging by an older list only while it shows the list\'s age (the gridpass scanner: amber past 1 hour, red past 24 hours); the server judges every such scan again when it syncs.',
      response: {
        200: Type.Object({
          token: Type.String(),
          issuedAt: IsoTime,
          expiresAt: IsoTime,
          count: Type.Integer({ description: 'How many cards are in paper' })
        }),
        ...errors(401, 403)
      }
    }
  }, async (_request, reply) => {
    const { list, maxAgeSeconds } = await statusList.current()
    reply.header('cache-control', `private, max-age=${maxAgeSeconds}`)
    return { token: list.token, issuedAt: iso(list.issuedAt), expiresAt: iso(list.expiresAt), count: list.count }
  })
}

// GET /v1/status-list: the signed list of non-green people for offline scanners.
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
      tags: ['scans'], summary: 'The signed list of everyone whose colour now is not green, for offline scanners (volunteer and above)', security: bearer,
      description: 'token is a compact JWS, header {"alg":"ES256","kid","typ":"gp-status+jwt"}, payload {"iss","iat","exp","nonGreen":{"<personId>":"y|r"}}; verify it with /.well-known/jwks.json. ' +
        'Someone not in nonGreen was green when the list was signed. The list is rebuilt at most once a minute (cache-control says how long this copy stays current) and is valid 10 minutes after iat: ' +
        'a scanner must not judge by a list past its exp.',
      response: {
        200: Type.Object({
          token: Type.String(),
          issuedAt: IsoTime,
          expiresAt: IsoTime,
          count: Type.Integer({ description: 'How many people are in nonGreen' })
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

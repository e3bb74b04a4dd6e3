// Sessions (@fastify/jwt, HS256 with keys/session.key) and per-route role checks; deny by default.
import fp from 'fastify-plugin'
import fastifyJwt from '@fastify/jwt'
import { Forbidden, Unauthenticated } from '../errors.ts'
import type { Role } from '../types.ts'

export default fp(async (app) => {
  await app.register(fastifyJwt, {
    secret: app.keyring.sessionKey,
    sign: { algorithm: 'HS256', iss: `${app.config.issuer}/session` },
    verify: { algorithms: ['HS256'], allowedIss: `${app.config.issuer}/session` }
  })
  app.decorate('authenticate', async (request) => {
    try {
      await request.jwtVerify({ clockTimestamp: app.config.now() })
    } catch {
      throw new Unauthenticated('a valid Authorization: Bearer token is required')
    }
  })
  app.decorate('requireRole', (...roles: Role[]) => async (request) => {
    if (!roles.includes(request.user.role)) throw new Forbidden(`this endpoint is for: ${roles.join(', ')}`)
  })
}, { name: 'gp-auth', dependencies: ['gp-keys'] })

// Sessions (HS256 with keys/session.key: signed by @fastify/jwt, verified by one cached fast-jwt verifier), checked
// against the staff account's state on every request, per-route role checks (deny by default), and staff accounts with
// their scope (app.users).
import fp from 'fastify-plugin'
import fastifyJwt from '@fastify/jwt'
import { createVerifier } from 'fast-jwt'
import { Forbidden, Unauthenticated } from '../errors.ts'
import type { Role, Session } from '../types.ts'
import { createUsers, type Users } from './users.ts'

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/

declare module 'fastify' {
  interface FastifyInstance {
    users: Users
    /** A signed session token for `session`, valid `seconds` from now (config.now). */
    signSession: (session: Session, seconds: number) => { accessToken: string, expiresIn: number }
  }
}

export default fp(async (app) => {
  await app.register(fastifyJwt, {
    secret: app.keyring.sessionKey,
    sign: { algorithm: 'HS256', iss: `${app.config.issuer}/session` }
  })
  // request.jwtVerify() builds a new verifier for every call that passes options (the clock), which measured ~8 %
  // of the event loop on the scan path. One verifier, with fast-jwt's LRU cache of verified tokens (a volunteer's
  // phone sends the same session token thousands of times a day); the times are checked here against config.now(),
  // so tests can move the clock.
  const verify = createVerifier({
    key: app.keyring.sessionKey,
    algorithms: ['HS256'],
    allowedIss: `${app.config.issuer}/session`,
    ignoreExpiration: true,
    ignoreNotBefore: true,
    cache: 10_000
  })
  const refuse = (): never => { throw new Unauthenticated('a valid Authorization: Bearer token is required') }
  const ended = (): never => { throw new Unauthenticated('your account was disabled or your session was ended; log in again') }
  const users = createUsers(app.store)
  app.decorate('authenticate', async (request) => {
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1] ?? refuse()
    let session: Session & { exp?: unknown }
    try { session = verify(token) as typeof session } catch { return refuse() }
    // Valid up to and including its exp second, as fast-jwt counts it.
    if (typeof session.exp !== 'number' || app.config.now() > session.exp * 1000) refuse()
    // A staff session counts only while its account exists, is enabled, has the token's role and has not raised its
    // token version since (logout, disable, role or password change): read from memory, at most ACCOUNT_TTL_MS old,
    // so a withdrawn account is refused by every copy within 5 s. Residents' sessions are not staff accounts: their
    // signature and expiry are the whole check.
    if (session.role !== 'resident') {
      const read = users.state(session.sub)
      const state = read instanceof Promise ? await read : read
      if (state === null || state.disabled || state.role !== session.role || state.tokenVersion !== (session.ver ?? 0)) ended()
    }
    request.user = session
  })
  app.decorate('requireRole', (...roles: Role[]) => async (request) => {
    if (!roles.includes(request.user.role)) throw new Forbidden(`this endpoint is for: ${roles.join(', ')}`)
  })
  app.decorate('signSession', (session: Session, seconds: number) => {
    const iat = Math.floor(app.config.now() / 1000)
    return { accessToken: app.jwt.sign({ ...session, iat, exp: iat + seconds } as Session), expiresIn: seconds }
  })
  app.decorate('users', users)
}, { name: 'gp-auth', dependencies: ['gp-db', 'gp-keys'] })

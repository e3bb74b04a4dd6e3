// Sessions (HS256 with keys/session.key: signed by @fastify/jwt, verified once by a fast-jwt verifier and kept until they expire), checked
// against the staff account's state on every request, per-route role checks (deny by default), and staff accounts with
// their scope (app.users).
import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import fastifyJwt from '@fastify/jwt'
import { createVerifier } from 'fast-jwt'
import { Forbidden, Unauthenticated } from '../errors.ts'
import type { Role, Session } from '../types.ts'
import { createUsers, type Users } from './users.ts'

/** A compact JWS: three base64url segments, nothing else (checked before a token is first verified). */
const COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/

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
  // of the event loop on the scan path. One verifier; the times are checked here against config.now(), so tests can
  // move the clock.
  const verify = createVerifier({
    key: app.keyring.sessionKey,
    algorithms: ['HS256'],
    allowedIss: `${app.config.issuer}/session`,
    ignoreExpiration: true,
    ignoreNotBefore: true
  })
  // Sessions verified once, kept by the whole token (signature included) until they expire: a volunteer's phone sends
  // the same token with every scan of its shift. A map lookup by the token is a fraction of fast-jwt's own cache
  // (which hashes every token with SHA-256 first): 4 % of the event loop on the scan path. At most SESSIONS_KEPT,
  // the oldest going first; only tokens that verified are kept.
  const SESSIONS_KEPT = 10_000
  const sessions = new Map<string, Session & { exp?: unknown }>()
  const sessionOf = (token: string): (Session & { exp?: unknown }) | undefined => {
    const kept = sessions.get(token)
    if (kept !== undefined) return kept
    // Only the exact text that verified is kept: the shape is checked once, here (a lenient base64 decoder would
    // otherwise let other spellings of the same signature through).
    if (!COMPACT.test(token)) return undefined
    let session: Session & { exp?: unknown }
    try { session = verify(token) as typeof session } catch { return undefined }
    if (sessions.size >= SESSIONS_KEPT) sessions.delete(sessions.keys().next().value as string)
    sessions.set(token, session)
    return session
  }
  const users = createUsers(app.store)
  const UNAUTHENTICATED = 'a valid Authorization: Bearer token is required'
  const ENDED = 'your account was disabled or your session was ended; log in again'
  /** Signs the request in when the staff account still backs the session; the error otherwise. */
  const admit = (request: FastifyRequest, session: Session, state: Awaited<ReturnType<Users['state']>>): Error | undefined => {
    if (state === null || state.disabled || state.role !== session.role || state.tokenVersion !== (session.ver ?? 0)) return new Unauthenticated(ENDED)
    request.user = session
    return undefined
  }
  app.decorate('authenticate', (request, _reply, done) => {
    const header = request.headers.authorization
    if (header === undefined || !header.startsWith('Bearer ')) { done(new Unauthenticated(UNAUTHENTICATED)); return }
    const token = header.slice(7)
    const session = sessionOf(token)
    if (session === undefined) { done(new Unauthenticated(UNAUTHENTICATED)); return }
    // Valid up to and including its exp second, as fast-jwt counts it.
    if (typeof session.exp !== 'number' || app.config.now() > session.exp * 1000) {
      sessions.delete(token)
      done(new Unauthenticated(UNAUTHENTICATED))
      return
    }
    // Residents' sessions are not staff accounts: their signature and expiry are the whole check.
    if (session.role === 'resident') { request.user = session; done(); return }
    // A staff session counts only while its account exists, is enabled, has the token's role and has not raised its
    // token version since (logout, disable, role or password change): read from memory, at most ACCOUNT_TTL_MS old,
    // so a withdrawn account is refused by every copy within 5 s.
    const read = users.state(session.sub)
    if (!(read instanceof Promise)) { done(admit(request, session, read)); return }
    read.then((state) => { done(admit(request, session, state)) }, (err: unknown) => { done(err as Error) })
  })
  app.decorate('requireRole', (...roles: Role[]) => (request, _reply, done) => {
    done(roles.includes(request.user.role) ? undefined : new Forbidden(`this endpoint is for: ${roles.join(', ')}`))
  })
  app.decorate('signSession', (session: Session, seconds: number) => {
    const iat = Math.floor(app.config.now() / 1000)
    return { accessToken: app.jwt.sign({ ...session, iat, exp: iat + seconds } as Session), expiresIn: seconds }
  })
  app.decorate('users', users)
}, { name: 'gp-auth', dependencies: ['gp-db', 'gp-keys'] })

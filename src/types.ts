// Fastify declaration merging for the infrastructure (config, db, keys, sessions); each plugin and module declares what
// else it decorates beside its own code. Imports nothing from modules.
import type { Config } from './config.ts'
import type { GridpassDb } from './db/index.ts'
import type { Keyring } from './lib/keyring.ts'
import type { Pii } from './lib/pii.ts'
import type { FastifyReply, FastifyRequest } from 'fastify'

export const ROLES = ['resident', 'volunteer', 'gridworker', 'tracer', 'officer', 'admin'] as const
export type Role = typeof ROLES[number]
export const STAFF_ROLES = ['volunteer', 'gridworker', 'tracer', 'officer', 'admin'] as const

export interface Session {
  /** personId for residents, user id for staff. */
  sub: string
  role: Role
  /** Staff username; residents have none. */
  name?: string
  /**
   * Staff: the account's token version when the session was signed (users.tokenVersion). A logout, a disable, a role
   * or password change raises the account's version, which ends every session signed before it (absent counts as 0).
   */
  ver?: number
}

/** Who a staff action is attributed to in the audit log and in status history: the username, else the id. */
export const actorName = (s: Session): string => s.name ?? s.sub

/**
 * A route's onRequest hook in Fastify's callback form: no promise per request when the answer is known at once (a
 * cached session check), which is every request on the scan path.
 */
type Hook = (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => void

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    store: GridpassDb
    keyring: Keyring
    pii: Pii
    authenticate: Hook
    requireRole: (...roles: Role[]) => Hook
  }
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: Session
    user: Session
  }
}

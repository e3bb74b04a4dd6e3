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
}

/** Who a staff action is attributed to in the audit log and in status history: the username, else the id. */
export const actorName = (s: Session): string => s.name ?? s.sub

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>

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

// Fastify declaration merging: what the plugins decorate, in one place.
import type { Config } from './config.ts'
import type { GridpassDb } from './db/index.ts'
import type { Keyring } from './lib/keyring.ts'
import type { Pii } from './lib/pii.ts'
import type { AuditLog } from './modules/audit/audit.repository.ts'
import type { PurgeReport } from './modules/retention/retention.service.ts'
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
    audit: AuditLog
    authenticate: Hook
    requireRole: (...roles: Role[]) => Hook
    /** The retention purge (src/modules/retention): runs at start and daily; run() purges now. */
    retention: { run: () => Promise<PurgeReport> }
  }
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: Session
    user: Session
  }
}

// The audit log for every module: app.audit.append(db, entry) inside the transaction of the action it records,
// app.audit.record(entry) for reads that change nothing else.
import { createHash } from 'node:crypto'
import fp from 'fastify-plugin'
import type { Db } from '../db/index.ts'
import { createAuditRepository, type AuditRepository, type AuditRow } from './audit.repository.ts'

export type { AuditRow }
export const GENESIS = '0'.repeat(64)

export interface AuditInput {
  actor: string
  role: string
  action: string
  target?: string | null
  purpose?: string | null
}

export function chainHash (row: Omit<AuditRow, 'hash'>): string {
  const body = JSON.stringify([row.seq, row.at, row.actor, row.role, row.action, row.target, row.purpose])
  return createHash('sha256').update(`${row.prevHash}\n${body}`).digest('hex')
}

export function createAuditLog ({ repo, tx, now }: { repo: AuditRepository, tx: <T>(fn: (db: Db) => Promise<T>) => Promise<T>, now: () => number }) {
  return {
    /** Must run inside store.tx: the row and the action it records commit together. */
    async append (db: Db, entry: AuditInput): Promise<AuditRow> {
      await repo.lockChain(db)
      const last = await repo.head(db)
      const base = {
        seq: (last?.seq ?? 0) + 1,
        at: now(),
        actor: entry.actor,
        role: entry.role,
        action: entry.action,
        target: entry.target ?? null,
        purpose: entry.purpose ?? null,
        prevHash: last?.hash ?? GENESIS
      }
      const row = { ...base, hash: chainHash(base) }
      await repo.insert(db, row)
      return row
    },
    /** Appends in a transaction of its own, for reads that change nothing else. */
    async record (entry: AuditInput): Promise<AuditRow> {
      return tx(async (db) => this.append(db, entry))
    },
    page: repo.page,
    forTarget: repo.forTarget
  }
}
export type AuditLog = ReturnType<typeof createAuditLog>

declare module 'fastify' {
  interface FastifyInstance { audit: AuditLog }
}

export default fp(async (app) => {
  app.decorate('audit', createAuditLog({ repo: createAuditRepository(app.store), tx: app.store.tx, now: app.config.now }))
}, { name: 'gp-audit', dependencies: ['gp-db'] })

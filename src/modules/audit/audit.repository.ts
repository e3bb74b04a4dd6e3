// The audit log: append-only, hash-chained rows; appended inside the transaction of the action it records.
import { createHash } from 'node:crypto'
import { and, desc, eq, lt, ne, sql } from 'drizzle-orm'
import type { Db, GridpassDb } from '../../db/index.ts'

export const GENESIS = '0'.repeat(64)

export interface AuditInput {
  actor: string
  role: string
  action: string
  target?: string | null
  purpose?: string | null
}

export interface AuditRow {
  seq: number
  at: number
  actor: string
  role: string
  action: string
  target: string | null
  purpose: string | null
  hash: string
  prevHash: string
}

export function chainHash (row: Omit<AuditRow, 'hash'>): string {
  const body = JSON.stringify([row.seq, row.at, row.actor, row.role, row.action, row.target, row.purpose])
  return createHash('sha256').update(`${row.prevHash}\n${body}`).digest('hex')
}

export type AuditLog = ReturnType<typeof createAuditLog>

export function createAuditLog ({ store, now }: { store: GridpassDb, now: () => number }) {
  const { t } = store
  return {
    /** Must run inside store.tx: the row and the action it records commit together. */
    async append (db: Db, entry: AuditInput): Promise<AuditRow> {
      // Several PostgreSQL service copies append at once: one chain head at a time.
      await store.lock(db, 'audit-chain')
      const [last] = await db.select({ seq: t.auditLog.seq, hash: t.auditLog.hash }).from(t.auditLog).orderBy(desc(t.auditLog.seq)).limit(1)
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
      await db.insert(t.auditLog).values(row)
      return row
    },
    /** Appends in a transaction of its own, for reads that change nothing else. */
    async record (entry: AuditInput): Promise<AuditRow> {
      return store.tx(async (db) => this.append(db, entry))
    },
    async page (limit: number, before?: number): Promise<AuditRow[]> {
      const where = before === undefined ? undefined : lt(t.auditLog.seq, before)
      return store.db.select().from(t.auditLog).where(where).orderBy(desc(t.auditLog.seq)).limit(limit)
    },
    /** Staff actions whose target is this person, newest first. */
    async forTarget (personId: string, limit: number): Promise<AuditRow[]> {
      return store.db.select().from(t.auditLog)
        .where(and(eq(t.auditLog.target, personId), ne(t.auditLog.role, 'resident')))
        .orderBy(desc(t.auditLog.seq)).limit(limit)
    },
    async all (fromSeq: number, limit: number): Promise<AuditRow[]> {
      return store.db.select().from(t.auditLog).where(sql`${t.auditLog.seq} >= ${fromSeq}`).orderBy(t.auditLog.seq).limit(limit)
    }
  }
}

// SQL of the audit log: append-only, hash-chained rows (migration 0001 refuses updates and deletes).
import { and, asc, desc, eq, gt, lt, ne } from 'drizzle-orm'
import type { Db, GridpassDb } from '../db/index.ts'

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

export function createAuditRepository (store: GridpassDb) {
  const { t } = store
  return {
    /** Several PostgreSQL service copies append at once: one chain head at a time, until the transaction ends (taken just before the commit). */
    async lockChain (db: Db): Promise<void> {
      await store.lock(db, 'audit-chain')
    },
    async head (db: Db): Promise<{ seq: number, hash: string } | undefined> {
      const [last] = await db.select({ seq: t.auditLog.seq, hash: t.auditLog.hash }).from(t.auditLog).orderBy(desc(t.auditLog.seq)).limit(1)
      return last
    },
    async insert (db: Db, rows: AuditRow[]): Promise<void> {
      if (rows.length > 0) await db.insert(t.auditLog).values(rows)
    },
    /** The audit.chain_keyed entry (by the target index), if the chain has been keyed. */
    async keyedMarker (db: Db): Promise<AuditRow | undefined> {
      const [row] = await db.select().from(t.auditLog)
        .where(and(eq(t.auditLog.target, 'audit-chain'), eq(t.auditLog.action, 'audit.chain_keyed')))
        .orderBy(asc(t.auditLog.seq)).limit(1)
      return row
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
    /** Rows with seq above `afterSeq`, oldest first. */
    async after (afterSeq: number, limit: number): Promise<AuditRow[]> {
      return store.db.select().from(t.auditLog).where(gt(t.auditLog.seq, afterSeq)).orderBy(asc(t.auditLog.seq)).limit(limit)
    }
  }
}
export type AuditRepository = ReturnType<typeof createAuditRepository>

// SQL of the admin's audit-log screen: the log (the gp-audit plugin's table) read newest first, filtered by actor, action and target.
import { and, desc, eq, lt, type SQL } from 'drizzle-orm'
import type { GridpassDb } from '../../db/index.ts'
import type { AuditRow } from '../../plugins/audit.repository.ts'

export interface AuditFilter {
  actor?: string
  action?: string
  target?: string
}

export function createAuditQueries (store: GridpassDb) {
  const { t } = store
  return {
    /** Entries with seq below `before` (all when undefined) matching every filter given, newest first. */
    async page (limit: number, before: number | undefined, filter: AuditFilter): Promise<AuditRow[]> {
      const where: SQL[] = []
      if (before !== undefined) where.push(lt(t.auditLog.seq, before))
      if (filter.actor !== undefined) where.push(eq(t.auditLog.actor, filter.actor))
      if (filter.action !== undefined) where.push(eq(t.auditLog.action, filter.action))
      if (filter.target !== undefined) where.push(eq(t.auditLog.target, filter.target))
      return store.db.select().from(t.auditLog).where(where.length === 0 ? undefined : and(...where)).orderBy(desc(t.auditLog.seq)).limit(limit)
    }
  }
}
export type AuditQueries = ReturnType<typeof createAuditQueries>

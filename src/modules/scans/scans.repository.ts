// SQL of scans and security events off the hot path: the retention purge (reads pick a chunk of ids through an index,
// writes delete exactly those ids). The scan path's own reads and writes are src/db/scan-queries.ts.
import { and, eq, inArray, lt } from 'drizzle-orm'
import type { Db, GridpassDb } from '../../db/index.ts'

export function createScansRepository (store: GridpassDb) {
  const { t } = store
  return {
    /** Through scans_checkpoint_scanned_ix: scans have no index on time alone (it would cost every insert). */
    async oldScans (checkpointId: string, cutoff: number, limit: number): Promise<string[]> {
      const rows = await store.db.select({ id: t.scans.id }).from(t.scans)
        .where(and(eq(t.scans.checkpointId, checkpointId), lt(t.scans.scannedAt, cutoff))).limit(limit)
      return rows.map((r) => r.id)
    },
    async deleteScans (db: Db, ids: string[], cutoff: number): Promise<number> {
      return (await db.delete(t.scans).where(and(inArray(t.scans.id, ids), lt(t.scans.scannedAt, cutoff))).returning({ id: t.scans.id })).length
    },
    /** Through security_events_at_ix. */
    async oldSecurityEvents (cutoff: number, limit: number): Promise<string[]> {
      return (await store.db.select({ id: t.securityEvents.id }).from(t.securityEvents).where(lt(t.securityEvents.at, cutoff)).limit(limit)).map((r) => r.id)
    },
    async deleteSecurityEvents (db: Db, ids: string[], cutoff: number): Promise<number> {
      return (await db.delete(t.securityEvents).where(and(inArray(t.securityEvents.id, ids), lt(t.securityEvents.at, cutoff))).returning({ id: t.securityEvents.id })).length
    }
  }
}
export type ScansRepository = ReturnType<typeof createScansRepository>

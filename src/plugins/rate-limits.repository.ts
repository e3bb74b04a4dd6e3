// SQL of the shared rate-limit counters (rate_limits): one atomic upsert per hit, the same statement on SQLite and
// PostgreSQL, so every copy of the service on one database counts into the same rows.
import { and, eq, gt, lte, sql } from 'drizzle-orm'
import type { Db, GridpassDb } from '../db/index.ts'

export function createRateLimitsRepository (store: GridpassDb) {
  const { t } = store
  const r = t.rateLimits
  return {
    /**
     * Counts one hit on key: a new row, or one more in a live window, or a fresh window (count 1) when the stored one
     * ended at or before now. INSERT … ON CONFLICT DO UPDATE … RETURNING is one atomic statement on both databases:
     * parallel hits from any number of copies never lose a count. The SET expressions read the row as it was.
     */
    async hit (db: Db, key: string, now: number, windowMs: number): Promise<{ count: number, resetAt: number }> {
      const ended = sql`${r.resetAt} <= ${now}`
      const [row] = await db.insert(r).values({ key, count: 1, resetAt: now + windowMs })
        .onConflictDoUpdate({
          target: r.key,
          set: {
            count: sql`CASE WHEN ${ended} THEN 1 ELSE ${r.count} + 1 END`,
            resetAt: sql`CASE WHEN ${ended} THEN ${now + windowMs} ELSE ${r.resetAt} END`
          }
        })
        .returning({ count: r.count, resetAt: r.resetAt })
      if (row === undefined) throw new Error('rate limit upsert returned no row')
      return { count: Number(row.count), resetAt: Number(row.resetAt) }
    },
    /** Takes back one hit of a live window (a hit that turned out not to count, such as a successful login). */
    async undo (db: Db, key: string, now: number): Promise<void> {
      await db.update(r).set({ count: sql`${r.count} - 1` }).where(and(eq(r.key, key), gt(r.count, 0), gt(r.resetAt, now)))
    },
    async read (db: Db, key: string): Promise<{ count: number, resetAt: number } | undefined> {
      const [row] = await db.select({ count: r.count, resetAt: r.resetAt }).from(r).where(eq(r.key, key))
      return row === undefined ? undefined : { count: Number(row.count), resetAt: Number(row.resetAt) }
    },
    /** Drops the windows that ended at or before now (they would restart at 1 anyway). */
    async purge (db: Db, now: number): Promise<number> {
      const gone = await db.delete(r).where(lte(r.resetAt, now)).returning({ key: r.key })
      return gone.length
    }
  }
}

export type RateLimitsRepository = ReturnType<typeof createRateLimitsRepository>

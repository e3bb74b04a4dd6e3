// The one query behind the status list: everyone whose colour at `at` is not green, with the most severe colour.
import { and, gt, isNull, lte, or, sql } from 'drizzle-orm'
import type { Db, GridpassDb } from '../../db/index.ts'

export function createStatusListRepository ({ store }: { store: GridpassDb }) {
  const { t } = store
  const e = t.statusEntries
  // The same rule as status.rules.ts colorAt(): active when since <= at < min(until, ended_at), worst colour wins.
  const severity = sql<number>`max(case when ${e.color} = 'red' then 2 when ${e.color} = 'yellow' then 1 else 0 end)`
  return {
    async nonGreen (db: Db, at: number): Promise<Array<{ personId: string, severity: number }>> {
      const rows = await db.select({ personId: e.personId, severity }).from(e)
        .where(and(lte(e.since, at), or(isNull(e.until), gt(e.until, at)), or(isNull(e.endedAt), gt(e.endedAt, at))))
        .groupBy(e.personId)
        .having(sql`${severity} > 0`)
      return rows.map((r) => ({ personId: r.personId, severity: Number(r.severity) }))
    }
  }
}

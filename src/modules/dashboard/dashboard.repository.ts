// SQL of the dashboard: counts per grid read from the indexes (people_grid_ix, households_grid_ix, the screening
// indexes, scan_hours), never from the rows; and scan_hours itself off the hot path (fill, rebuild, purge). The scan
// path adds to scan_hours in its own commits (src/db/scan-queries.ts).
import { and, count, countDistinct, eq, gt, gte, inArray, isNotNull, isNull, lt, lte, or, sql, sum } from 'drizzle-orm'
import { hourOf, SCAN_HOURS_FROM_SCANS } from '../../db/scan-queries.ts'
import type { Db, GridpassDb } from '../../db/index.ts'

/** Ids per statement: far below both dialects' limits on bound parameters. */
const CHUNK = 1000
const chunks = <T>(list: readonly T[]): T[][] => {
  const out: T[][] = []
  for (let i = 0; i < list.length; i += CHUNK) out.push(list.slice(i, i + CHUNK))
  return out
}
/** Runs a statement per chunk of ids, in turn, and joins the rows. */
async function perChunk<T, R> (ids: readonly T[], run: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = []
  for (const c of chunks(ids)) out.push(...await run(c))
  return out
}
const n = (v: unknown): number => Number(v ?? 0)

export interface RoundGridCount { roundId: string, gridId: string, n: number }

export function createDashboardRepository (store: GridpassDb) {
  const { t } = store
  const db = store.db
  return {
    // gridIds null: every grid, with no list of ids to bind (a thousand bound ids cost more than the count itself).
    /** People per grid (index-only over people_grid_ix). */
    async peopleByGrid (gridIds: string[] | null): Promise<Array<{ gridId: string, n: number }>> {
      const run = async (where: ReturnType<typeof inArray>) => (await db.select({ gridId: t.people.gridId, n: count() }).from(t.people)
        .where(where).groupBy(t.people.gridId)).map((r) => ({ gridId: r.gridId as string, n: n(r.n) }))
      return gridIds === null ? run(isNotNull(t.people.gridId)) : perChunk(gridIds, async (ids) => run(inArray(t.people.gridId, ids)))
    },
    /** Households per grid (index-only over households_grid_ix). */
    async householdsByGrid (gridIds: string[] | null): Promise<Array<{ gridId: string, n: number }>> {
      const run = async (where: ReturnType<typeof inArray> | undefined) => (await db.select({ gridId: t.households.gridId, n: count() }).from(t.households)
        .where(where).groupBy(t.households.gridId)).map((r) => ({ gridId: r.gridId, n: n(r.n) }))
      return gridIds === null ? run(undefined) : perChunk(gridIds, async (ids) => run(inArray(t.households.gridId, ids)))
    },
    /** The screening rounds still open (screening_rounds_closed_ix). */
    async openRounds (): Promise<string[]> {
      return (await db.select({ id: t.screeningRounds.id }).from(t.screeningRounds).where(isNull(t.screeningRounds.closedAt))).map((r) => r.id)
    },
    /** Households screened per round and grid (index-only over screenings_round_grid_ix). */
    async screenedHouseholds (roundIds: string[], gridIds: string[] | null): Promise<RoundGridCount[]> {
      const s = t.screenings
      const run = async (ids: string[] | null) => (await db.select({ roundId: s.roundId, gridId: s.gridId, n: count() }).from(s)
        .where(and(inArray(s.roundId, roundIds), ids === null ? undefined : inArray(s.gridId, ids))).groupBy(s.roundId, s.gridId)).map((r) => ({ ...r, n: n(r.n) }))
      return gridIds === null ? run(null) : perChunk(gridIds, run)
    },
    /** People screened per round, grid and whether they returned (index-only over screening_members_round_grid_ix). */
    async screenedPeople (roundIds: string[], gridIds: string[] | null): Promise<Array<RoundGridCount & { returned: boolean }>> {
      const m = t.screeningMembers
      const run = async (ids: string[] | null) => (await db.select({ roundId: m.roundId, gridId: m.gridId, returned: m.returned, n: count() }).from(m)
        .where(and(inArray(m.roundId, roundIds), ids === null ? undefined : inArray(m.gridId, ids))).groupBy(m.roundId, m.gridId, m.returned))
        .map((r) => ({ roundId: r.roundId, gridId: r.gridId, returned: Boolean(r.returned), n: n(r.n) }))
      return gridIds === null ? run(null) : perChunk(gridIds, run)
    },
    /**
     * For grids that more than one open round reached: distinct households, people and returnees over those rounds
     * (reads the rows; only the overlapping grids, which are few).
     */
    async screenedDistinct (roundIds: string[], gridIds: string[]): Promise<Array<{ gridId: string, households: number, people: number, returnees: number }>> {
      const s = t.screenings
      const m = t.screeningMembers
      const out = new Map<string, { gridId: string, households: number, people: number, returnees: number }>()
      const at = (gridId: string) => { let r = out.get(gridId); if (r === undefined) out.set(gridId, r = { gridId, households: 0, people: 0, returnees: 0 }); return r }
      for (const ids of chunks(gridIds)) {
        for (const r of await db.select({ gridId: s.gridId, n: countDistinct(s.householdId) }).from(s)
          .where(and(inArray(s.roundId, roundIds), inArray(s.gridId, ids))).groupBy(s.gridId)) at(r.gridId).households = n(r.n)
        for (const r of await db.select({ gridId: m.gridId, n: countDistinct(m.personId) }).from(m)
          .where(and(inArray(m.roundId, roundIds), inArray(m.gridId, ids))).groupBy(m.gridId)) at(r.gridId).people = n(r.n)
        for (const r of await db.select({ gridId: m.gridId, n: countDistinct(m.personId) }).from(m)
          .where(and(inArray(m.roundId, roundIds), inArray(m.gridId, ids), eq(m.returned, true))).groupBy(m.gridId)) at(r.gridId).returnees = n(r.n)
      }
      return [...out.values()]
    },
    /**
     * The grids of everyone with a status entry active at `at` (the people the status module may find not green),
     * named by a subquery rather than thousands of bound ids (on PostgreSQL the binding cost more than the read).
     */
    async gridsOfActive (at: number): Promise<Array<{ id: string, gridId: string }>> {
      const e = t.statusEntries
      const active = db.select({ personId: e.personId }).from(e)
        .where(and(lte(e.since, at), or(isNull(e.until), gt(e.until, at)), or(isNull(e.endedAt), gt(e.endedAt, at))))
      return await db.select({ id: t.people.id, gridId: t.people.gridId }).from(t.people)
        .where(and(inArray(t.people.id, active), isNotNull(t.people.gridId))) as Array<{ id: string, gridId: string }>
    },
    /** Every checkpoint placed in a grid. */
    async checkpointGrids (): Promise<Array<{ id: string, gridId: string }>> {
      return await db.select({ id: t.checkpoints.id, gridId: t.checkpoints.gridId }).from(t.checkpoints).where(isNotNull(t.checkpoints.gridId)) as Array<{ id: string, gridId: string }>
    },
    /** Scans per hour from fromHour to toHour (both hour starts, included) at these checkpoints (null: every one placed in a grid). */
    async hourTotals (fromHour: number, toHour: number, checkpointIds: string[] | null): Promise<Array<{ hour: number, n: number }>> {
      const h = t.scanHours
      const run = async (where: ReturnType<typeof and>) => (await db.select({ hour: h.hour, n: sum(h.count) }).from(h)
        .where(where).groupBy(h.hour)).map((r) => ({ hour: Number(r.hour), n: n(r.n) }))
      const range = and(gte(h.hour, fromHour), lte(h.hour, toHour))
      if (checkpointIds === null) return run(and(range, inArray(h.checkpointId, db.select({ id: t.checkpoints.id }).from(t.checkpoints).where(isNotNull(t.checkpoints.gridId)))))
      return perChunk(checkpointIds, async (ids) => run(and(range, inArray(h.checkpointId, ids))))
    },
    /** Scans per checkpoint in the whole hours from `fromHour` to `toHour` (both included), from scan_hours. */
    async hourSums (fromHour: number, toHour: number): Promise<Array<{ checkpointId: string, n: number }>> {
      const h = t.scanHours
      return (await db.select({ checkpointId: h.checkpointId, n: sum(h.count) }).from(h)
        .where(and(gte(h.hour, fromHour), lte(h.hour, toHour))).groupBy(h.checkpointId)).map((r) => ({ checkpointId: r.checkpointId, n: n(r.n) }))
    },
    /**
     * Scans per checkpoint with from ≤ scanned_at < to, exactly (scans_checkpoint_scanned_ix: a range per checkpoint);
     * checkpointIds null: every checkpoint placed in a grid, named by a subquery rather than a thousand bound ids.
     */
    async scansBetween (checkpointIds: string[] | null, from: number, to: number): Promise<Array<{ checkpointId: string, n: number }>> {
      const s = t.scans
      const run = async (where: ReturnType<typeof inArray>) => (await db.select({ checkpointId: s.checkpointId, n: count() }).from(s)
        .where(and(where, gte(s.scannedAt, from), lt(s.scannedAt, to))).groupBy(s.checkpointId)).map((r) => ({ checkpointId: r.checkpointId, n: n(r.n) }))
      if (checkpointIds === null) return run(inArray(s.checkpointId, db.select({ id: t.checkpoints.id }).from(t.checkpoints).where(isNotNull(t.checkpoints.gridId))))
      return perChunk(checkpointIds, async (ids) => run(inArray(s.checkpointId, ids)))
    },

    /** Whether scan_hours holds nothing while scans hold something (a database from before migration 0010). */
    async hoursMissing (): Promise<boolean> {
      const [hour] = await db.select({ hour: t.scanHours.hour }).from(t.scanHours).limit(1)
      if (hour !== undefined) return false
      const [scan] = await db.select({ id: t.scans.id }).from(t.scans).limit(1)
      return scan !== undefined
    },
    /**
     * scan_hours counted again from the scans on record, in the caller's transaction: replaces every hour (the seed
     * and bulk loads, which write scans directly, end with this). One GROUP BY over scans_checkpoint_scanned_ix.
     */
    async rebuildHours (tx: Db): Promise<number> {
      await tx.delete(t.scanHours)
      await tx.insert(t.scanHours).select(sql.raw(SCAN_HOURS_FROM_SCANS))
      const [rows] = await tx.select({ n: count() }).from(t.scanHours)
      return n(rows?.n)
    },
    /** Deletes the hours wholly before the cutoff (an hour the cutoff falls in is kept); how many rows went. */
    async purgeHours (tx: Db, cutoff: number): Promise<number> {
      return (await tx.delete(t.scanHours).where(lt(t.scanHours.hour, hourOf(cutoff))).returning({ hour: t.scanHours.hour })).length
    }
  }
}
export type DashboardRepository = ReturnType<typeof createDashboardRepository>

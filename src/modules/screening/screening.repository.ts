// SQL of screening: the high-risk-area list, rounds, screenings and their members; reads (only) of households and people.
import { and, asc, count, desc, eq, gt, inArray, isNotNull, isNull, or } from 'drizzle-orm'
import type { Db, GridpassDb } from '../../db/index.ts'

type T = GridpassDb['t']
export type HighRiskRow = T['highRiskAreas']['$inferSelect']
export type RoundRow = T['screeningRounds']['$inferSelect']
export type ScreeningRow = T['screenings']['$inferSelect']
export type MemberRow = T['screeningMembers']['$inferSelect']
export interface HouseholdRow { id: string, gridId: string, addressEnc: string }
export interface ResidentRow { id: string, householdId: string | null, nameEnc: string | null, idNumberEnc: string | null }

/** Ids per IN list: far under SQLite's and PostgreSQL's bounds on bound variables. */
const CHUNK = 1000
/** Rows per insert statement (members: 6 columns each). */
const ROWS_PER_INSERT = 200

const chunks = <X>(xs: readonly X[], n = CHUNK): X[][] => {
  const out: X[][] = []
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n))
  return out
}

export function createScreeningRepository (store: GridpassDb) {
  const { t } = store
  const hh = t.households
  const sc = t.screenings
  const householdCols = { id: hh.id, gridId: hh.gridId, addressEnc: hh.addressEnc }
  return {
    async highRiskAreas (db: Db): Promise<HighRiskRow[]> {
      return db.select().from(t.highRiskAreas).orderBy(asc(t.highRiskAreas.code))
    },
    /** Replaces the whole list (inside the caller's transaction). */
    async replaceHighRiskAreas (db: Db, rows: HighRiskRow[]): Promise<void> {
      await db.delete(t.highRiskAreas)
      for (const part of chunks(rows, ROWS_PER_INSERT)) await db.insert(t.highRiskAreas).values(part)
    },

    async insertRound (db: Db, row: RoundRow): Promise<void> {
      await db.insert(t.screeningRounds).values(row)
    },
    async round (db: Db, id: string): Promise<RoundRow | undefined> {
      const [row] = await db.select().from(t.screeningRounds).where(eq(t.screeningRounds.id, id)).limit(1)
      return row
    },
    /** Rounds newest opened first: open (not closed), closed, or both. */
    async rounds (db: Db, state: 'open' | 'closed' | 'all'): Promise<RoundRow[]> {
      const r = t.screeningRounds
      const where = state === 'open' ? isNull(r.closedAt) : state === 'closed' ? isNotNull(r.closedAt) : undefined
      return db.select().from(r).where(where).orderBy(desc(r.openedAt), asc(r.id))
    },
    /** Closes an open round; false when it was closed already. */
    async closeRound (db: Db, id: string, closedBy: string, closedAt: number): Promise<boolean> {
      const r = t.screeningRounds
      const rows = await db.update(r).set({ closedBy, closedAt }).where(and(eq(r.id, id), isNull(r.closedAt))).returning({ id: r.id })
      return rows.length === 1
    },

    // Households and people belong to the households and people modules: read here, never written.
    async household (db: Db, id: string): Promise<HouseholdRow | undefined> {
      const [row] = await db.select(householdCols).from(hh).where(eq(hh.id, id)).limit(1)
      return row
    },
    async householdsIn (db: Db, gridIds: string[]): Promise<HouseholdRow[]> {
      const out: HouseholdRow[] = []
      for (const part of chunks(gridIds)) out.push(...await db.select(householdCols).from(hh).where(inArray(hh.gridId, part)).orderBy(asc(hh.gridId), asc(hh.id)))
      return out
    },
    async householdsById (db: Db, ids: string[]): Promise<HouseholdRow[]> {
      const out: HouseholdRow[] = []
      for (const part of chunks(ids)) out.push(...await db.select(householdCols).from(hh).where(inArray(hh.id, part)))
      return out
    },
    async countHouseholdsIn (db: Db, gridIds: string[]): Promise<number> {
      let n = 0
      for (const part of chunks(gridIds)) n += Number((await db.select({ n: count() }).from(hh).where(inArray(hh.gridId, part)))[0]?.n ?? 0)
      return n
    },
    /** The people living in these households. */
    async residentsOf (db: Db, householdIds: string[]): Promise<ResidentRow[]> {
      const p = t.people
      const out: ResidentRow[] = []
      for (const part of chunks(householdIds)) {
        out.push(...await db.select({ id: p.id, householdId: p.householdId, nameEnc: p.nameEnc, idNumberEnc: p.idNumberEnc }).from(p).where(inArray(p.householdId, part)).orderBy(asc(p.createdAt), asc(p.id)))
      }
      return out
    },
    async people (db: Db, ids: string[]): Promise<ResidentRow[]> {
      const p = t.people
      const out: ResidentRow[] = []
      for (const part of chunks(ids)) out.push(...await db.select({ id: p.id, householdId: p.householdId, nameEnc: p.nameEnc, idNumberEnc: p.idNumberEnc }).from(p).where(inArray(p.id, part)))
      return out
    },

    async screeningOf (db: Db, roundId: string, householdId: string): Promise<ScreeningRow | undefined> {
      const [row] = await db.select().from(sc).where(and(eq(sc.roundId, roundId), eq(sc.householdId, householdId))).limit(1)
      return row
    },
    /** The households of these grids screened in the round. */
    async screenedIn (db: Db, roundId: string, gridIds: string[]): Promise<Set<string>> {
      const out = new Set<string>()
      for (const part of chunks(gridIds)) {
        for (const r of await db.select({ id: sc.householdId }).from(sc).where(and(eq(sc.roundId, roundId), inArray(sc.gridId, part)))) out.add(r.id)
      }
      return out
    },
    async countScreenedIn (db: Db, roundId: string, gridIds: string[]): Promise<number> {
      let n = 0
      for (const part of chunks(gridIds)) n += Number((await db.select({ n: count() }).from(sc).where(and(eq(sc.roundId, roundId), inArray(sc.gridId, part))))[0]?.n ?? 0)
      return n
    },
    async insertScreening (db: Db, row: ScreeningRow, members: MemberRow[]): Promise<void> {
      await db.insert(sc).values(row)
      for (const part of chunks(members, ROWS_PER_INSERT)) await db.insert(t.screeningMembers).values(part)
    },
    /**
     * A page of the round's screenings in these grids, by grid, time and id, after the keyset `after` (the last row of
     * the previous page).
     */
    async screeningsPage (db: Db, roundId: string, gridIds: string[], after: ScreeningRow | null, limit: number): Promise<ScreeningRow[]> {
      const next = after === null
        ? undefined
        : or(gt(sc.gridId, after.gridId), and(eq(sc.gridId, after.gridId), gt(sc.screenedAt, after.screenedAt)), and(eq(sc.gridId, after.gridId), eq(sc.screenedAt, after.screenedAt), gt(sc.id, after.id)))
      return db.select().from(sc).where(and(eq(sc.roundId, roundId), inArray(sc.gridId, gridIds), next)).orderBy(asc(sc.gridId), asc(sc.screenedAt), asc(sc.id)).limit(limit)
    },
    async membersOf (db: Db, screeningIds: string[]): Promise<MemberRow[]> {
      const m = t.screeningMembers
      const out: MemberRow[] = []
      for (const part of chunks(screeningIds)) out.push(...await db.select().from(m).where(inArray(m.screeningId, part)))
      return out
    }
  }
}
export type ScreeningRepository = ReturnType<typeof createScreeningRepository>

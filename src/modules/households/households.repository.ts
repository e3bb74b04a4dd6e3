// SQL of households: rows hold the address and phone encrypted, and the address's blind index (one per grid and address).
import { and, asc, eq, gt, inArray } from 'drizzle-orm'
import type { Db, GridpassDb } from '../../db/index.ts'

export type HouseholdRow = GridpassDb['t']['households']['$inferSelect']

/** Grids per statement: well under SQLite's and PostgreSQL's parameter limits. */
const CHUNK = 500

export function createHouseholdsRepository (store: GridpassDb) {
  const { t } = store
  const h = t.households
  return {
    async insert (db: Db, row: HouseholdRow): Promise<void> {
      await db.insert(h).values(row)
    },
    async byId (id: string): Promise<HouseholdRow | undefined> {
      const [row] = await store.db.select().from(h).where(eq(h.id, id)).limit(1)
      return row
    },
    async byAddressIdx (db: Db, addressIdx: string): Promise<HouseholdRow | undefined> {
      const [row] = await db.select().from(h).where(eq(h.addressIdx, addressIdx)).limit(1)
      return row
    },
    /**
     * Up to `limit` households in id order after `after`: of these grids (through households_grid_ix), or of every grid
     * (gridIds undefined).
     */
    async page (gridIds: string[] | undefined, after: string | undefined, limit: number): Promise<HouseholdRow[]> {
      const from = after === undefined ? undefined : gt(h.id, after)
      if (gridIds === undefined) return store.db.select().from(h).where(from).orderBy(asc(h.id)).limit(limit)
      const out: HouseholdRow[] = []
      for (let i = 0; i < gridIds.length; i += CHUNK) {
        out.push(...await store.db.select().from(h).where(and(inArray(h.gridId, gridIds.slice(i, i + CHUNK)), from)).orderBy(asc(h.id)).limit(limit))
      }
      return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(0, limit)
    }
  }
}
export type HouseholdsRepository = ReturnType<typeof createHouseholdsRepository>

// SQL of grid units.
import { asc, inArray } from 'drizzle-orm'
import type { Db, GridpassDb } from '../../db/index.ts'

export function createGridsRepository (store: GridpassDb) {
  const { t } = store
  return {
    async list (): Promise<Array<{ id: string, name: string }>> {
      return store.db.select({ id: t.grids.id, name: t.grids.name }).from(t.grids).orderBy(asc(t.grids.id))
    },
    async existing (db: Db, ids: string[]): Promise<Set<string>> {
      if (ids.length === 0) return new Set()
      return new Set((await db.select({ id: t.grids.id }).from(t.grids).where(inArray(t.grids.id, ids))).map((r) => r.id))
    }
  }
}
export type GridsRepository = ReturnType<typeof createGridsRepository>

// SQL of the area tree: every area (a grid is also a row of grids, which people, households and checkpoints reference).
import { asc, eq, inArray, isNotNull, and } from 'drizzle-orm'
import type { Db, GridpassDb } from '../../db/index.ts'

export interface AreaRow { id: string, name: string, level: string, parentId: string | null }

export function createAreasRepository (store: GridpassDb) {
  const { t } = store
  return {
    async all (db: Db = store.db): Promise<AreaRow[]> {
      return db.select({ id: t.areas.id, name: t.areas.name, level: t.areas.level, parentId: t.areas.parentId }).from(t.areas).orderBy(asc(t.areas.id))
    },
    async byId (db: Db, id: string): Promise<AreaRow | undefined> {
      const [row] = await db.select({ id: t.areas.id, name: t.areas.name, level: t.areas.level, parentId: t.areas.parentId }).from(t.areas).where(eq(t.areas.id, id)).limit(1)
      return row
    },
    async existing (db: Db, ids: string[]): Promise<Set<string>> {
      if (ids.length === 0) return new Set()
      return new Set((await db.select({ id: t.areas.id }).from(t.areas).where(inArray(t.areas.id, ids))).map((r) => r.id))
    },
    /** False when an area (or a grid) with this id exists. A grid is written to both tables. */
    async insert (db: Db, row: AreaRow & { createdAt: number }): Promise<boolean> {
      if (row.level === 'grid') {
        const grid = await db.insert(t.grids).values({ id: row.id, name: row.name, createdAt: row.createdAt }).onConflictDoNothing().returning({ id: t.grids.id })
        if (grid.length === 0) return false
      }
      return (await db.insert(t.areas).values(row).onConflictDoNothing().returning({ id: t.areas.id })).length === 1
    },
    /** The grids of these checkpoints (a volunteer's reach). */
    async checkpointGrids (ids: string[]): Promise<string[]> {
      if (ids.length === 0) return []
      const rows = await store.db.selectDistinct({ gridId: t.checkpoints.gridId }).from(t.checkpoints).where(and(inArray(t.checkpoints.id, ids), isNotNull(t.checkpoints.gridId)))
      return rows.map((r) => r.gridId as string)
    },
    async update (db: Db, id: string, change: { name?: string, parentId?: string | null }): Promise<void> {
      await db.update(t.areas).set(change).where(eq(t.areas.id, id))
      if (change.name !== undefined) await db.update(t.grids).set({ name: change.name }).where(eq(t.grids.id, id))
    }
  }
}
export type AreasRepository = ReturnType<typeof createAreasRepository>

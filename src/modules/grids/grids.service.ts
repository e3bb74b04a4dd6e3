// Grid units (网格): the county's cells that people, checkpoints and grid workers belong to. They are created as the
// leaves of the area tree (src/modules/areas); this service answers which exist.
import type { Db } from '../../db/index.ts'
import type { GridsRepository } from './grids.repository.ts'

export function createGridsService ({ repo }: { repo: GridsRepository }) {
  return {
    list: repo.list,
    /** Which of these grid ids exist (inside the caller's transaction). */
    existing: async (db: Db, ids: string[]): Promise<Set<string>> => repo.existing(db, ids),
    async exists (db: Db, id: string): Promise<boolean> {
      return (await repo.existing(db, [id])).has(id)
    }
  }
}
export type GridsService = ReturnType<typeof createGridsService>

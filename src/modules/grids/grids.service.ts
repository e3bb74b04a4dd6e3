// Grid units (网格): the county's cells that people, checkpoints and grid workers belong to.
import type { Config } from '../../config.ts'
import type { Db, GridpassDb } from '../../db/index.ts'
import { Conflict } from '../../errors.ts'
import type { AuditLog } from '../../plugins/audit.ts'
import { actorName, type Session } from '../../types.ts'
import type { GridsRepository } from './grids.repository.ts'

export function createGridsService ({ repo, store, audit, config }: { repo: GridsRepository, store: GridpassDb, audit: AuditLog, config: Config }) {
  return {
    async create (actor: Session, grid: { id: string, name: string }): Promise<{ id: string, name: string }> {
      await store.tx(async (db) => {
        if (!await repo.insert(db, { ...grid, createdAt: config.now() })) throw new Conflict(`id: grid ${grid.id} exists`)
        await audit.append(db, { actor: actorName(actor), role: actor.role, action: 'grid.create', target: grid.id })
      })
      return { id: grid.id, name: grid.name }
    },
    list: repo.list,
    /** Which of these grid ids exist (inside the caller's transaction). */
    existing: async (db: Db, ids: string[]): Promise<Set<string>> => repo.existing(db, ids),
    async exists (db: Db, id: string): Promise<boolean> {
      return (await repo.existing(db, [id])).has(id)
    }
  }
}
export type GridsService = ReturnType<typeof createGridsService>

// Checkpoints: created by admins, looked up by every scan, check-in and export (from memory: a checkpoint is never
// changed or deleted, so a cached one cannot go stale; an unknown id is asked again each time).
import type { Config } from '../../config.ts'
import type { Db, GridpassDb } from '../../db/index.ts'
import { Validation } from '../../errors.ts'
import { randomId } from '../../lib/ids.ts'
import type { AuditLog } from '../../plugins/audit.ts'
import { actorName, type Session } from '../../types.ts'
import type { GridsService } from '../grids/index.ts'
import type { Checkpoint, CheckpointsRepository } from './checkpoints.repository.ts'

export type { Checkpoint }
export interface NewCheckpoint { name: string, kind: string, gridId?: string, lat?: number, lon?: number }

export function createCheckpointsService ({ repo, store, audit, config, grids }: { repo: CheckpointsRepository, store: GridpassDb, audit: AuditLog, config: Config, grids: GridsService }) {
  const cache = new Map<string, Checkpoint>()

  async function get (id: string): Promise<Checkpoint | undefined> {
    const cached = cache.get(id)
    if (cached !== undefined) return cached
    const row = await repo.byId(id)
    if (row !== undefined) cache.set(id, row)
    return row
  }

  return {
    async create (actor: Session, body: NewCheckpoint): Promise<Checkpoint> {
      const row: Checkpoint = { id: randomId(), name: body.name, kind: body.kind, gridId: body.gridId ?? null, lat: body.lat ?? null, lon: body.lon ?? null }
      await store.tx(async (db) => {
        if (row.gridId !== null && !await grids.exists(db, row.gridId)) throw new Validation(`body.gridId: unknown grid ${row.gridId}`)
        await repo.insert(db, { ...row, createdAt: config.now() })
        await audit.append(db, { actor: actorName(actor), role: actor.role, action: 'checkpoint.create', target: row.id })
      })
      return row
    },
    list: repo.list,
    get,
    /** The checkpoint when it is in memory already: the scan path's fraud check looks up several per scan. */
    cached: (id: string): Checkpoint | undefined => cache.get(id),
    /** The known ones of these ids. */
    async many (ids: string[]): Promise<Map<string, Checkpoint>> {
      const out = new Map<string, Checkpoint>()
      const missing: string[] = []
      for (const id of new Set(ids)) {
        const c = cache.get(id)
        if (c !== undefined) out.set(id, c)
        else missing.push(id)
      }
      for (const c of await repo.byIds(missing)) { cache.set(c.id, c); out.set(c.id, c) }
      return out
    },
    /** Which of these ids exist (inside the caller's transaction). */
    existing: async (db: Db, ids: string[]): Promise<Set<string>> => repo.existing(db, ids),
    ids: repo.ids
  }
}
export type CheckpointsService = ReturnType<typeof createCheckpointsService>

// SQL of checkpoints (traffic gates, community and village gates, venues).
import { asc, eq, inArray } from 'drizzle-orm'
import type { Db, GridpassDb } from '../../db/index.ts'

export interface Checkpoint { id: string, name: string, kind: string, gridId: string | null, lat: number | null, lon: number | null }

const CHUNK = 500

export function createCheckpointsRepository (store: GridpassDb) {
  const { t } = store
  const c = t.checkpoints
  const columns = { id: c.id, name: c.name, kind: c.kind, gridId: c.gridId, lat: c.lat, lon: c.lon }
  return {
    async insert (db: Db, row: Checkpoint & { createdAt: number }): Promise<void> {
      await db.insert(c).values(row)
    },
    async list (): Promise<Checkpoint[]> {
      return store.db.select(columns).from(c).orderBy(asc(c.name))
    },
    async byId (id: string): Promise<Checkpoint | undefined> {
      const [row] = await store.db.select(columns).from(c).where(eq(c.id, id)).limit(1)
      return row
    },
    async byIds (ids: string[]): Promise<Checkpoint[]> {
      const out: Checkpoint[] = []
      for (let i = 0; i < ids.length; i += CHUNK) out.push(...await store.db.select(columns).from(c).where(inArray(c.id, ids.slice(i, i + CHUNK))))
      return out
    },
    async existing (db: Db, ids: string[]): Promise<Set<string>> {
      if (ids.length === 0) return new Set()
      return new Set((await db.select({ id: c.id }).from(c).where(inArray(c.id, ids))).map((r) => r.id))
    },
    async ids (): Promise<string[]> {
      return (await store.db.select({ id: c.id }).from(c)).map((r) => r.id)
    }
  }
}
export type CheckpointsRepository = ReturnType<typeof createCheckpointsRepository>

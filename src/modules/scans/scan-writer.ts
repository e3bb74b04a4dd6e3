// Group commit: scans that arrive together share one transaction (and one fsync); none is answered before its commit.
import type { GridpassDb } from '../../db/index.ts'
import { inArray } from 'drizzle-orm'

type T = GridpassDb['t']
export type ScanRow = T['scans']['$inferInsert']
export type SecurityRow = T['securityEvents']['$inferInsert']
export type Pending = { kind: 'scan', row: ScanRow } | { kind: 'security', row: SecurityRow }

interface Waiter { item: Pending, resolve: (inserted: boolean) => void, reject: (err: unknown) => void }

export interface ScanWriter {
  /** Resolves after the commit: true when this row was written, false when a row with its id already existed. */
  write: (item: Pending) => Promise<boolean>
  /** Waits for everything queued so far. */
  drain: () => Promise<void>
}

export function createScanWriter (store: GridpassDb, maxBatch = 1000): ScanWriter {
  const { t } = store
  let queue: Waiter[] = []
  let running: Promise<void> | null = null

  async function flushOnce (batch: Waiter[]): Promise<void> {
    try {
      const inserted = await store.tx(async (db) => {
        const ids = new Set<string>()
        // Within one batch the first row of an id wins; later ones see it as existing.
        const seen = new Set<string>()
        const scans: ScanRow[] = []
        const security: SecurityRow[] = []
        for (const w of batch) {
          if (seen.has(w.item.row.id)) continue
          seen.add(w.item.row.id)
          if (w.item.kind === 'scan') scans.push(w.item.row); else security.push(w.item.row)
        }
        // Ids taken in the other table count as existing too.
        if (scans.length > 0) {
          const clash = await db.select({ id: t.securityEvents.id }).from(t.securityEvents).where(inArray(t.securityEvents.id, scans.map((r) => r.id)))
          const taken = new Set(clash.map((r) => r.id))
          const rows = scans.filter((r) => !taken.has(r.id))
          for (let i = 0; i < rows.length; i += 500) {
            const done = await db.insert(t.scans).values(rows.slice(i, i + 500)).onConflictDoNothing().returning({ id: t.scans.id })
            for (const r of done) ids.add(r.id)
          }
        }
        if (security.length > 0) {
          const clash = await db.select({ id: t.scans.id }).from(t.scans).where(inArray(t.scans.id, security.map((r) => r.id)))
          const taken = new Set(clash.map((r) => r.id))
          const rows = security.filter((r) => !taken.has(r.id))
          for (let i = 0; i < rows.length; i += 500) {
            const done = await db.insert(t.securityEvents).values(rows.slice(i, i + 500)).onConflictDoNothing().returning({ id: t.securityEvents.id })
            for (const r of done) ids.add(r.id)
          }
        }
        return ids
      })
      const claimed = new Set<string>()
      for (const w of batch) {
        const id = w.item.row.id
        const mine = inserted.has(id) && !claimed.has(id)
        if (mine) claimed.add(id)
        w.resolve(mine)
      }
    } catch (err) {
      for (const w of batch) w.reject(err)
    }
  }

  async function loop (): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch)
      queue = queue.slice(batch.length)
      await flushOnce(batch)
    }
    running = null
  }

  return {
    write (item) {
      return new Promise<boolean>((resolve, reject) => {
        queue.push({ item, resolve, reject })
        // Let the requests already in flight join this commit before it starts.
        running ??= new Promise<void>((r) => setImmediate(r)).then(loop)
      })
    },
    async drain () { while (running !== null) await running }
  }
}

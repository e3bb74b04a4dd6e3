// Group commit: scans that arrive together share one transaction (and one fsync); none is answered before its commit.
import type { GridpassDb } from '../../db/index.ts'
import type { ScanQueries, ScanRow, SecurityRow } from '../../db/scan-queries.ts'

export type { ScanRow, SecurityRow }
export type Pending = { kind: 'scan', row: ScanRow } | { kind: 'security', row: SecurityRow }

interface Waiter { item: Pending, resolve: (inserted: boolean) => void, reject: (err: unknown) => void }

export interface ScanWriter {
  /** Resolves after the commit: true when this row was written, false when a row with its id already existed. */
  write: (item: Pending) => Promise<boolean>
  /** Waits for everything queued so far. */
  drain: () => Promise<void>
}

export function createScanWriter (store: GridpassDb, queries: ScanQueries, maxBatch = 1000): ScanWriter {
  let queue: Waiter[] = []
  let running: Promise<void> | null = null

  async function flushOnce (batch: Waiter[]): Promise<void> {
    try {
      // Within one batch the first row of an id wins; later ones see it as existing.
      const seen = new Set<string>()
      const scans: ScanRow[] = []
      const security: SecurityRow[] = []
      for (const w of batch) {
        if (seen.has(w.item.row.id)) continue
        seen.add(w.item.row.id)
        if (w.item.kind === 'scan') scans.push(w.item.row); else security.push(w.item.row)
      }
      const inserted = await store.tx(async (db) => queries.insert(db, scans, security))
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

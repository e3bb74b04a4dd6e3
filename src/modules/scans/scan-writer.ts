// Group commit: scans that arrive together share one transaction (and one fsync); none is answered before its commit.
// On a SQLite file the commit runs in the writer thread, so the next group gathers while the disk syncs.
import { Histogram, type Registry } from 'prom-client'
import { transientDbError } from '../../db/index.ts'
import type { GroupTiming, ScanQueries, ScanRow, ScanWrite, SecurityRow } from '../../db/scan-queries.ts'

export type { ScanRow, SecurityRow }
export type Pending = ScanWrite

interface Waiter { item: Pending, resolve: (inserted: boolean) => void, reject: (err: unknown) => void }

export interface ScanWriter {
  /** Resolves after the commit: true when this row was written, false when a row with its id already existed. */
  write: (item: Pending) => Promise<boolean>
  /** Waits for everything queued so far. */
  drain: () => Promise<void>
}

export function createScanWriter (queries: Pick<ScanQueries, 'write'>, maxBatch = 1000, maxInFlight = 4): ScanWriter {
  let queue: Waiter[] = []

  async function commit (batch: Waiter[]): Promise<void> {
    // Within one group the first row of an id wins; later ones see it as existing.
    const first = new Map<string, Pending>()
    for (const w of batch) if (!first.has(w.item.row.id)) first.set(w.item.row.id, w.item)
    const items = [...first.values()]
    const outcome = await queries.write(
      items.filter((i) => i.kind === 'scan').map((i) => i.row as ScanRow),
      items.filter((i) => i.kind === 'security').map((i) => i.row as SecurityRow))
    for (const w of batch) {
      const result = outcome.get(w.item.row.id)
      if (result instanceof Error) w.reject(result)
      else w.resolve(result === true && first.get(w.item.row.id) === w.item)
    }
  }

  async function flushOnce (batch: Waiter[]): Promise<void> {
    try {
      await commit(batch)
    } catch (err) {
      // A lock held too long fails the whole group at once: each row alone would wait for the lock again.
      if (batch.length === 1 || transientDbError(err)) { for (const w of batch) w.reject(err); return }
      // One bad row (say, its person was deleted meanwhile) must not fail the others: each alone.
      for (const w of batch) {
        try { await commit([w]) } catch (e) { w.reject(e) }
      }
    }
  }

  // Groups go out as soon as the requests of one turn of the event loop have joined, up to `maxInFlight` at once;
  // beyond that the queue grows and the next group is bigger. On a SQLite file the scan thread commits each group
  // as it comes and one fsync covers every group committed before it (see src/db/sqlite-thread-worker.mjs).
  const inFlight = new Set<Promise<void>>()
  let scheduled = false
  function flush (): void {
    scheduled = false
    while (queue.length > 0 && inFlight.size < maxInFlight) {
      const batch = queue.slice(0, maxBatch)
      queue = queue.slice(batch.length)
      const done: Promise<void> = flushOnce(batch).finally(() => {
        inFlight.delete(done)
        if (queue.length > 0) schedule()
      })
      inFlight.add(done)
    }
  }
  function schedule (): void {
    if (scheduled) return
    scheduled = true
    // Let the requests already in flight join this group before it leaves.
    setImmediate(flush)
  }

  return {
    write (item) {
      return new Promise<boolean>((resolve, reject) => {
        queue.push({ item, resolve, reject })
        schedule()
      })
    },
    async drain () {
      while (queue.length > 0 || inFlight.size > 0) {
        if (inFlight.size > 0) await Promise.race(inFlight)
        else await new Promise((r) => setImmediate(r))
      }
    }
  }
}

/**
 * The SQLite scan thread's commit groups, phase by phase (gridpass_scan_commit_phase_seconds): waiting for the write
 * lock (a checkpoint's RESTART, a write on the main connection), the commit, the WAL's fsync. A slow disk shows in
 * `fsync`, a starved machine in all three at once.
 */
export function commitPhaseMetrics (metrics: Registry): (timing: GroupTiming) => void {
  const phases = new Histogram({
    name: 'gridpass_scan_commit_phase_seconds',
    help: 'The SQLite scan thread\'s commit groups: time waiting for the write lock, committing, syncing the WAL',
    labelNames: ['phase'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [metrics]
  })
  const lockWait = phases.labels({ phase: 'lock_wait' })
  const commit = phases.labels({ phase: 'commit' })
  const fsync = phases.labels({ phase: 'fsync' })
  return ({ lockWaitMs, commitMs, fsyncMs }) => {
    lockWait.observe(lockWaitMs / 1000)
    commit.observe(commitMs / 1000)
    fsync.observe(fsyncMs / 1000)
  }
}

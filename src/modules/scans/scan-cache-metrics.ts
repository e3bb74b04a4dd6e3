// The SQLite scan cache's metrics (the cache itself: src/db/scan-queries.ts createScanCache).
import { Counter, Gauge, type Registry } from 'prom-client'

/**
 * The SQLite scan cache's metrics: how many people it keeps, and how each scan's look-up was answered (from memory, or
 * by a read in the scan thread). Returns what counts one look-up.
 */
export function scanCacheMetrics (metrics: Registry, size: () => number): (fromMemory: boolean) => void {
  new Gauge({
    name: 'gridpass_scan_cache_people',
    help: 'People whose scan inputs (masked-name ciphertext, status entries, latest sightings) are kept in memory (GRIDPASS_SCAN_CACHE_PEOPLE at most)',
    registers: [metrics],
    collect () { this.set(size()) }
  })
  const lookups = new Counter({
    name: 'gridpass_scan_cache_lookups_total',
    help: 'What judging a scan needs, by where it was found: memory, or a read of the database',
    labelNames: ['answered'],
    registers: [metrics]
  })
  const memory = lookups.labels({ answered: 'memory' })
  const database = lookups.labels({ answered: 'database' })
  // Both series from the start (at 0), so a rate over them never starts from nothing.
  memory.inc(0)
  database.inc(0)
  return (fromMemory) => { if (fromMemory) memory.inc(); else database.inc() }
}

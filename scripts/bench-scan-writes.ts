// npm run bench:scan-writes -- [--people 100000] [--scans 1000000] [--rows 20000] [--group 32] [--rounds 5]
//                              [--directions in] [--keep]
//
// What a scan's row costs SQLite, and what each part of it costs: the scan thread's own statements
// (src/db/scan-queries.ts SQLITE_SCAN_WRITES: the trail's insert, guarded against an id already refused, and the
// dashboard's scan_hours tally once per checkpoint and commit) run alone on one connection, with no HTTP, no other
// thread and no fsync, on copies of one seeded database (bench:scans' seed: --people, --scans over 50 checkpoints).
// Each variant removes one part (a trigger, an index, a statement) from a fresh copy; the durable reference's insert
// (one table, one key) runs on a fresh file as bench:scans' reference does. Per variant: CPU per row (this process,
// best and median of --rounds, the variants alternating) and the WAL written per row (4 KiB frames, as the commits
// of --group rows each append them). The rows are bench:scans' traffic: random seeded people at 5 checkpoints, one
// millisecond apart, directions cycling through --directions.
import { closeSync, copyFileSync, fsyncSync, mkdtempSync, openSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'
import { v7 as uuidv7 } from 'uuid'
import { SQLITE_SCAN_WRITES, hourOf, sqliteScanParams, type ScanRow } from '../src/db/scan-queries.ts'
import { ensureKeys, loadKeyring } from '../src/lib/keyring.ts'
import { createPii } from '../src/lib/pii.ts'
import { REFERENCE_INSERT, REFERENCE_TABLE } from './lib/reference-table.ts'
import { openSink, seed } from './lib/seed.ts'

const { values: args } = parseArgs({
  options: {
    people: { type: 'string', default: '100000' },
    scans: { type: 'string', default: '1000000' },
    rows: { type: 'string', default: '20000' },
    group: { type: 'string', default: '32' },
    rounds: { type: 'string', default: '5' },
    directions: { type: 'string', default: 'in' },
    keep: { type: 'boolean', default: false }
  }
})
const count = (name: string, min: number): number => {
  const n = Number(args[name as keyof typeof args])
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name}: a whole number ≥ ${min}, got ${String(args[name as keyof typeof args])}`)
  return n
}
const PEOPLE = count('people', 1)
const SCANS = count('scans', 0)
const ROWS = count('rows', 100)
const GROUP = count('group', 1)
const ROUNDS = count('rounds', 1)
const DIRECTIONS = (args.directions ?? 'in').split(',')
if (DIRECTIONS.some((d) => !['in', 'out', 'pass'].includes(d))) throw new Error(`--directions: in, out and pass, comma-separated, got ${args.directions}`)
const WARM_ROWS = 2000

const GUARD = ' WHERE NOT EXISTS (SELECT 1 FROM security_events WHERE id = ?)'
if (!SQLITE_SCAN_WRITES.scan.includes(GUARD)) throw new Error('the scan insert no longer has the refused-id guard this benchmark removes')

interface Variant { name: string, ddl: string[], hours: boolean, guard: boolean }
const VARIANTS: Variant[] = [
  { name: 'gridpass: the scan thread\'s writes, as they are', ddl: [], hours: true, guard: true },
  { name: '… without the stays trigger (scans_stay_insert)', ddl: ['DROP TRIGGER scans_stay_insert'], hours: true, guard: true },
  { name: '… without the covering index scans_checkpoint_scanned_ix', ddl: ['DROP INDEX scans_checkpoint_scanned_ix'], hours: true, guard: true },
  { name: '… without scans_person_scanned_ix (and the trigger, which reads it)', ddl: ['DROP TRIGGER scans_stay_insert', 'DROP INDEX scans_person_scanned_ix'], hours: true, guard: true },
  { name: '… without the scan_hours tally', ddl: [], hours: false, guard: true },
  { name: '… without the refused-id guard (NOT EXISTS in security_events)', ddl: [], hours: true, guard: false }
]
const REFERENCE = 'reference: one table, one key (bench:scans\' durable reference)'

const dir = mkdtempSync(join(tmpdir(), 'gridpass-scan-writes-'))
const seedFile = join(dir, 'seed.db')
const workFile = join(dir, 'work.db')
const removeWork = (): void => { for (const f of [workFile, `${workFile}-wal`, `${workFile}-shm`]) rmSync(f, { force: true }) }

/** Opened as the scan thread opens its connection (src/db/sqlite-thread-worker.mjs), without its fsync. */
function open (file: string): Database.Database {
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('cache_size = -65536')
  db.pragma('wal_autocheckpoint = 0') // every frame the commits append stays countable
  return db
}

/** A copy whose pages are on disk: the kernel's write-back of a fresh copy would otherwise run during the measurement. */
function copyFile (from: string, to: string): void {
  copyFileSync(from, to)
  const fd = openSync(to, 'r+')
  try { fsyncSync(fd) } finally { closeSync(fd) }
}

/**
 * The connection's cache as a long-running scan thread has it: the person index read through (each row lands on a
 * random page of it), and the table's and the other indexes' last pages, where rows are appended.
 */
function warm (db: Database.Database): void {
  const indexes = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'scans'").pluck().all() as string[])
  if (indexes.has('scans_person_scanned_ix')) db.prepare("SELECT count(*) FROM scans INDEXED BY scans_person_scanned_ix WHERE person_id > ''").pluck().get()
  db.prepare('SELECT count(*) FROM (SELECT id FROM scans ORDER BY rowid DESC LIMIT 5000)').pluck().get()
}

/** CPU µs per row and WAL KiB per row of ROWS rows in commits of GROUP, after WARM_ROWS not counted. */
function measure (db: Database.Database, insert: (i: number) => void, perCommit: (from: number, to: number) => void): { cpuUs: number, walKiB: number } {
  const commit = db.transaction((from: number, to: number) => { for (let i = from; i < to; i++) insert(i); perCommit(from, to) })
  for (let i = 0; i < WARM_ROWS; i += GROUP) commit(i, Math.min(i + GROUP, WARM_ROWS))
  const walBefore = (db.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>)[0]?.log ?? 0
  const c0 = process.cpuUsage()
  for (let i = WARM_ROWS; i < WARM_ROWS + ROWS; i += GROUP) commit(i, Math.min(i + GROUP, WARM_ROWS + ROWS))
  const c = process.cpuUsage(c0)
  const walAfter = (db.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>)[0]?.log ?? 0
  return { cpuUs: (c.user + c.system) / ROWS, walKiB: Math.max(0, walAfter - walBefore) * 4 / ROWS }
}

async function main (): Promise<void> {
  console.log(`gridpass scan-write benchmark — ${new Date().toISOString()}`)
  console.log(`  machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
  const now = Date.now()
  const keysDir = join(dir, 'keys')
  await ensureKeys(keysDir, now)
  const sink = await openSink(`file:${seedFile}`)
  const seeded = await seed(sink, createPii(loadKeyring(keysDir, now, 30).dataKey), { people: PEOPLE, scans: SCANS, checkpoints: 50, now })
  await sink.close()
  const checkpointIds = seeded.checkpointIds.slice(0, 5)

  // The rows, made once: every variant writes the same ones.
  const total = WARM_ROWS + ROWS
  const start = now + 60_000
  const rows: ScanRow[] = Array.from({ length: total }, (_, i) => {
    const at = start + i
    return {
      id: uuidv7({ msecs: at }), personId: seeded.personIds[Math.floor(Math.random() * seeded.personIds.length)] as string, checkpointId: checkpointIds[i % checkpointIds.length] as string,
      actorId: 'bench-volunteer', source: 'scan', kind: 'paper', scannedAt: at, receivedAt: at, direction: DIRECTIONS[i % DIRECTIONS.length] as string, plate: null,
      color: 'green', decision: 'allow', reason: null, jti: uuidv7(), offline: false, requestHash: 'x'.repeat(43), flags: null
    }
  })
  const params = rows.map(sqliteScanParams)
  const unguarded = params.map((p) => p.slice(0, -1))

  const results = new Map<string, Array<{ cpuUs: number, walKiB: number }>>()
  const record = (name: string, r: { cpuUs: number, walKiB: number }): void => { results.set(name, [...(results.get(name) ?? []), r]) }
  for (let round = 0; round < ROUNDS; round++) {
    process.stdout.write(`  round ${round + 1} of ${ROUNDS}…\r`)
    for (const v of VARIANTS) {
      removeWork()
      copyFile(seedFile, workFile)
      const db = open(workFile)
      for (const d of v.ddl) db.exec(d)
      warm(db)
      const insert = db.prepare(v.guard ? SQLITE_SCAN_WRITES.scan : SQLITE_SCAN_WRITES.scan.replace(GUARD, ''))
      const hours = db.prepare(SQLITE_SCAN_WRITES.hours)
      const source = v.guard ? params : unguarded
      record(v.name, measure(db, (i) => { insert.run(source[i] as unknown[]) }, (from, to) => {
        if (!v.hours) return
        // The scan thread's tally: one upsert per (checkpoint, hour) of the commit's rows, with their count.
        const tally = new Map<string, [string, number, number]>()
        for (let i = from; i < to; i++) {
          const r = rows[i] as ScanRow
          const key = `${r.checkpointId}|${hourOf(r.scannedAt)}`
          const t = tally.get(key)
          if (t === undefined) tally.set(key, [r.checkpointId, hourOf(r.scannedAt), 1]); else t[2]++
        }
        for (const t of tally.values()) hours.run(t)
      }))
      db.close()
    }
    removeWork()
    const ref = open(workFile)
    ref.exec(REFERENCE_TABLE)
    const refInsert = ref.prepare(REFERENCE_INSERT)
    record(REFERENCE, measure(ref, (i) => { const r = rows[i] as ScanRow; refInsert.run({ id: r.id, tokenLength: 312, at: r.receivedAt }) }, () => {}))
    ref.close()
  }
  removeWork()

  const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] as number }
  const asIs = Math.min(...(results.get(VARIANTS[0]?.name as string) ?? []).map((r) => r.cpuUs))
  console.log(`\n  ${PEOPLE.toLocaleString('en')} people, ${SCANS.toLocaleString('en')} earlier scans; ${ROWS.toLocaleString('en')} rows per variant in commits of ${GROUP} (after ${WARM_ROWS.toLocaleString('en')} not counted), directions ${DIRECTIONS.join('/')}, ${ROUNDS} rounds\n`)
  console.log('| writes | CPU per row, best / median | less than as they are | WAL per row |')
  console.log('| --- | ---: | ---: | ---: |')
  for (const name of [...VARIANTS.map((v) => v.name), REFERENCE]) {
    const rs = results.get(name) ?? []
    const best = Math.min(...rs.map((r) => r.cpuUs))
    console.log(`| ${name} | ${best.toFixed(1)} / ${median(rs.map((r) => r.cpuUs)).toFixed(1)} µs | ${name === VARIANTS[0]?.name ? '' : `${(asIs - best).toFixed(1)} µs`} | ${median(rs.map((r) => r.walKiB)).toFixed(1)} KiB |`)
  }
  console.log(`\n  load average now ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
}

try {
  await main()
} finally {
  if (args.keep) console.log(`  kept: ${dir}`)
  else rmSync(dir, { recursive: true, force: true })
}

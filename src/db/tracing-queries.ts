// Contact tracing's reads of the scans, as index range queries: on SQLite raw prepared statements (prepared once per
// database), on PostgreSQL one round trip per batch. scans(person_id, scanned_at) serves trails, scans(checkpoint_id, scanned_at)
// the people met at a checkpoint, and the partial scans_checkpoint_stay_ix the stays that span a range (stay_start is
// kept by the database: migration 0005).
import { setImmediate as nextTurn } from 'node:timers/promises'
import { and, between, inArray } from 'drizzle-orm'
import type { GridpassDb } from './index.ts'
import { normalizePlate } from '../lib/plate.ts'
import { MAX_STAY_MS } from './stays.ts'

export interface TrailRow { id: string, checkpointId: string, checkpointName: string, scannedAt: number, direction: string | null, color: string, decision: string, plate: string | null }
/** A scan as the contact search needs it. */
export interface ScanRow { id: string, personId: string, checkpointId: string, scannedAt: number, direction: string | null, plate: string | null }
export interface CheckpointRange {
  checkpointId: string
  lo: number
  hi: number
  /**
   * Whether plates are wanted (a stay begun before lo costs a look-up of its "in" for its plate). Without, every
   * presence comes with plate null: right when no one met there has a plate, as sameVehicle then is false whatever
   * the others' plates are.
   */
  plates?: boolean
}
/** A presence (docs/tracing.md): a point (start = end) or a stay [in, out]; the plate is its first scan's, normalised. */
export interface PresenceRow { personId: string, start: number, end: number, plate: string | null, stay: boolean }

export interface TracingQueries {
  /**
   * How much one call asks for: SQLite answers range by range (a few ms each), so small calls let the event loop run
   * between them; PostgreSQL gets many ranges and people per round trip.
   */
  rangesPerCall: number
  peoplePerCall: number
  trail: (personId: string, from: number, to: number) => Promise<TrailRow[]>
  /** The scans of these people with from ≤ scannedAt ≤ to. */
  scansOf: (personIds: string[], from: number, to: number) => Promise<ScanRow[]>
  /**
   * Per range, every presence at its checkpoint that touches [lo, hi] (its end ≥ lo and its start ≤ hi), built from
   * the scans within [from, to] only, exactly as presencesOf builds them from a person's scans there. With `only`, the
   * presences of those people alone (the rest are read but not built).
   */
  presencesAt: (ranges: CheckpointRange[], from: number, to: number, pause?: () => Promise<void>, only?: ReadonlySet<string>) => Promise<PresenceRow[][]>
}

const CHUNK = 500
const PIECE_MS = 10 * 60_000

/**
 * [person, at, direction (DIR_IN, DIR_OUT, or 0 for pass and none), plate, id, stay_start, the plate of the stay's "in"
 * when it lies before the range]. Directions come as numbers and, on SQLite, the id as null (see `ties`): a busy gate's
 * range is tens of thousands of rows, and each string is an allocation in the process.
 */
type StayRow = [string, number, number, string | null, string | null, number | null, string | null]
const DIR_IN = 1
const DIR_OUT = 2
/** SQL of a direction as StayRow's number (both databases). */
const DIRECTION_CODE = `CASE s.direction WHEN 'in' THEN ${DIR_IN} WHEN 'out' THEN ${DIR_OUT} ELSE 0 END`
const cmpId = (a: string | null, b: string | null): number => (a === null || b === null || a === b ? 0 : a < b ? -1 : 1)
const byTimeThenIdRow = (a: StayRow, b: StayRow): number => a[1] - b[1] || cmpId(a[4], b[4])

/**
 * The presences that touch [lo, hi], from a range's rows: its scans, and the "out"s after it that end a stay begun in
 * [from, hi]. An "in" is a stay's start exactly when the next scan of that person here is an "out" whose stay_start
 * is its time; nothing of that person here lies between them, so they are neighbours in these rows. An "out" whose
 * stay began at or after `from` but whose "in" is not among the rows began before lo. Every other scan is a point.
 *
 * Rows without ids (SQLite) are ordered by time only; where one person has several scans at the same time, `ties`
 * reads that person's scans of that time again, in id order (equal times are rare, and all of them lie in [lo, hi]:
 * after hi only the one "out" that ends a stay is read).
 */
function presencesOfRange (rows: StayRow[], lo: number, hi: number, from: number, ties?: (personId: string, at: number) => StayRow[], only?: ReadonlySet<string>): PresenceRow[] {
  const out: PresenceRow[] = []
  const byPerson = new Map<string, StayRow[]>()
  for (const r of rows) {
    if (only !== undefined && !only.has(r[0])) continue
    const list = byPerson.get(r[0])
    if (list === undefined) byPerson.set(r[0], [r])
    else list.push(r)
  }
  for (const [personId, list] of byPerson) {
    if (list.length > 1) {
      list.sort(byTimeThenIdRow)
      if (ties !== undefined) resolveTies(personId, list, ties)
    }
    for (let i = 0; i < list.length; i++) {
      const [, at, direction, plate, , stayStart, inPlate] = list[i] as StayRow
      const next = list[i + 1]
      if (direction === DIR_IN && next !== undefined && next[2] === DIR_OUT && next[5] === at) {
        out.push({ personId, start: at, end: next[1], plate: normalizePlate(plate), stay: true })
        i++
      } else if (direction === DIR_OUT && stayStart !== null && stayStart >= from && stayStart < lo) {
        out.push({ personId, start: stayStart, end: at, plate: normalizePlate(inPlate), stay: true })
      } else if (at <= hi) {
        out.push({ personId, start: at, end: at, plate: normalizePlate(plate), stay: false })
      }
    }
  }
  return out
}

/** Replaces each run of one person's rows of the same time (sorted by time only) with `ties`' rows, in id order. */
function resolveTies (personId: string, list: StayRow[], ties: (personId: string, at: number) => StayRow[]): void {
  for (let i = 1; i < list.length; i++) {
    const at = (list[i - 1] as StayRow)[1]
    if ((list[i] as StayRow)[1] !== at) continue
    let end = i + 1
    while (end < list.length && (list[end] as StayRow)[1] === at) end++
    const group = ties(personId, at)
    list.splice(i - 1, end - i + 1, ...group)
    i = i - 1 + group.length
  }
}

/**
 * Long reads give the event loop back every few milliseconds: SQLite reads are synchronous, and the checkpoints'
 * scans are answered by the same process, so a tracer's query must never hold them up for long.
 */
const SLICE_MS = 8
export function slicer (sliceMs = SLICE_MS): () => Promise<void> {
  let since = performance.now()
  return async () => {
    if (performance.now() - since < sliceMs) return
    await nextTurn()
    since = performance.now()
  }
}
const chunks = <T>(xs: T[]): T[][] => Array.from({ length: Math.ceil(xs.length / CHUNK) }, (_, i) => xs.slice(i * CHUNK, (i + 1) * CHUNK))

const cache = new WeakMap<GridpassDb, TracingQueries>()
export function createTracingQueries (store: GridpassDb): TracingQueries {
  let q = cache.get(store)
  if (q === undefined) {
    q = store.sqlite !== undefined ? sqliteQueries(store.sqlite) : pgQueries(store)
    cache.set(store, q)
  }
  return q
}

function sqliteQueries (client: NonNullable<GridpassDb['sqlite']>): TracingQueries {
  const trail = client.prepare(`SELECT s.id, s.checkpoint_id AS checkpointId, c.name AS checkpointName, s.scanned_at AS scannedAt, s.direction, s.color, s.decision, s.plate
    FROM scans s JOIN checkpoints c ON c.id = s.checkpoint_id WHERE s.person_id = ? AND s.scanned_at BETWEEN ? AND ? ORDER BY s.scanned_at, s.id`)
  const byPerson = client.prepare(`SELECT id, person_id, checkpoint_id, scanned_at, direction, plate
    FROM scans WHERE person_id = ? AND scanned_at BETWEEN ? AND ?`).raw()
  // Per range two index reads (docs/tracing.md, "How it is computed"), each row a StayRow without its id:
  // - every scan in [lo, hi];
  // - the "out"s in (hi, until] that end a stay begun in [since, hi] (since: from, or 4 h before hi when later),
  //   through scans_checkpoint_stay_ix, which holds only the "out"s that end a stay: the other scans of those hours
  //   are not read at all.
  // Both reads are covering-index scans (migration 0006): nothing below touches the table except the plate of a stay's
  // "in" before the range, where plates are wanted. That "in" is the person's latest scan here at stay_start (it lies
  // before rangeLo, so before this scan).
  const inPlate = `CASE WHEN @plates AND s.stay_start >= @from AND s.stay_start < @rangeLo THEN (SELECT p.plate FROM scans p
      WHERE p.person_id = s.person_id AND p.scanned_at = s.stay_start AND +p.checkpoint_id = s.checkpoint_id
      ORDER BY p.id DESC LIMIT 1) END`
  const inRange = client.prepare(`SELECT s.person_id, s.scanned_at, ${DIRECTION_CODE}, CASE WHEN @plates THEN s.plate END, NULL, s.stay_start, ${inPlate}
    FROM scans s WHERE s.checkpoint_id = @cp AND s.scanned_at BETWEEN @lo AND @hi`).raw()
  // A stay's "out" (only "out"s have a stay_start): its own plate is never used, the stay has its "in"'s.
  const stayEnds = client.prepare(`SELECT s.person_id, s.scanned_at, ${DIR_OUT}, NULL, NULL, s.stay_start, ${inPlate}
    FROM scans s INDEXED BY scans_checkpoint_stay_ix
    WHERE s.checkpoint_id = @cp AND s.stay_start IS NOT NULL AND s.stay_start BETWEEN @since AND @hi AND s.scanned_at > @hi AND s.scanned_at <= @until`).raw()
  // One person's scans of one time here, in id order (presencesOfRange's ties).
  const tie = client.prepare(`SELECT s.person_id, s.scanned_at, ${DIRECTION_CODE}, CASE WHEN @plates THEN s.plate END, s.id, s.stay_start, ${inPlate}
    FROM scans s WHERE s.checkpoint_id = @cp AND s.scanned_at = @at AND s.person_id = @person ORDER BY s.id`).raw()
  type Raw = [string, string, string, number, string | null, string | null]
  const row = (r: Raw): ScanRow => ({ id: r[0], personId: r[1], checkpointId: r[2], scannedAt: r[3], direction: r[4], plate: r[5] })
  return {
    rangesPerCall: 4,
    peoplePerCall: 25,
    trail: async (personId, from, to) => trail.all(personId, from, to) as TrailRow[],
    scansOf: async (ids, from, to) => ids.flatMap((id) => (byPerson.all(id, from, to) as Raw[]).map(row)),
    presencesAt: async (ranges, from, to, pause = slicer(), only) => {
      const all: PresenceRow[][] = []
      for (const r of ranges) {
        const rows: StayRow[] = []
        const plates = r.plates === false ? 0 : 1
        // In pieces: a school gate's morning is thousands of scans, and the event loop gets a turn between pieces.
        for (let lo = r.lo; lo <= r.hi; lo += PIECE_MS) {
          for (const row of inRange.all({ cp: r.checkpointId, lo, hi: Math.min(r.hi, lo + PIECE_MS - 1), from, rangeLo: r.lo, plates }) as StayRow[]) rows.push(row)
          await pause()
        }
        for (const row of stayEnds.all({ cp: r.checkpointId, rangeLo: r.lo, hi: r.hi, from, plates, since: Math.max(from, r.hi - MAX_STAY_MS), until: Math.min(to, r.hi + MAX_STAY_MS) }) as StayRow[]) rows.push(row)
        await pause()
        const ties = (person: string, at: number): StayRow[] => tie.all({ cp: r.checkpointId, at, person, from, rangeLo: r.lo, plates }) as StayRow[]
        all.push(presencesOfRange(rows, r.lo, r.hi, from, ties, only))
      }
      return all
    }
  }
}

const TRAIL_SQL_PG = `SELECT s.id, s.checkpoint_id AS "checkpointId", c.name AS "checkpointName", s.scanned_at AS "scannedAt", s.direction, s.color, s.decision, s.plate
  FROM scans s JOIN checkpoints c ON c.id = s.checkpoint_id WHERE s.person_id = $1 AND s.scanned_at BETWEEN $2 AND $3 ORDER BY s.scanned_at, s.id`

// Per range of $1 (JSON), the same two index reads as on SQLite; $2 = from, $3 = to. An index range scan each (index-only
// where the visibility map is current: both indexes hold every column read here, the id included): OFFSET 0
// keeps the planner from flattening the LATERAL into a join, which at county scale it ran as a parallel scan of the
// whole table.
const PRESENCES_SQL_PG = `SELECT r.i, s.person_id, s.scanned_at, ${DIRECTION_CODE}, CASE WHEN r.pl THEN s.plate END, s.id, s.stay_start,
    CASE WHEN r.pl AND s.stay_start >= $2::bigint AND s.stay_start < r.lo THEN (SELECT p.plate FROM scans p
      WHERE p.person_id = s.person_id AND p.scanned_at = s.stay_start AND p.checkpoint_id = r.cp
      ORDER BY p.id COLLATE "C" DESC LIMIT 1) END
  FROM json_to_recordset($1::json) AS r(i int, cp text, lo bigint, hi bigint, pl boolean)
  CROSS JOIN LATERAL (
    SELECT s.person_id, s.scanned_at, s.direction, s.plate, s.id, s.stay_start FROM scans s
      WHERE s.checkpoint_id = r.cp AND s.scanned_at BETWEEN r.lo AND r.hi
    UNION ALL
    SELECT s.person_id, s.scanned_at, 'out', NULL, s.id, s.stay_start FROM scans s
      WHERE s.checkpoint_id = r.cp AND s.stay_start IS NOT NULL AND s.stay_start BETWEEN greatest($2::bigint, r.hi - ${MAX_STAY_MS}) AND r.hi
        AND s.scanned_at > r.hi AND s.scanned_at <= least($3::bigint, r.hi + ${MAX_STAY_MS})
    OFFSET 0) s`

function pgQueries (store: GridpassDb): TracingQueries {
  const { db, t } = store
  const pool = store.pg as NonNullable<GridpassDb['pg']>
  const scanCols = { id: t.scans.id, personId: t.scans.personId, checkpointId: t.scans.checkpointId, scannedAt: t.scans.scannedAt, direction: t.scans.direction, plate: t.scans.plate }
  return {
    rangesPerCall: 500,
    peoplePerCall: 500,
    // A named prepared statement: planned once per connection. Through drizzle the trail was planned at every call,
    // 2.4 times the time of the same SQL prepared (county benchmark).
    trail: async (personId, from, to) => {
      const { rows } = await pool.query<TrailRow & { scannedAt: string }>({ name: 'gp_tracing_trail', text: TRAIL_SQL_PG, values: [personId, from, to] })
      return rows.map((r) => ({ ...r, scannedAt: Number(r.scannedAt) }))
    },
    scansOf: async (ids, from, to) => {
      const out: ScanRow[] = []
      for (const part of chunks(ids)) {
        out.push(...await db.select(scanCols).from(t.scans).where(and(inArray(t.scans.personId, part), between(t.scans.scannedAt, from, to))))
      }
      return out
    },
    // All ranges of a chunk in one statement (PRESENCES_SQL_PG), passed as one JSON parameter.
    presencesAt: async (ranges, from, to, _pause, only) => {
      const out: PresenceRow[][] = []
      for (let start = 0; start < ranges.length; start += CHUNK) {
        const chunk = ranges.slice(start, start + CHUNK)
        const part = JSON.stringify(chunk.map((r, i) => ({ i, cp: r.checkpointId, lo: r.lo, hi: r.hi, pl: r.plates !== false })))
        // Rows as arrays: tens of thousands of them at a busy gate, where building an object per row showed.
        const { rows } = await pool.query<[number, string, string, number, string | null, string, string | null, string | null]>({ name: 'gp_tracing_presences', text: PRESENCES_SQL_PG, values: [part, from, to], rowMode: 'array' })
        const byRange: StayRow[][] = chunk.map(() => [])
        for (const x of rows) (byRange[x[0]] as StayRow[]).push([x[1], Number(x[2]), x[3], x[4], x[5], x[6] === null ? null : Number(x[6]), x[7]])
        chunk.forEach((r, i) => { out.push(presencesOfRange(byRange[i] as StayRow[], r.lo, r.hi, from, undefined, only)) })
      }
      return out
    }
  }
}

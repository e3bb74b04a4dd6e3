// Tracing's reads, as index range queries: on SQLite raw prepared statements (prepared once per database), on
// PostgreSQL one round trip per batch. scans(person_id, scanned_at) serves trails, scans(checkpoint_id, scanned_at)
// the people met at a checkpoint.
import { setImmediate as nextTurn } from 'node:timers/promises'
import { and, between, eq, inArray } from 'drizzle-orm'
import type { GridpassDb } from '../../db/index.ts'
import { sql } from '../../db/index.ts'
import { MAX_STAY_MS, normalizePlate } from './tracing.presences.ts'

export interface TrailRow { id: string, checkpointId: string, checkpointName: string, scannedAt: number, direction: string | null, color: string, decision: string, plate: string | null }
/** A scan as the contact search needs it. */
export interface ScanRow { id: string, personId: string, checkpointId: string, scannedAt: number, direction: string | null, plate: string | null }
export interface CheckpointInfo { id: string, name: string, kind: string, lat: number | null, lon: number | null }
export interface CheckpointRange { checkpointId: string, lo: number, hi: number }
/** A presence (docs/tracing.md): a point (start = end) or a stay [in, out]; the plate is its first scan's, normalised. */
export interface PresenceRow { personId: string, start: number, end: number, plate: string | null }

export interface TracingQueries {
  personExists: (personId: string) => Promise<boolean>
  trail: (personId: string, from: number, to: number) => Promise<TrailRow[]>
  /** The scans of these people with from ≤ scannedAt ≤ to. */
  scansOf: (personIds: string[], from: number, to: number) => Promise<ScanRow[]>
  /**
   * Per range, every presence at its checkpoint that touches [lo, hi] (its end ≥ lo and its start ≤ hi), built from
   * the scans within [from, to] only, exactly as presencesOf builds them from a person's scans there.
   */
  presencesAt: (ranges: CheckpointRange[], from: number, to: number, pause?: () => Promise<void>) => Promise<PresenceRow[][]>
  /** The stored (encrypted) names. */
  encryptedNames: (personIds: string[]) => Promise<Map<string, string | null>>
  checkpoints: (ids: string[]) => Promise<Map<string, CheckpointInfo>>
}

const CHUNK = 500
const PIECE_MS = 10 * 60_000

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
  const exists = client.prepare('SELECT 1 FROM people WHERE id = ?').pluck()
  const trail = client.prepare(`SELECT s.id, s.checkpoint_id AS checkpointId, c.name AS checkpointName, s.scanned_at AS scannedAt, s.direction, s.color, s.decision, s.plate
    FROM scans s JOIN checkpoints c ON c.id = s.checkpoint_id WHERE s.person_id = ? AND s.scanned_at BETWEEN ? AND ? ORDER BY s.scanned_at, s.id`)
  const byPerson = client.prepare(`SELECT id, person_id, checkpoint_id, scanned_at, direction, plate
    FROM scans WHERE person_id = ? AND scanned_at BETWEEN ? AND ?`).raw()
  // A stay is an "in" and the next scan of the same person at the same checkpoint when that is an "out" at most 4 h
  // later (docs/tracing.md). An "in" never ends a stay, so whether two scans pair depends on them alone: each scan in
  // [lo, hi] looks up its own neighbour through scans(person_id, scanned_at) (an "out" its predecessor, an "in" its
  // successor) instead of the range being widened by 4 h on both sides and paired in JavaScript, which read and built
  // about five times the rows at a busy gate. `other` is the stay's start [time, plate] for an "out", its end for an "in".
  const previousIn = `(SELECT CASE WHEN p.direction = 'in' THEN json_array(p.scanned_at, p.plate) END FROM scans p
      WHERE p.person_id = s.person_id AND p.scanned_at BETWEEN max(@from, s.scanned_at - ${MAX_STAY_MS}) AND s.scanned_at
        AND p.checkpoint_id = s.checkpoint_id AND (p.scanned_at < s.scanned_at OR p.id < s.id)
      ORDER BY p.scanned_at DESC, p.id DESC LIMIT 1)`
  const inRange = client.prepare(`SELECT s.person_id, s.scanned_at, s.direction, s.plate,
    CASE s.direction WHEN 'out' THEN ${previousIn}
      WHEN 'in' THEN (SELECT CASE WHEN n.direction = 'out' THEN n.scanned_at END FROM scans n
        WHERE n.person_id = s.person_id AND n.scanned_at BETWEEN s.scanned_at AND min(@to, s.scanned_at + ${MAX_STAY_MS})
          AND n.checkpoint_id = s.checkpoint_id AND (n.scanned_at > s.scanned_at OR n.id > s.id)
        ORDER BY n.scanned_at, n.id LIMIT 1) END AS other
    FROM scans s WHERE s.checkpoint_id = @cp AND s.scanned_at BETWEEN @lo AND @hi`).raw()
  // Stays that span the whole range (in before lo, out after hi): the "out"s in (after, until] whose stay starts
  // before lo.
  const spanning = client.prepare(`SELECT person_id, scanned_at, other FROM (
      SELECT s.person_id, s.scanned_at, ${previousIn} AS other FROM scans s
      WHERE s.checkpoint_id = @cp AND s.scanned_at > @after AND s.scanned_at <= @until AND s.direction = 'out')
    WHERE other IS NOT NULL AND other ->> 0 < @lo`).raw()
  const name = client.prepare('SELECT name_enc FROM people WHERE id = ?').pluck()
  const checkpoint = client.prepare('SELECT id, name, kind, lat, lon FROM checkpoints WHERE id = ?')
  /** A stay that ends with this "out", from its `other` column: the "in"'s [time, plate]. */
  const stayEndingAt = (personId: string, end: number, other: string): PresenceRow => {
    const [start, plate] = JSON.parse(other) as [number, string | null]
    return { personId, start, end, plate: normalizePlate(plate) }
  }
  type Raw = [string, string, string, number, string | null, string | null]
  const row = (r: Raw): ScanRow => ({ id: r[0], personId: r[1], checkpointId: r[2], scannedAt: r[3], direction: r[4], plate: r[5] })
  return {
    personExists: async (id) => exists.get(id) !== undefined,
    trail: async (personId, from, to) => trail.all(personId, from, to) as TrailRow[],
    scansOf: async (ids, from, to) => ids.flatMap((id) => (byPerson.all(id, from, to) as Raw[]).map(row)),
    presencesAt: async (ranges, from, to, pause = slicer()) => {
      const all: PresenceRow[][] = []
      for (const r of ranges) {
        const out: PresenceRow[] = []
        // In pieces of at most 10 minutes: a school gate's morning is thousands of scans, each with its look-up, and
        // the event loop gets a turn between pieces.
        for (let lo = r.lo; lo <= r.hi; lo += PIECE_MS) {
          const hi = Math.min(r.hi, lo + PIECE_MS - 1)
          for (const [personId, at, direction, plate, other] of inRange.all({ cp: r.checkpointId, lo, hi, from, to }) as Array<[string, number, string | null, string | null, string | number | null]>) {
            if (direction === 'out' && other !== null) {
              // A stay whose "in" is in the range too is built from that "in".
              const stay = stayEndingAt(personId, at, other as string)
              if (stay.start < r.lo) out.push(stay)
            } else if (direction === 'in' && other !== null) {
              out.push({ personId, start: at, end: other as number, plate: normalizePlate(plate) })
            } else {
              out.push({ personId, start: at, end: at, plate: normalizePlate(plate) })
            }
          }
          await pause()
        }
        // The "out"s after the range that end a stay begun before it: (hi, lo + 4 h], in pieces too.
        for (let after = r.hi; after < Math.min(to, r.lo + MAX_STAY_MS); after += PIECE_MS) {
          const params = { cp: r.checkpointId, lo: r.lo, from, after, until: Math.min(to, r.lo + MAX_STAY_MS, after + PIECE_MS) }
          for (const [personId, at, other] of spanning.all(params) as Array<[string, number, string]>) out.push(stayEndingAt(personId, at, other))
          await pause()
        }
        all.push(out)
      }
      return all
    },
    encryptedNames: async (ids) => new Map(ids.map((id) => [id, (name.get(id) as string | null | undefined) ?? null])),
    checkpoints: async (ids) => {
      const out = new Map<string, CheckpointInfo>()
      for (const id of new Set(ids)) {
        const c = checkpoint.get(id) as CheckpointInfo | undefined
        if (c !== undefined) out.set(id, c)
      }
      return out
    }
  }
}

const TRAIL_SQL_PG = `SELECT s.id, s.checkpoint_id AS "checkpointId", c.name AS "checkpointName", s.scanned_at AS "scannedAt", s.direction, s.color, s.decision, s.plate
  FROM scans s JOIN checkpoints c ON c.id = s.checkpoint_id WHERE s.person_id = $1 AND s.scanned_at BETWEEN $2 AND $3 ORDER BY s.scanned_at, s.id`

function pgQueries (store: GridpassDb): TracingQueries {
  const { db, t } = store
  const pool = store.pg as NonNullable<GridpassDb['pg']>
  const scanCols = { id: t.scans.id, personId: t.scans.personId, checkpointId: t.scans.checkpointId, scannedAt: t.scans.scannedAt, direction: t.scans.direction, plate: t.scans.plate }
  return {
    personExists: async (id) => (await db.select({ id: t.people.id }).from(t.people).where(eq(t.people.id, id)).limit(1)).length > 0,
    // A named prepared statement: planned once per connection. Through drizzle the trail was planned at every call,
    // 2.4 times the time of the same SQL prepared (county benchmark, session 3).
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
    // All ranges in one statement, passed as one JSON parameter: each range widened by the longest stay on both sides
    // (so that every scan deciding a presence that touches it is read), paired by window functions per person, and
    // only the presences that touch the range sent back.
    presencesAt: async (ranges, from, to) => {
      const out: PresenceRow[][] = ranges.map(() => [])
      const stay = sql.raw(String(MAX_STAY_MS))
      for (let start = 0; start < ranges.length; start += CHUNK) {
        const part = JSON.stringify(ranges.slice(start, start + CHUNK).map((r, i) => ({ i: start + i, cp: r.checkpointId, lo: r.lo, hi: r.hi })))
        const rows = await store.rows<{ i: number, personId: string, start: string | number, end: string | number, plate: string | null }>(db, sql`
          SELECT i, person_id AS "personId", t AS "start", CASE WHEN d = 'in' AND nd = 'out' AND nt - t <= ${stay} THEN nt ELSE t END AS "end", plate
          FROM (
            SELECT r.i, r.lo, r.hi, s.person_id, s.scanned_at AS t, s.direction AS d, s.plate,
              lag(s.direction) OVER w AS pd, lag(s.scanned_at) OVER w AS pt, lead(s.direction) OVER w AS nd, lead(s.scanned_at) OVER w AS nt
            FROM json_to_recordset(${part}::json) AS r(i int, cp text, lo bigint, hi bigint)
            -- An index range scan per range: OFFSET 0 keeps the planner from flattening this into a join, which at county
            -- scale it ran as a parallel scan of the whole table (8.4 s instead of 2.9 s for one index person).
            CROSS JOIN LATERAL (SELECT s.id, s.person_id, s.scanned_at, s.direction, s.plate FROM scans s
              WHERE s.checkpoint_id = r.cp AND s.scanned_at BETWEEN greatest(${from}::bigint, r.lo - ${stay}) AND least(${to}::bigint, r.hi + ${stay}) OFFSET 0) s
            WINDOW w AS (PARTITION BY r.i, s.person_id ORDER BY s.scanned_at, s.id COLLATE "C")
          ) x
          WHERE (d = 'out' AND pd = 'in' AND t - pt <= ${stay}) IS NOT TRUE AND t <= hi
            AND CASE WHEN d = 'in' AND nd = 'out' AND nt - t <= ${stay} THEN nt ELSE t END >= lo`)
        for (const r of rows) (out[r.i] as PresenceRow[]).push({ personId: r.personId, start: Number(r.start), end: Number(r.end), plate: normalizePlate(r.plate) })
      }
      return out
    },
    encryptedNames: async (ids) => {
      const out = new Map<string, string | null>()
      for (const part of chunks([...new Set(ids)])) {
        for (const r of await db.select({ id: t.people.id, nameEnc: t.people.nameEnc }).from(t.people).where(inArray(t.people.id, part))) out.set(r.id, r.nameEnc)
      }
      return out
    },
    checkpoints: async (ids) => {
      const out = new Map<string, CheckpointInfo>()
      for (const part of chunks([...new Set(ids)])) {
        for (const c of await db.select({ id: t.checkpoints.id, name: t.checkpoints.name, kind: t.checkpoints.kind, lat: t.checkpoints.lat, lon: t.checkpoints.lon }).from(t.checkpoints).where(inArray(t.checkpoints.id, part))) out.set(c.id, c)
      }
      return out
    }
  }
}

// The scan hot path's queries, prepared once: raw better-sqlite3 statements on SQLite, drizzle on PostgreSQL.
// On a SQLite file they run on a second connection in a worker thread (sqlite-thread.ts).
import { eq, sql } from 'drizzle-orm'
import { prepareRead, type GridpassDb } from './index.ts'
import type { KeyObject } from 'node:crypto'
import type { Statement } from 'better-sqlite3'
import { batchedPgRead } from './pg-batch.ts'
import { createSqliteThread, type GroupTiming, type ReadOp, type WriteOp } from './sqlite-thread.ts'

export type { GroupTiming }

type T = GridpassDb['t']
export type ScanRow = T['scans']['$inferInsert']
export type SecurityRow = T['securityEvents']['$inferInsert']
export type StoredScan = T['scans']['$inferSelect']
export type StoredSecurity = T['securityEvents']['$inferSelect']
export interface PersonBrief { id: string, nameEnc: string | null, createdAt: number }
export interface EntryBrief { rule: string, color: string, since: number, until: number | null, endedAt: number | null, endedBy: string | null, actor: string, reason: string | null, id: string }
export interface Sighting { checkpointId: string, scannedAt: number, jti: string | null }
/** One row for the scan writer: a scan in the trail, or a refused scan in the security log. */
export type ScanWrite = { kind: 'scan', row: ScanRow } | { kind: 'security', row: SecurityRow }
/** An ES256 signature (r||s) over an ASCII input, by the key of id `kid`. */
export interface SignatureCheck { input: string, signature: Uint8Array, key: KeyObject, kid: string }
/** Per id: true when written, false when the id was already taken (in either table), an Error when that row failed. */
export type WriteOutcome = Map<string, boolean | Error>
/** How many of a person's sightings on each side of a moment the fraud check looks at. */
export const NEIGHBOURS = 3
/** How far from a scan the fraud check looks for the same person elsewhere: lookup's sightings lie within it. */
export const SIGHTING_WINDOW_MS = 6 * 3_600_000
/**
 * People whose scan inputs a SQLite service keeps in memory by default (GRIDPASS_SCAN_CACHE_PEOPLE); beyond it the
 * longest cached goes first. About 1.4 KB each with their latest sightings kept (docs/scans.md).
 */
export const CACHED_PEOPLE_MAX = 200_000
/**
 * A kept person's latest sightings: the fraud check of a scan now needs the NEIGHBOURS before it; two more let a
 * scan taken offline a little earlier be judged from memory too.
 */
const KEPT_SIGHTINGS = NEIGHBOURS + 2
/** Distinct checkpoint ids the scan cache keeps one string for. */
const INTERNED_MAX = 10_000

export interface ScanQueries {
  person: (id: string) => Promise<PersonBrief | undefined>
  scanById: (id: string) => Promise<StoredScan | undefined>
  securityById: (id: string) => Promise<StoredSecurity | undefined>
  /**
   * What judging a scan needs, in one round trip: the person, their status entries, and their sightings within
   * SIGHTING_WINDOW_MS of `at` (the NEIGHBOURS nearest on each side). On SQLite answered from memory when it can be.
   */
  lookup: (personId: string, at: number) => Promise<{ person: PersonBrief | undefined, entries: EntryBrief[], around: Sighting[] }>
  /** Writes the rows whose id is free in both tables, in one transaction; resolves after the commit. */
  write: (scans: ScanRow[], security: SecurityRow[]) => Promise<WriteOutcome>
  /**
   * Only on a SQLite file: the signature is checked in the scan thread, which then writes `ifValid` when it holds, in
   * its next group commit; resolves after the commit. When the signature does not hold nothing is written (`valid`
   * false, `inserted` false): the caller records that refusal itself, so a valid scan (nearly every one) builds no
   * refusal row and hashes no token for it. `inserted`: false when the row's id was already taken (in either table).
   * Rejects with the row's own error.
   */
  writeIfSigned?: (check: SignatureCheck, ifValid: ScanWrite) => Promise<{ valid: boolean, inserted: boolean }>
  close: () => Promise<void>
  /** Resolves when the queries can run: on a SQLite file, once the scan thread has prepared them. */
  ready: () => Promise<void>
}

const SCAN_COLUMNS = ['id', 'person_id', 'checkpoint_id', 'actor_id', 'source', 'kind', 'scanned_at', 'received_at', 'direction', 'plate', 'color', 'decision', 'reason', 'jti', 'offline', 'request_hash', 'flags'] as const
const SECURITY_COLUMNS = ['id', 'at', 'checkpoint_id', 'actor_id', 'source', 'reason', 'request_hash', 'token_hash', 'token_length'] as const
const ENTRY_COLUMNS = ['id', 'rule', 'color', 'since', 'until', 'ended_at', 'ended_by', 'actor', 'reason'] as const
type Row = unknown[]
const sightingOf = (r: Row): Sighting => ({ checkpointId: r[0] as string, scannedAt: r[1] as number, jti: r[2] as string | null })
const entryOf = (r: Row): EntryBrief => ({
  id: r[0] as string, rule: r[1] as string, color: r[2] as string, since: r[3] as number, until: r[4] as number | null,
  endedAt: r[5] as number | null, endedBy: r[6] as string | null, actor: r[7] as string, reason: r[8] as string | null
})
/** The hour a scan is counted in (scan_hours.hour): epoch ms of the start of its UTC hour. */
export const HOUR_MS = 3_600_000
export const hourOf = (ms: number): number => Math.floor(ms / HOUR_MS) * HOUR_MS
/**
 * scan_hours' rows counted from the scans themselves (both dialects): what a bulk load that writes scans directly (the
 * seed) inserts afterwards, into an empty scan_hours. One GROUP BY over scans_checkpoint_scanned_ix.
 */
export const SCAN_HOURS_FROM_SCANS = `SELECT checkpoint_id, (scanned_at / ${HOUR_MS}) * ${HOUR_MS} AS hour, count(*) AS count FROM scans GROUP BY 1, 2`
const camel = (c: string): string => c.replace(/_([a-z])/g, (_, x: string) => x.toUpperCase())
/** The rows' keys in column order, for both dialects' writes. */
const SCAN_KEYS = SCAN_COLUMNS.map(camel) as Array<keyof ScanRow>
const SECURITY_KEYS = SECURITY_COLUMNS.map(camel) as Array<keyof SecurityRow>
const select = (cols: readonly string[]): string => cols.map((c) => `${c} AS ${camel(c)}`).join(', ')

/** The scan thread's writes on SQLite (also run alone by scripts/bench-scan-writes.ts, to see what each costs). */
export const SQLITE_SCAN_WRITES = {
  // One statement per row: written only when the id is free in both tables (a scan id is answered once). Positional
  // parameters (the id once more at the end): arrays cross to the scan thread much cheaper than objects.
  scan: `INSERT INTO scans (${SCAN_COLUMNS.join(', ')}) SELECT ${SCAN_COLUMNS.map(() => '?').join(', ')} WHERE NOT EXISTS (SELECT 1 FROM security_events WHERE id = ?) ON CONFLICT (id) DO NOTHING`,
  security: `INSERT INTO security_events (${SECURITY_COLUMNS.join(', ')}) SELECT ${SECURITY_COLUMNS.map(() => '?').join(', ')} WHERE NOT EXISTS (SELECT 1 FROM scans WHERE id = ?) ON CONFLICT (id) DO NOTHING`,
  // The dashboard's scans per checkpoint and hour: the scan ops' tally, one upsert per (checkpoint, hour) per commit.
  hours: 'INSERT INTO scan_hours (checkpoint_id, hour, count) VALUES (?, ?, ?) ON CONFLICT (hour, checkpoint_id) DO UPDATE SET count = count + excluded.count'
} as const
const rowParams = <R extends { id: string }>(keys: Array<keyof R>, r: R): unknown[] => {
  const out = new Array<unknown>(keys.length + 1)
  for (let i = 0; i < keys.length; i++) { const v = r[keys[i] as keyof R]; out[i] = typeof v === 'boolean' ? (v ? 1 : 0) : v ?? null }
  out[keys.length] = r.id
  return out
}
/**
 * A scan row's parameters for SQLITE_SCAN_WRITES.scan, in SCAN_COLUMNS' order (offline as 0/1, the id once more at the
 * end), written out: rowParams' read of each column by a key in a variable cost ten times as much, once per scan
 * (test/scan-params.test.ts holds it to the statement's column list).
 */
export const sqliteScanParams = (r: ScanRow): unknown[] => [
  r.id, r.personId, r.checkpointId, r.actorId, r.source, r.kind, r.scannedAt, r.receivedAt, r.direction ?? null, r.plate ?? null,
  r.color, r.decision, r.reason ?? null, r.jti ?? null, r.offline ? 1 : 0, r.requestHash, r.flags ?? null, r.id
]

export interface ScanQueryOptions {
  /**
   * On a SQLite file, called once when the scan thread starts: what is told of each of its commit groups (lock wait,
   * commit, fsync). Never called where there is no scan thread (PostgreSQL, in memory), so no empty metric appears.
   */
  groupTimer?: () => (timing: GroupTiming) => void
  /** On SQLite: the least time between the starts of two commit groups of the scan thread (its default unless told). */
  commitIntervalMs?: number
  /** On SQLite: the people kept in memory (CACHED_PEOPLE_MAX unless told; 0 keeps none). */
  cachedPeople?: number
  /** On SQLite, called once: what counts each look-up (answered from memory or not); `size` tells the people kept. */
  cacheCounter?: (size: () => number) => (fromMemory: boolean) => void
}

export function createScanQueries (store: GridpassDb, options: ScanQueryOptions = {}): ScanQueries {
  return store.sqlite !== undefined ? sqliteQueries(store, store.sqlite, options) : drizzleQueries(store)
}

function sqliteQueries (store: GridpassDb, client: NonNullable<GridpassDb['sqlite']>, options: ScanQueryOptions): ScanQueries {
  const statements = {
    person: 'SELECT id, name_enc AS nameEnc, created_at AS createdAt FROM people WHERE id = ?',
    entries: `SELECT ${ENTRY_COLUMNS.join(', ')} FROM status_entries WHERE person_id = ? ORDER BY since`,
    scanById: `SELECT ${select(SCAN_COLUMNS)} FROM scans WHERE id = ?`,
    securityById: `SELECT ${select(SECURITY_COLUMNS)} FROM security_events WHERE id = ?`,
    before: `SELECT checkpoint_id, scanned_at, jti, id FROM scans WHERE person_id = ? AND scanned_at <= ? ORDER BY scanned_at DESC LIMIT ${NEIGHBOURS}`,
    after: `SELECT checkpoint_id, scanned_at, jti, id FROM scans WHERE person_id = ? AND scanned_at > ? ORDER BY scanned_at LIMIT ${NEIGHBOURS}`,
    ...SQLITE_SCAN_WRITES
  }
  type Name = keyof typeof statements
  const scanOp = (r: ScanRow): WriteOp => ['scan', sqliteScanParams(r), ['hours', [r.checkpointId, hourOf(r.scannedAt)]]]
  const securityOp = (r: SecurityRow): WriteOp => ['security', rowParams(SECURITY_KEYS, r)]
  const ops = (scans: ScanRow[], security: SecurityRow[]): WriteOp[] => [...scans.map(scanOp), ...security.map(securityOp)]
  const opOf = (w: ScanWrite): WriteOp => (w.kind === 'scan' ? scanOp(w.row) : securityOp(w.row))

  // A file: the scan thread reads and writes. In memory there is no second connection: the main one does both.
  let reads: (list: ReadOp[]) => Promise<unknown[]>
  let writeOps: (list: WriteOp[]) => Promise<Array<number | Error>>
  let close: ScanQueries['close'] = async () => {}
  let ready: ScanQueries['ready'] = async () => {}
  let signed: ReturnType<typeof createSqliteThread>['writeIfSigned'] | undefined
  if (client.memory) {
    const prepared = new Map(Object.entries(statements).map(([name, text]) => [name, client.prepare(text)]))
    const stmt = (name: string): Statement => prepared.get(name) as Statement
    // The same statements returning arrays ('values'), prepared when first asked for, as the scan thread does.
    const raw = new Map<string, Statement>()
    const rawStmt = (name: string): Statement => {
      let s = raw.get(name)
      if (s === undefined) { s = client.prepare(stmt(name).source).raw(true); raw.set(name, s) }
      return s
    }
    reads = async (list) => list.map(([name, p, mode]) => (mode === 'get' ? stmt(name).get(p) : mode === 'all' ? stmt(name).all(p) : rawStmt(name).all(p)))
    // The scan thread's tallies (sqlite-thread-worker.mjs runAll), on this connection.
    writeOps = async (list) => store.tx(async () => {
      const tallies = new Map<string, [string, unknown[], number]>()
      const results = list.map(([name, p, tally]) => {
        const changes = stmt(name).run(p).changes
        if (changes > 0 && tally !== undefined) {
          const k = `${tally[0]}\u0000${tally[1].join('\u0000')}`
          const seen = tallies.get(k)
          if (seen === undefined) tallies.set(k, [tally[0], tally[1], 1]); else seen[2]++
        }
        return changes
      })
      for (const [name, key, n] of tallies.values()) stmt(name).run([...key, n])
      return results
    })
  } else {
    const onGroup = options.groupTimer?.()
    const thread = createSqliteThread(client.name, statements, {
      busyWaitMs: store.lockTimeoutMs,
      ...(options.commitIntervalMs !== undefined ? { commitIntervalMs: options.commitIntervalMs } : {}),
      ...(onGroup !== undefined ? { onGroup } : {})
    })
    reads = thread.read
    writeOps = thread.write
    signed = thread.writeIfSigned
    close = thread.close
    ready = async () => { await thread.ready }
  }
  const one = async <R>(name: Name, p: unknown[]): Promise<R> => (await reads([[name, p, 'get']]))[0] as R
  // One process owns a SQLite file, and every write of people and status entries goes through its store.tx: what a
  // scan is judged by can be kept in memory and dropped when it changes. Scans reach the cache through write below.
  const cache = createScanCache(options.cachedPeople)
  const counted = options.cacheCounter?.(() => cache.size)
  const stopListening = store.onChanged((_table, personId) => { cache.forget(personId) })

  const writeIfSigned = signed === undefined
    ? undefined
    : async (check: SignatureCheck, ifValid: ScanWrite): Promise<{ valid: boolean, inserted: boolean }> => {
      const { valid, results } = await signed({ ...check, ifValid: [opOf(ifValid)], ifNot: [] })
      if (!valid) return { valid, inserted: false }
      const result = results[0]
      if (result instanceof Error) throw result
      const inserted = result === 1
      if (inserted && ifValid.kind === 'scan') cache.sighted(ifValid.row)
      return { valid, inserted }
    }

  return {
    ...(writeIfSigned !== undefined ? { writeIfSigned } : {}),
    person: async (id) => one<PersonBrief | undefined>('person', [id]),
    lookup: async (personId, at) => {
      const hit = cache.answer(personId, at)
      counted?.(hit !== undefined)
      if (hit !== undefined) return hit
      const seen = cache.generation()
      // In memory the reads run on the one connection at this call: inside another request's open transaction they
      // see its rows, which a rollback (telling no change) would leave in memory.
      const open = client.memory && client.inTransaction
      const [person, entries, before, after] = await reads([
        ['person', [personId], 'values'], ['entries', [personId], 'values'], ['before', [personId, at], 'values'], ['after', [personId, at], 'values']
      ]) as [Row[], Row[], Row[], Row[]]
      const p = person[0]
      const answer = {
        person: p === undefined ? undefined : { id: p[0] as string, nameEnc: p[1] as string | null, createdAt: p[2] as number },
        entries: entries.map(entryOf),
        around: [...before, ...after].map(sightingOf).filter((r) => Math.abs(r.scannedAt - at) <= SIGHTING_WINDOW_MS)
      }
      // Kept only when nothing this read may have missed happened meanwhile (no change told since it was asked for, no
      // transaction open on an in-memory database's one connection, whose reads see uncommitted rows), and when its
      // sightings are all the person's from some moment on: the nearest before `at` and every one after it.
      if (answer.person !== undefined && after.length < NEIGHBOURS && !open) {
        // Fewer than NEIGHBOURS before: all there are. Otherwise every sighting after the oldest of them (ties with it dropped).
        const oldest = before.length < NEIGHBOURS ? -Infinity : (before[before.length - 1] as Row)[1] as number
        const kept = [...before.reverse(), ...after].filter((r) => (r[1] as number) > oldest).map((r) => ({ ...sightingOf(r), id: r[3] as string }))
        cache.keep(seen, answer.person, answer.entries, oldest, kept)
      }
      return answer
    },
    scanById: async (id) => {
      const row = await one<Record<string, unknown> | undefined>('scanById', [id])
      return row === undefined ? undefined : { ...row, offline: row.offline === 1 } as StoredScan
    },
    securityById: async (id) => one<StoredSecurity | undefined>('securityById', [id]),
    write: async (scans, security) => {
      const results = await writeOps(ops(scans, security))
      const out: WriteOutcome = new Map()
      ;[...scans, ...security].forEach((r, i) => { const x = results[i] as number | Error; out.set(r.id, x instanceof Error ? x : x === 1) })
      for (const r of scans) if (out.get(r.id) === true) cache.sighted(r)
      return out
    },
    close: async () => { stopListening(); cache.clear(); await close() },
    ready
  }
}

interface KeptSighting extends Sighting { id: string }
interface Kept {
  person: PersonBrief
  entries: EntryBrief[]
  /** Every sighting of the person after this moment is in `sightings` (by scannedAt, then id). */
  from: number
  sightings: KeptSighting[]
}

/**
 * A SQLite service's memory of what scans are judged by: per person their brief, status entries and recent sightings.
 * Consistency: a change told by store.changed (after its commit) drops the person and moves the generation on, and a
 * read asked for before it is not kept; a scan written is added once its commit is reported. The scan thread answers
 * reads and writes in the order it ran them, so a read that ran before a write is kept before the write adds its
 * scan, and one that ran after it already holds that scan (added once: by id).
 */
export function createScanCache (maxPeople = CACHED_PEOPLE_MAX) {
  const kept = new Map<string, Kept>()
  let generation = 0
  // A service has a few thousand checkpoints at most, and every kept sighting names one: one string each, not one
  // per sighting (a fifth of a sighting's memory). Started again past INTERNED_MAX.
  const checkpointIds = new Map<string, string>()
  const intern = (id: string): string => {
    const known = checkpointIds.get(id)
    if (known !== undefined) return known
    if (checkpointIds.size >= INTERNED_MAX) checkpointIds.clear()
    checkpointIds.set(id, id)
    return id
  }
  const brief = (s: KeptSighting): Sighting => ({ checkpointId: s.checkpointId, scannedAt: s.scannedAt, jti: s.jti })
  const forget = (personId: string | null): void => {
    generation++
    if (personId === null) kept.clear(); else kept.delete(personId)
  }
  return {
    generation: (): number => generation,
    /**
     * lookup's answer from memory: when the person is kept and their kept sightings hold the NEIGHBOURS nearest
     * before `at` (or all of the window before it) and every one after it.
     */
    answer (personId: string, at: number): { person: PersonBrief, entries: EntryBrief[], around: Sighting[] } | undefined {
      const k = kept.get(personId)
      if (k === undefined || at <= k.from) return undefined
      const list = k.sightings
      let i = list.length
      while (i > 0 && (list[i - 1] as KeptSighting).scannedAt > at) i--
      if (i < NEIGHBOURS && k.from >= at - SIGHTING_WINDOW_MS) return undefined
      const around: Sighting[] = []
      for (let j = i - 1; j >= 0 && j >= i - NEIGHBOURS; j--) {
        const s = list[j] as KeptSighting
        if (at - s.scannedAt <= SIGHTING_WINDOW_MS) around.push(brief(s))
      }
      for (let j = i; j < list.length && j < i + NEIGHBOURS; j++) {
        const s = list[j] as KeptSighting
        if (s.scannedAt - at <= SIGHTING_WINDOW_MS) around.push(brief(s))
      }
      return { person: k.person, entries: k.entries, around }
    },
    /**
     * Keeps what a read found, unless a change was told since `seen` (the generation when it was asked for).
     * `sightings` (by scannedAt, then id) must be every sighting of the person after `from`.
     */
    keep (seen: number, person: PersonBrief, entries: EntryBrief[], from: number, sightings: KeptSighting[]): void {
      if (seen !== generation || maxPeople === 0) return
      if (!kept.has(person.id) && kept.size >= maxPeople) kept.delete(kept.keys().next().value as string)
      for (const s of sightings) s.checkpointId = intern(s.checkpointId)
      kept.set(person.id, { person, entries, from, sightings })
    },
    /** A scan committed: added to its person's sightings when they are kept and reach back to it. */
    sighted (row: { id: string, personId: string, checkpointId: string, scannedAt: number, jti?: string | null }): void {
      const k = kept.get(row.personId)
      if (k === undefined || row.scannedAt <= k.from) return
      const list = k.sightings
      let i = list.length
      while (i > 0 && ((list[i - 1] as KeptSighting).scannedAt > row.scannedAt || ((list[i - 1] as KeptSighting).scannedAt === row.scannedAt && (list[i - 1] as KeptSighting).id > row.id))) i--
      if (i > 0 && (list[i - 1] as KeptSighting).id === row.id) return
      list.splice(i, 0, { id: row.id, checkpointId: intern(row.checkpointId), scannedAt: row.scannedAt, jti: row.jti ?? null })
      if (list.length > KEPT_SIGHTINGS) {
        // The oldest go; the list then holds every sighting after the last one dropped (and none at its moment).
        const dropped = list.splice(0, list.length - KEPT_SIGHTINGS)
        k.from = (dropped[dropped.length - 1] as KeptSighting).scannedAt
        while (list.length > 0 && (list[0] as KeptSighting).scannedAt <= k.from) list.shift()
      }
    },
    /** A person's rows changed (null: anyone's). */
    forget,
    clear (): void { forget(null) },
    get size (): number { return kept.size }
  }
}

const PG_SCAN_TYPES: Record<(typeof SCAN_COLUMNS)[number], string> = {
  id: 'text', person_id: 'text', checkpoint_id: 'text', actor_id: 'text', source: 'text', kind: 'text', scanned_at: 'bigint', received_at: 'bigint',
  direction: 'text', plate: 'text', color: 'text', decision: 'text', reason: 'text', jti: 'text', offline: 'boolean', request_hash: 'text', flags: 'text'
}
const PG_SECURITY_TYPES: Record<(typeof SECURITY_COLUMNS)[number], string> = {
  id: 'text', at: 'bigint', checkpoint_id: 'text', actor_id: 'text', source: 'text', reason: 'text', request_hash: 'text', token_hash: 'text', token_length: 'integer'
}
/**
 * The scans' reads on PostgreSQL, those of one event-loop turn in one statement (pg-batch.ts): $1 the people, $2 the
 * scan times; per position `i` of a known person the person, their entries and their sightings around that time.
 */
const PG_LOOKUP = `SELECT q.i::int AS i, p.id, p.name_enc AS "nameEnc", p.created_at AS "createdAt",
  (SELECT coalesce(json_agg(json_build_array(${ENTRY_COLUMNS.map((c) => `e.${c}`).join(', ')}) ORDER BY e.since), '[]')
     FROM status_entries e WHERE e.person_id = q.person_id) AS entries,
  (SELECT coalesce(json_agg(json_build_array(n.checkpoint_id, n.scanned_at, n.jti)), '[]') FROM (
     (SELECT checkpoint_id, scanned_at, jti FROM scans WHERE person_id = q.person_id AND scanned_at <= q.at ORDER BY scanned_at DESC LIMIT ${NEIGHBOURS})
     UNION ALL
     (SELECT checkpoint_id, scanned_at, jti FROM scans WHERE person_id = q.person_id AND scanned_at > q.at ORDER BY scanned_at LIMIT ${NEIGHBOURS})) n) AS around
  FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS q(person_id, at, i) JOIN people p ON p.id = q.person_id`
type PgLooked = Awaited<ReturnType<ScanQueries['lookup']>>

/** The scan writer's group on PostgreSQL: $1… one array per scans column, then one per security_events column. */
const PG_WRITE = (() => {
  const scanArrays = SCAN_COLUMNS.map((c, i) => `$${i + 1}::${PG_SCAN_TYPES[c]}[]`).join(', ')
  const securityArrays = SECURITY_COLUMNS.map((c, i) => `$${SCAN_COLUMNS.length + i + 1}::${PG_SECURITY_TYPES[c]}[]`).join(', ')
  const scanCols = SCAN_COLUMNS.join(', ')
  const securityCols = SECURITY_COLUMNS.join(', ')
  return `WITH s AS (SELECT * FROM unnest(${scanArrays}) AS u(${scanCols})),
  e AS (SELECT * FROM unnest(${securityArrays}) AS u(${securityCols})),
  scans_in AS (
    INSERT INTO scans (${scanCols}) SELECT ${scanCols} FROM s WHERE NOT EXISTS (SELECT 1 FROM security_events x WHERE x.id = s.id)
    ORDER BY s.person_id ON CONFLICT (id) DO NOTHING RETURNING id, checkpoint_id, scanned_at),
  security_in AS (
    INSERT INTO security_events (${securityCols}) SELECT ${securityCols} FROM e WHERE NOT EXISTS (SELECT 1 FROM scans x WHERE x.id = e.id)
    ON CONFLICT (id) DO NOTHING RETURNING id),
  hours AS (
    INSERT INTO scan_hours (checkpoint_id, hour, count)
    SELECT checkpoint_id, (scanned_at / ${HOUR_MS}) * ${HOUR_MS} AS hour, count(*) FROM scans_in GROUP BY 1, 2 ORDER BY 2, 1
    ON CONFLICT (hour, checkpoint_id) DO UPDATE SET count = scan_hours.count + excluded.count)
  SELECT id FROM scans_in UNION ALL SELECT id FROM security_in`
})()

function drizzleQueries (store: GridpassDb): ScanQueries {
  const { db, t } = store
  // The person read alone (a retry's first answer), prepared once.
  const personRead = prepareRead<PersonBrief>(store, 'gp_scan_person', db.select({ id: t.people.id, nameEnc: t.people.nameEnc, createdAt: t.people.createdAt }).from(t.people).where(eq(t.people.id, sql.placeholder('id'))).limit(1))
  const lookups = batchedPgRead<{ personId: string, at: number }, { i: number, id: string, nameEnc: string | null, createdAt: string, entries: Row[], around: Row[] }, PgLooked>(store.pg as NonNullable<GridpassDb['pg']>, {
    name: 'gp_scan_lookups',
    text: PG_LOOKUP,
    values: (args) => [args.map((a) => a.personId), args.map((a) => a.at)],
    row: (r, { at }) => ({
      person: { id: r.id, nameEnc: r.nameEnc, createdAt: Number(r.createdAt) },
      entries: r.entries.map(entryOf),
      around: r.around.map((a) => ({ checkpointId: a[0] as string, scannedAt: Number(a[1]), jti: a[2] as string | null }))
        .filter((a) => Math.abs(a.scannedAt - at) <= SIGHTING_WINDOW_MS)
    })
  })
  const q: ScanQueries = {
    person: async (id) => (await personRead({ id }))[0],
    scanById: async (id) => (await db.select().from(t.scans).where(eq(t.scans.id, id)).limit(1))[0],
    securityById: async (id) => (await db.select().from(t.securityEvents).where(eq(t.securityEvents.id, id)).limit(1))[0],
    // The lookups of one turn in one round trip (a row per known person): the person, their entries and sightings as JSON.
    lookup: async (personId, at) => (await lookups({ personId, at })) ?? { person: undefined, entries: [], around: [] },
    close: async () => {},
    ready: async () => {},
    // One statement, so one transaction and one round trip, prepared once (named): the rows travel as one array per
    // column (unnest), whatever their number. Scans go in by person: the stays trigger (migration 0005) takes each
    // person's advisory lock in the order of the rows, so two groups that share people take them in the same order and
    // never deadlock. scan_hours is counted from the scans actually written and upserted after all of them (its
    // aggregate waits for every insert), in key order (two commits that share rows take their locks in the same order).
    write: async (scans, security) => {
      const pool = store.pg as NonNullable<GridpassDb['pg']>
      const values = [
        ...SCAN_KEYS.map((c) => scans.map((r) => r[c] ?? null)),
        ...SECURITY_KEYS.map((c) => security.map((r) => r[c] ?? null))
      ]
      const { rows } = await pool.query<{ id: string }>({ name: 'gp_scan_write', text: PG_WRITE, values })
      const written = new Set(rows.map((r) => r.id))
      const out: WriteOutcome = new Map()
      for (const r of [...scans, ...security]) out.set(r.id, written.has(r.id))
      return out
    }
  }
  return q
}

// npm run bench:tracing -- [--db file:./data/county.db | postgres://…] [--keys ./keys] [--sample 200] [--depth2-sample N] [--max-rows N] [--seed 1] [--window 15] [--days 14]
// npm run bench:tracing -- --scale 0.01 [--db postgres://…]    seeds a fresh temporary database first (scripts/seed.ts)
//
// On a database built by scripts/seed.ts, for a deterministic sample of index people with scans in the range, measures
// the tracing service (app.tracing on an app built by buildApp, logger off) and, in the same run on the same
// connection kind, straightforward hand-written prepared SQL answering the same questions:
//   - trail of the last --days days;
//   - contacts, depth 1 and depth 2, window --window minutes.
// Depth 1 has two hand-written statements: one of the same definition, stays included (scans.stay_start), whose people
// and first encounters must equal the service's (a warning says otherwise), and a points-only one (|Δt| ≤ window at
// the same checkpoint, grouped by person), the simplest question on this data. Depth 2's is points-only (from each
// depth-1 contact's scans at or after its first encounter), so its result sizes are close to, not equal to, the
// service's. All sizes are printed.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { sql } from '../src/db/index.ts'
import { MAX_STAY_MS } from '../src/db/stays.ts'

const { values: args } = parseArgs({
  options: {
    db: { type: 'string' },
    keys: { type: 'string' },
    scale: { type: 'string' },
    seed: { type: 'string', default: '1' },
    sample: { type: 'string', default: '200' },
    // Depth 2 for only the first N of the sample (0: not at all). At the county's density one depth-2 call runs for
    // minutes, so a county run measures trail and depth 1 on the whole sample and depth 2 on a few or none.
    'depth2-sample': { type: 'string' },
    // GRIDPASS_TRACING_MAX_ROWS for the measured service (default: the service's own default).
    'max-rows': { type: 'string' },
    window: { type: 'string', default: '15' },
    days: { type: 'string', default: '14' },
    keep: { type: 'boolean', default: false }
  }
})
const SAMPLE = Number(args.sample)
const DEPTH2_SAMPLE = args['depth2-sample'] === undefined ? SAMPLE : Number(args['depth2-sample'])
const WINDOW_MIN = Number(args.window)
const DAYS = Number(args.days)
const DAY = 86_400_000
const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

// ---------------------------------------------------------------------------------------------------------------
// The database: an existing one, or a fresh temporary one seeded by scripts/seed.ts (--scale).
// ---------------------------------------------------------------------------------------------------------------
let databaseUrl = args.db ?? 'file:./data/county.db'
let keysDir = args.keys ?? './keys'
let tmp: string | null = null
let pgDatabase: { admin: string, name: string } | null = null
async function cleanup (): Promise<void> {
  if (pgDatabase !== null) {
    const c = new pg.Client({ connectionString: pgDatabase.admin })
    await c.connect()
    await c.query(`DROP DATABASE IF EXISTS ${pgDatabase.name} WITH (FORCE)`)
    await c.end()
  }
  if (tmp !== null && !args.keep) rmSync(tmp, { recursive: true, force: true })
}

if (args.scale !== undefined) {
  tmp = mkdtempSync(join(tmpdir(), 'gridpass-bench-tracing-'))
  keysDir = join(tmp, 'keys')
  if (args.db === undefined || args.db.startsWith('file:')) {
    databaseUrl = `file:${join(tmp, 'county.db')}`
  } else {
    // A fresh database on the given server, dropped at the end.
    const name = `gridpass_bench_tracing_${Date.now().toString(36)}`
    const c = new pg.Client({ connectionString: args.db })
    await c.connect()
    await c.query(`CREATE DATABASE ${name}`)
    await c.end()
    pgDatabase = { admin: args.db, name }
    const u = new URL(args.db)
    u.pathname = `/${name}`
    databaseUrl = u.toString()
  }
  const seeded = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/seed.ts', '--seed', String(args.seed), '--scale', args.scale, '--db', databaseUrl, '--keys', keysDir], { stdio: 'inherit' })
  if (seeded.status !== 0) {
    await cleanup()
    throw new Error(`scripts/seed.ts failed (exit ${seeded.status})`)
  }
}

/** mulberry32: the sample is deterministic for a --seed. */
function rng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

function quantile (xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN
}
const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length)

// ---------------------------------------------------------------------------------------------------------------
// Hand-written SQL (named parameters @x; PostgreSQL gets $n).
// ---------------------------------------------------------------------------------------------------------------
const TRAIL_SQL = `SELECT s.id, s.checkpoint_id, c.name, s.scanned_at, s.direction, s.color, s.decision, s.plate
  FROM scans s JOIN checkpoints c ON c.id = s.checkpoint_id
  WHERE s.person_id = @person AND s.scanned_at BETWEEN @from AND @to ORDER BY s.scanned_at, s.id`
const DEPTH1 = `SELECT o.person_id AS person_id, min(o.scanned_at) AS first_at, count(*) AS encounters
  FROM scans i JOIN scans o ON o.checkpoint_id = i.checkpoint_id AND o.scanned_at BETWEEN i.scanned_at - @w AND i.scanned_at + @w
  WHERE i.person_id = @person AND i.scanned_at BETWEEN @from AND @to AND o.scanned_at BETWEEN @from AND @to AND o.person_id <> @person
  GROUP BY o.person_id`
const DEPTH1_SQL = `SELECT 1 AS depth, person_id, first_at, encounters FROM (${DEPTH1}) d1`
// Depth 1 by the definition of docs/tracing.md, stays included, written by hand on the same columns and indexes the
// service has (scans.stay_start, kept by the database: an "out"'s stay start). The index person's presences (an "in"
// whose "out" is in range is no point of its own); then the people with a scan within the window of one of them
// (any such scan means a presence at most a window away; its start is the stay's start for an "out" that ends a
// stay), and the people whose stay spans that whole window (an "out" after it whose stay began before it).
// first_at is the earliest start of a meeting presence, the service's firstEncounterAt; the people must be the same.
const DEPTH1_STAYS_SQL = `WITH mine AS MATERIALIZED (
    SELECT checkpoint_id AS cp, scanned_at AS t, direction AS d, stay_start AS ss FROM scans
    WHERE person_id = @person AND scanned_at BETWEEN @from AND @to),
  ip AS MATERIALIZED (
    SELECT cp, ss AS s, t AS e FROM mine WHERE d = 'out' AND ss >= @from
    UNION ALL
    SELECT cp, t, t FROM mine m WHERE NOT (coalesce(d, '') = 'out' AND coalesce(ss, -1) >= @from)
      AND NOT (coalesce(d, '') = 'in' AND EXISTS (SELECT 1 FROM mine n WHERE n.cp = m.cp AND n.d = 'out' AND n.ss = m.t))),
  near AS (
    SELECT o.person_id AS p, CASE WHEN o.direction = 'out' AND o.stay_start >= @from THEN o.stay_start ELSE o.scanned_at END AS s
    FROM ip JOIN scans o ON o.checkpoint_id = ip.cp AND o.scanned_at BETWEEN ip.s - @w AND ip.e + @w
    WHERE o.scanned_at BETWEEN @from AND @to AND o.person_id <> @person
    UNION ALL
    SELECT o.person_id, o.stay_start
    FROM ip CROSS JOIN scans o
    WHERE o.checkpoint_id = ip.cp AND o.stay_start IS NOT NULL AND o.stay_start > ip.e + @w - ${MAX_STAY_MS} AND o.stay_start < ip.s - @w
      AND o.stay_start >= @from AND o.scanned_at > ip.e + @w AND o.scanned_at <= @to AND o.person_id <> @person)
  SELECT 1 AS depth, p AS person_id, min(s) AS first_at, count(*) AS encounters FROM near GROUP BY p`
// Depth 2: everyone else with a scan at most a window from a scan of a depth-1 contact made at or after that
// contact's first encounter. Written as EXISTS (each scan in the range probes its checkpoint's window once) rather
// than as pairs: the pairs of a county's busy gates run into the tens of millions per index person.
const DEPTH2_SQL = `WITH d1 AS MATERIALIZED (${DEPTH1}),
  d2 AS (SELECT o.person_id AS person_id, min(o.scanned_at) AS first_at, CAST(NULL AS bigint) AS encounters
    FROM scans o
    WHERE o.scanned_at BETWEEN @from AND @to AND o.person_id <> @person AND o.person_id NOT IN (SELECT person_id FROM d1)
      AND EXISTS (SELECT 1 FROM scans b JOIN d1 ON d1.person_id = b.person_id
        WHERE b.checkpoint_id = o.checkpoint_id AND b.scanned_at BETWEEN o.scanned_at - @w AND o.scanned_at + @w
          AND b.scanned_at >= d1.first_at AND b.scanned_at <= @to)
    GROUP BY o.person_id)
  SELECT 1 AS depth, person_id, first_at, encounters FROM d1 UNION ALL SELECT 2, person_id, first_at, encounters FROM d2`

interface Params { person: string, from: number, to: number, w: number }
type Run = (p: Params) => Promise<unknown[]>

const app = await buildApp({
  ...loadConfig({}),
  databaseUrl,
  keysDir,
  logger: false,
  maxEventLoopDelayMs: 0,
  // Nothing of the seeded 28 days may be purged while measuring (the retention purge starts when the app is ready).
  retentionDays: 3650,
  ...(args['max-rows'] === undefined ? {} : { tracingMaxRows: Number(args['max-rows']) })
})
let pgClient: pg.Client | null = null
try {
  await app.ready()
  const tracing = app.tracing
  const { store } = app
  const dialect = store.dialect

  let nPrepared = 0
  const prepare = async (text: string): Promise<Run> => {
    if (store.sqlite !== undefined) {
      // The service's own connection (its page cache), as the service's prepared statements use it.
      const st = store.sqlite.prepare(text)
      return async (p) => st.all(p)
    }
    if (pgClient === null) {
      pgClient = new pg.Client({ connectionString: databaseUrl })
      await pgClient.connect()
    }
    const client = pgClient
    const names: string[] = []
    const positional = text.replace(/@(\w+)/g, (_, n: string) => {
      if (!names.includes(n)) names.push(n)
      return `$${names.indexOf(n) + 1}`
    })
    const name = `bench_tracing_${++nPrepared}`
    return async (p) => (await client.query({ name, text: positional, values: names.map((n) => p[n as keyof Params]) })).rows
  }
  const sqlTrail = await prepare(TRAIL_SQL)
  const sqlDepth1 = await prepare(DEPTH1_SQL)
  const sqlDepth1Stays = await prepare(DEPTH1_STAYS_SQL)
  const sqlDepth2 = await prepare(DEPTH2_SQL)

  // The range ends at the newest scan (a database seeded earlier has no scans after its --end).
  const [range] = await store.rows<{ to: number | string | null, people: number | string, scans: number | string }>(store.db,
    sql`SELECT max(scanned_at) AS "to", (SELECT count(*) FROM people) AS people, (SELECT count(*) FROM scans) AS scans FROM scans`)
  if (range === undefined || range.to === null) throw new Error(`no scans in ${databaseUrl}: seed it first (npm run seed)`)
  const to = Number(range.to)
  const from = to - DAYS * DAY
  const w = WINDOW_MIN * 60_000

  // A deterministic sample: people in id order, shuffled by --seed, kept when they have scans in the range.
  const ids = (await store.rows<{ id: string }>(store.db, sql`SELECT id FROM people ORDER BY id`)).map((r) => r.id)
  const random = rng(Number(args.seed))
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[ids[i], ids[j]] = [ids[j] as string, ids[i] as string]
  }
  const sample: string[] = []
  for (const id of ids) {
    if (sample.length === SAMPLE) break
    const [has] = await store.rows(store.db, sql`SELECT 1 AS x FROM scans WHERE person_id = ${id} AND scanned_at BETWEEN ${from} AND ${to} LIMIT 1`)
    if (has !== undefined) sample.push(id)
  }

  console.log(`\ngridpass tracing benchmark — ${new Date().toISOString()}`)
  console.log(`  machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
  console.log(`  database: ${databaseUrl.startsWith('file:') ? databaseUrl : 'PostgreSQL ' + databaseUrl.replace(/\/\/[^@]*@/, '//')}: ${fmt(Number(range.people))} people, ${fmt(Number(range.scans))} scans`)
  console.log(`  range: ${DAYS} days ending ${new Date(to).toISOString()}, window ${WINDOW_MIN} min, sample ${sample.length} index people (seed ${args.seed})`)

  interface Series { ms: number[], size: number[] }
  const series = (): Series => ({ ms: [], size: [] })
  const m = {
    trail: { service: series(), sql: series() },
    depth1: { service: series(), sql: series() },
    depth1Stays: { service: series(), sql: series() },
    depth2: { service: series(), sql: series() }
  }
  const timed = async (s: Series, fn: () => Promise<number>): Promise<void> => {
    const t0 = performance.now()
    const size = await fn()
    s.ms.push(performance.now() - t0)
    s.size.push(size)
  }
  let trailMismatch = 0
  let depth1Mismatch = 0
  const one = async (person: string, record: boolean, serviceFirst: boolean, withDepth2: boolean): Promise<void> => {
    const p: Params = { person, from, to, w }
    const scratch = { service: series(), sql: series() }
    const pick = (k: keyof typeof m): typeof scratch => record ? m[k] : scratch
    let serviceFirst1 = new Map<string, number>()
    let sqlFirst1 = new Map<string, number>()
    const all: Array<[() => Promise<void>, () => Promise<void>]> = [
      [() => timed(pick('trail').service, async () => (await tracing.trail(person, from, to)).length),
        () => timed(pick('trail').sql, async () => (await sqlTrail(p)).length)],
      [async () => {
        // One service call, compared with both yardsticks.
        await timed(pick('depth1').service, async () => {
          const contacts = await tracing.contacts(person, { from, to, windowMinutes: WINDOW_MIN, depth: 1 })
          serviceFirst1 = new Map(contacts.map((c) => [c.personId, c.firstEncounterAt]))
          return contacts.length
        })
        const last = pick('depth1').service
        pick('depth1Stays').service.ms.push(last.ms.at(-1) as number)
        pick('depth1Stays').service.size.push(last.size.at(-1) as number)
      }, async () => {
        await timed(pick('depth1').sql, async () => (await sqlDepth1(p)).length)
        await timed(pick('depth1Stays').sql, async () => {
          const rows = await sqlDepth1Stays(p) as Array<{ person_id: string, first_at: number | string }>
          sqlFirst1 = new Map(rows.map((r) => [r.person_id, Number(r.first_at)]))
          return rows.length
        })
      }],
      [() => timed(pick('depth2').service, async () => {
        try {
          return (await tracing.contacts(person, { from, to, windowMinutes: WINDOW_MIN, depth: 2 })).length
        } catch (err) {
          if ((err as { code?: string }).code !== 'GP_TRACE_TOO_LARGE') throw err
          return -1 // refused: more than GRIDPASS_TRACING_MAX_ROWS
        }
      }),
        () => timed(pick('depth2').sql, async () => (await sqlDepth2(p)).length)]
    ]
    const pairs = all.slice(0, withDepth2 ? 3 : 2)
    // Alternate who goes first, so neither always finds the pages the other just read.
    for (const [service, hand] of pairs) {
      if (serviceFirst) { await service(); await hand() } else { await hand(); await service() }
    }
    if (record && m.trail.service.size.at(-1) !== m.trail.sql.size.at(-1)) trailMismatch++
    // The stay-aware SQL answers the same question: the same people, each with the same first encounter.
    if (record && (serviceFirst1.size !== sqlFirst1.size || [...serviceFirst1].some(([id, at]) => sqlFirst1.get(id) !== at))) depth1Mismatch++
  }

  // Warm-up (JIT, statement caches, page cache): five people, not measured.
  for (const person of sample.slice(0, 5)) await one(person, false, true, DEPTH2_SAMPLE > 0)
  const started = performance.now()
  for (let i = 0; i < sample.length; i++) {
    await one(sample[i] as string, true, i % 2 === 0, i < DEPTH2_SAMPLE)
    if ((i + 1) % 5 === 0) process.stderr.write(`  ${i + 1}/${sample.length} index people, ${fmt((performance.now() - started) / 1000, 1)} s\n`)
  }

  const verdict = (ok: boolean): string => ok ? 'met' : 'MISSED'
  const row = (cells: string[]): string => `| ${cells.join(' | ')} |`
  const lat = (s: Series): string => s.ms.length === 0 ? 'not measured' : `${fmt(quantile(s.ms, 0.5), 1)} / ${fmt(quantile(s.ms, 0.95), 1)} / ${fmt(Math.max(...s.ms), 1)}`
  const ratio = (k: keyof typeof m, q: number): number => quantile(m[k].service.ms, q) / quantile(m[k].sql.ms, q)
  const refused = m.depth2.service.size.filter((n) => n < 0).length
  const answered = m.depth2.service.size.filter((n) => n >= 0)
  const lines = [
    row(['question', 'service p50 / p95 / max ms', 'hand-written SQL p50 / p95 / max ms', 'service ÷ SQL (p50, p95)', 'mean result size: service, SQL', 'target', '']),
    row(['---', '---:', '---:', '---:', '---:', '---', '---']),
    row([`trail, ${DAYS} days`, lat(m.trail.service), lat(m.trail.sql), `**${fmt(ratio('trail', 0.5), 2)}**, ${fmt(ratio('trail', 0.95), 2)}`, `${fmt(mean(m.trail.service.size), 1)}, ${fmt(mean(m.trail.sql.size), 1)} scans`, 'ratio (p50) ≤ 1.5', verdict(ratio('trail', 0.5) <= 1.5)]),
    row([`contacts depth 1, ${WINDOW_MIN} min — against SQL of the same definition (stays included)`, `${lat(m.depth1Stays.service).replace(/ \/ ([^/]+) \/ /, ' / **$1** / ')}`, lat(m.depth1Stays.sql), `**${fmt(ratio('depth1Stays', 0.5), 2)}**, ${fmt(ratio('depth1Stays', 0.95), 2)}`, `${fmt(mean(m.depth1Stays.service.size), 1)}, ${fmt(mean(m.depth1Stays.sql.size), 1)} people`, 'ratio (p50) ≤ 1.5; p95 ≤ 50 ms', verdict(ratio('depth1Stays', 0.5) <= 1.5 && quantile(m.depth1.service.ms, 0.95) <= 50)]),
    row([`… the same calls against points-only SQL (a simpler question: stays not paired)`, `${lat(m.depth1.service)}`, lat(m.depth1.sql), `${fmt(ratio('depth1', 0.5), 2)}, ${fmt(ratio('depth1', 0.95), 2)}`, `${fmt(mean(m.depth1.service.size), 1)}, ${fmt(mean(m.depth1.sql.size), 1)} people`, '(a floor, not the target)', '']),
    row([`contacts depth 2, ${WINDOW_MIN} min (${m.depth2.service.ms.length} index people${refused > 0 ? `; ${refused} refused with GP_TRACE_TOO_LARGE` : ''})`, `${lat(m.depth2.service).replace(/ \/ ([^/]+) \/ /, ' / **$1** / ')}`, lat(m.depth2.sql), m.depth2.service.ms.length === 0 ? '—' : `${fmt(ratio('depth2', 0.5), 2)}, ${fmt(ratio('depth2', 0.95), 2)}`, m.depth2.service.ms.length === 0 ? '—' : `${answered.length === 0 ? '—' : fmt(mean(answered), 1)}, ${fmt(mean(m.depth2.sql.size), 1)} people (depth 1 + 2)`, 'p95 ≤ 1000 ms', m.depth2.service.ms.length === 0 ? 'not measured' : verdict(quantile(m.depth2.service.ms, 0.95) <= 1000 && refused === 0)])
  ]
  console.log('\n' + lines.join('\n'))
  console.log(`\n  ${sample.length} index people, ${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}; the service and the SQL alternate who goes first; load average now ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
  console.log('  Depth 1 is compared with two hand-written statements: one of the same definition (docs/tracing.md: stays')
  console.log('  included, from scans.stay_start), which must find the same people with the same first encounters, and, as a floor,')
  console.log('  one that pairs scans as points only (|Δt| ≤ window at the same checkpoint), which finds fewer people. Depth 2\'s')
  console.log('  hand-written SQL is points-only too.')
  if (depth1Mismatch > 0) console.log(`  WARNING: for ${depth1Mismatch} index people the stay-aware SQL found other people or other first encounters than the service`)
  if (refused > 0) console.log(`  Depth 2 was refused for ${refused} index people: more than GRIDPASS_TRACING_MAX_ROWS (${fmt(app.config.tracingMaxRows)}) presences and encounters; their times are the time to refuse.`)
  if (trailMismatch > 0) console.log(`  WARNING: the trail sizes differ for ${trailMismatch} index people`)
} finally {
  await app.close()
  if (pgClient !== null) await (pgClient as pg.Client).end()
  await cleanup()
}

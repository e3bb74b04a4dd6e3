// npm run bench:tracing -- [--db file:./data/county.db | postgres://…] [--keys ./keys] [--sample 100] [--depth2-sample N] [--check N] [--max-rows N] [--seed 1] [--window 15] [--days 14] [--cpu-prof]
// npm run bench:tracing -- --scale 0.01 [--db postgres://…]    seeds a fresh temporary database first (scripts/seed.ts)
//
// On a database built by scripts/seed.ts, for a deterministic sample of index people with scans in the range (the
// --days days ending at the newest scan, window --window minutes), measures the tracing service (app.tracing on an app
// built by buildApp, logger off; no HTTP, no audit) and, in the same run on the same database, hand-written SQL of the
// same definitions (scripts/lib/tracing-sql.ts: one statement per question, tiers and scores computed by the
// database), the two alternating who goes first:
//   - default: contactsPage, depth 1, tiers close,exposure, the first page of 100 with totals;
//   - companions: the same with tiers close,exposure,companion;
//   - depth 2: contactsPage depth 2, tiers close,exposure, the first page of 100;
//   - exposure sites; the trail.
// Checks (untimed, for the first --check index people): the default page's people in order and its totals equal the
// SQL's; per tier the set of depth-1 people equals the SQL's (and their scores); the depth-2 people; the sites and
// their headcounts; the trail's size. A WARNING line counts every difference.
// --cpu-prof: afterwards, each service question again for --prof-sample (10) index people under V8's profiler, with
// the functions taking the most self time.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { sql } from '../src/db/index.ts'
import { profileClock, topSelfTime } from './lib/cpu-profile.ts'
import { TRAIL_SQL, depthOneSql, depthTwoSql, sitesSql } from './lib/tracing-sql.ts'

const { values: args } = parseArgs({
  options: {
    db: { type: 'string' },
    keys: { type: 'string' },
    scale: { type: 'string' },
    seed: { type: 'string', default: '1' },
    sample: { type: 'string', default: '100' },
    // Depth 2 for only the first N of the sample (0: not at all).
    'depth2-sample': { type: 'string' },
    // The checks against the SQL for the first N of the sample (default: all).
    check: { type: 'string' },
    // GRIDPASS_TRACING_MAX_ROWS for the measured service (default: the service's own default).
    'max-rows': { type: 'string' },
    window: { type: 'string', default: '15' },
    days: { type: 'string', default: '14' },
    keep: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    'prof-sample': { type: 'string', default: '10' }
  }
})
const SAMPLE = Number(args.sample)
const DEPTH2_SAMPLE = args['depth2-sample'] === undefined ? SAMPLE : Number(args['depth2-sample'])
const CHECK = args.check === undefined ? SAMPLE : Number(args.check)
const WINDOW_MIN = Number(args.window)
const DAYS = Number(args.days)
const DAY = 86_400_000
const PAGE = 100
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
// The service as the benchmark calls it (src/modules/tracing/tracing.service.ts).
// ---------------------------------------------------------------------------------------------------------------
type Tier = 'close' | 'exposure' | 'companion'
const TIERS: Tier[] = ['close', 'exposure', 'companion']
interface ContactOut { personId: string, tier: Tier, depth: 1 | 2, score: number, firstEncounterAt: number }
type Totals = Record<Tier, number | null>
interface Tracing {
  trail: (personId: string, from: number, to: number) => Promise<unknown[]>
  contacts: (personId: string, q: { from: number, to: number, windowMinutes: number, depth: 1 | 2, tiers: readonly Tier[] }) => Promise<{ totals: Totals, contacts: ContactOut[] }>
  contactsPage: (personId: string, q: { from: string, to: string, windowMinutes: number, depth: number, tiers: string, limit: number }) => Promise<{ totals: Totals, contacts: ContactOut[], nextCursor: string | null }>
  exposureSites: (personId: string, q: { from: string, to: string, windowMinutes: number }) => Promise<{ sites: Array<{ checkpointId: string, from: number, to: number, people: Record<Tier, number> }> }>
}
interface Row { person_id: string, tier: number | string, depth: number | string, score10: number | string, first_at: number | string, n: number | string, total0: number | string, total1: number | string, total2: number | string, depth2?: number | string }
interface SiteRow { checkpoint_id: string, lo: number | string, hi: number | string, close: number | string, exposure: number | string, companion: number | string }
interface Params { person: string, from: number, to: number, w: number, wc: number, limit: number, t0: number, t1: number, t2: number }
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
  const tracing = app.tracing as unknown as Tracing
  const { store } = app
  const dialect = store.dialect

  const prepare = async (text: string): Promise<Run> => {
    if (store.sqlite !== undefined) {
      // The service's own connection (its page cache), as the service's prepared statements use it.
      const st = store.sqlite.prepare(text)
      const used = new Set([...text.matchAll(/@(\w+)/g)].map((m) => m[1] as string))
      return async (p) => st.all(Object.fromEntries(Object.entries(p).filter(([k]) => used.has(k))))
    }
    if (pgClient === null) {
      pgClient = new pg.Client({ connectionString: databaseUrl })
      await pgClient.connect()
      // As the service's connections run (src/db: jit off).
      await pgClient.query('SET jit = off')
    }
    const client = pgClient
    const names: string[] = []
    const positional = text.replace(/@(\w+)/g, (_, n: string) => {
      if (!names.includes(n)) names.push(n)
      return `$${names.indexOf(n) + 1}::${n === 'person' ? 'text' : 'bigint'}`
    })
    // Unnamed: planned with each call's values (a named statement's generic plan for these ran for minutes).
    return async (p) => (await client.query({ text: positional, values: names.map((n) => p[n as keyof Params]) })).rows
  }
  const sqlTrail = await prepare(TRAIL_SQL)
  const sqlDepth1 = await prepare(depthOneSql(dialect))
  const sqlDepth2 = await prepare(depthTwoSql(dialect))
  const sqlSites = await prepare(sitesSql(dialect))

  // The range ends at the newest scan (a database seeded earlier has no scans after its --end).
  const [range] = await store.rows<{ to: number | string | null, people: number | string, scans: number | string }>(store.db,
    sql`SELECT max(scanned_at) AS "to", (SELECT count(*) FROM people) AS people, (SELECT count(*) FROM scans) AS scans FROM scans`)
  if (range === undefined || range.to === null) throw new Error(`no scans in ${databaseUrl}: seed it first (npm run seed)`)
  const to = Number(range.to)
  const from = to - DAYS * DAY
  const fromIso = new Date(from).toISOString()
  const toIso = new Date(to).toISOString()
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
  console.log(`  range: ${DAYS} days ending ${toIso}, window ${WINDOW_MIN} min, sample ${sample.length} index people (seed ${args.seed}), checked ${Math.min(CHECK, sample.length)}`)

  const params = (person: string, tiers: readonly Tier[], limit = PAGE): Params => ({
    person, from, to, w, wc: Math.min(w, 120_000), limit, t0: tiers.includes('close') ? 1 : 0, t1: tiers.includes('exposure') ? 1 : 0, t2: tiers.includes('companion') ? 1 : 0
  })
  const DEFAULT: Tier[] = ['close', 'exposure']

  type Q = 'default' | 'companions' | 'depth2' | 'sites' | 'trail'
  const QS: Q[] = ['default', 'companions', 'depth2', 'sites', 'trail']
  interface Series { ms: number[] }
  const m = Object.fromEntries(QS.map((q) => [q, { service: { ms: [] } as Series, sql: { ms: [] } as Series }])) as Record<Q, { service: Series, sql: Series }>
  /** Result sizes: per index person, what each answer held. */
  const sizes: Record<string, number[]> = {}
  const size = (k: string, n: number): void => { (sizes[k] ??= []).push(n) }
  const warnings: Record<string, number> = {}
  const warn = (k: string): void => { warnings[k] = (warnings[k] ?? 0) + 1 }
  let refused = 0

  const timed = async <T>(s: Series | null, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now()
    const out = await fn()
    if (s !== null) s.ms.push(performance.now() - t0)
    return out
  }
  const num = (v: number | string | undefined): number => Number(v ?? 0)
  /** The SQL's totals (on every row; none when the answer is empty). */
  const totalsOf = (rows: Row[]): number[] => rows.length === 0 ? [0, 0, 0] : [num(rows[0]?.total0), num(rows[0]?.total1), num(rows[0]?.total2)]

  /** Each question for one index person: service and SQL, in the given order; checks when `check`. */
  const one = async (person: string, record: boolean, serviceFirst: boolean, withDepth2: boolean, check: boolean): Promise<void> => {
    const pick = (q: Q): { service: Series | null, sql: Series | null } => record ? m[q] : { service: null, sql: null }
    const pair = async <A, B>(q: Q, service: () => Promise<A>, hand: () => Promise<B>): Promise<[A, B]> => {
      const s = pick(q)
      if (serviceFirst) {
        const a = await timed(s.service, service)
        return [a, await timed(s.sql, hand)]
      }
      const b = await timed(s.sql, hand)
      return [await timed(s.service, service), b]
    }
    const page = (tiers: Tier[], depth: 1 | 2) => async () => await tracing.contactsPage(person, { from: fromIso, to: toIso, windowMinutes: WINDOW_MIN, depth, tiers: tiers.join(','), limit: PAGE })

    // The default call.
    const [d, dRows] = await pair('default', page(DEFAULT, 1), async () => await sqlDepth1(params(person, DEFAULT)) as Row[])
    if (record) {
      size('default.close', d.totals.close ?? 0); size('default.exposure', d.totals.exposure ?? 0); size('default.page', d.contacts.length)
    }
    if (check) {
      const t = totalsOf(dRows)
      if ((d.totals.close ?? 0) !== (t[0] ?? 0) || (d.totals.exposure ?? 0) !== (t[1] ?? 0)) warn('default: totals differ from the SQL')
      if (d.contacts.map((c) => c.personId).join() !== dRows.map((r) => r.person_id).join()) warn('default: the first page differs from the SQL (people or order)')
    }
    // With companions.
    const [c, cRows] = await pair('companions', page(TIERS, 1), async () => await sqlDepth1(params(person, TIERS)) as Row[])
    if (record) size('companions.companion', c.totals.companion ?? 0)
    if (check) {
      const t = totalsOf(cRows)
      if (TIERS.some((tier, i) => (c.totals[tier] ?? 0) !== (t[i] ?? 0))) warn('companions: totals differ from the SQL')
      if (c.contacts.map((x) => x.personId).join() !== cRows.map((r) => r.person_id).join()) warn('companions: the first page differs from the SQL (people or order)')
      // The whole answer: the people of each tier and their scores.
      const all = await tracing.contacts(person, { from, to, windowMinutes: WINDOW_MIN, depth: 1, tiers: TIERS })
      const rows = await sqlDepth1(params(person, TIERS, 1e9)) as Row[]
      const bySql = new Map(rows.map((r) => [r.person_id, r]))
      for (const tier of TIERS) {
        const a = new Set(all.contacts.filter((x) => x.tier === tier).map((x) => x.personId))
        const b = new Set(rows.filter((r) => TIERS[num(r.tier)] === tier).map((r) => r.person_id))
        if (a.size !== b.size || [...a].some((x) => !b.has(x))) warn(`depth 1: the ${tier} people differ from the SQL`)
      }
      if (all.contacts.some((x) => { const r = bySql.get(x.personId); return r === undefined || Math.abs(num(r.score10) / 10 - x.score) > 1e-9 || num(r.first_at) !== x.firstEncounterAt })) warn('depth 1: scores or first encounters differ from the SQL')
    }
    // Depth 2.
    if (withDepth2) {
      const [d2, d2Rows] = await pair('depth2', async () => {
        try {
          return await page(DEFAULT, 2)()
        } catch (err) {
          if ((err as { code?: string }).code !== 'GP_TRACE_TOO_LARGE') throw err
          return null // refused: more than GRIDPASS_TRACING_MAX_ROWS
        }
      }, async () => await sqlDepth2(params(person, DEFAULT)) as Row[])
      if (d2 === null) { if (record) refused++ } else if (check) {
        if (d2.contacts.map((x) => x.personId).join() !== d2Rows.map((r) => r.person_id).join()) warn('depth 2: the first page differs from the SQL (people or order)')
        const all = await tracing.contacts(person, { from, to, windowMinutes: WINDOW_MIN, depth: 2, tiers: DEFAULT })
        const rows = await sqlDepth2(params(person, DEFAULT, 1e9)) as Row[]
        const a = new Set(all.contacts.filter((x) => x.depth === 2).map((x) => x.personId))
        const b = new Set(rows.filter((r) => num(r.depth) === 2).map((r) => r.person_id))
        if (a.size !== b.size || [...a].some((x) => !b.has(x))) warn('depth 2: the depth-2 people differ from the SQL')
        if (record) size('depth2.people', a.size)
      }
    }
    // Exposure sites.
    const [s, sRows] = await pair('sites', async () => await tracing.exposureSites(person, { from: fromIso, to: toIso, windowMinutes: WINDOW_MIN }), async () => await sqlSites(params(person, TIERS)) as SiteRow[])
    if (record) {
      size('sites', s.sites.length)
      size('sites.people', s.sites.reduce((n, x) => n + x.people.close + x.people.exposure + x.people.companion, 0))
    }
    if (check) {
      const key = (x: { cp: string, lo: number, hi: number, c: number, e: number, k: number }): string => `${x.cp} ${x.lo} ${x.hi} ${x.c} ${x.e} ${x.k}`
      const a = s.sites.map((x) => key({ cp: x.checkpointId, lo: x.from, hi: x.to, c: x.people.close, e: x.people.exposure, k: x.people.companion }))
      const b = sRows.map((r) => key({ cp: r.checkpoint_id, lo: num(r.lo), hi: num(r.hi), c: num(r.close), e: num(r.exposure), k: num(r.companion) }))
      if (a.join('|') !== b.join('|')) warn('exposure sites differ from the SQL')
    }
    // The trail.
    const [tr, trRows] = await pair('trail', async () => await tracing.trail(person, from, to), async () => await sqlTrail(params(person, TIERS)))
    if (record) size('trail', tr.length)
    if (check && tr.length !== trRows.length) warn('trail: sizes differ')
  }

  // Warm-up (JIT, statement caches, page cache): three people, not measured.
  for (const person of sample.slice(0, 3)) await one(person, false, true, DEPTH2_SAMPLE > 0, false)
  const started = performance.now()
  for (let i = 0; i < sample.length; i++) {
    await one(sample[i] as string, true, i % 2 === 0, i < DEPTH2_SAMPLE, i < CHECK)
    if ((i + 1) % 5 === 0) process.stderr.write(`  ${i + 1}/${sample.length} index people, ${fmt((performance.now() - started) / 1000, 1)} s\n`)
  }

  const q = (q: Q, x: number): number => quantile(m[q].service.ms, x)
  const qs = (q: Q, x: number): number => quantile(m[q].sql.ms, x)
  const lat = (s: Series): string => s.ms.length === 0 ? 'not measured' : `${fmt(quantile(s.ms, 0.5), 1)} / **${fmt(quantile(s.ms, 0.95), 1)}** / ${fmt(Math.max(...s.ms), 1)}`
  const ratio = (k: Q): string => m[k].service.ms.length === 0 ? '—' : `${fmt(q(k, 0.5) / qs(k, 0.5), 2)}, **${fmt(q(k, 0.95) / qs(k, 0.95), 2)}**`
  const avg = (k: string): string => sizes[k] === undefined ? '—' : fmt(mean(sizes[k]), 1)
  const p95 = (k: string): string => sizes[k] === undefined ? '—' : fmt(quantile(sizes[k], 0.95))
  const verdict = (ok: boolean): string => ok ? 'met' : '**MISSED**'
  const row = (cells: string[]): string => `| ${cells.join(' | ')} |`
  const lines = [
    row(['question', 'service p50 / p95 / max ms', 'SQL p50 / p95 / max ms', 'service ÷ SQL (p50, p95)', 'result sizes: mean (p95)', 'target', '']),
    row(['---', '---:', '---:', '---:', '---', '---', '---']),
    row(['default: depth 1, close + exposure, page of 100 with totals', lat(m.default.service), lat(m.default.sql), ratio('default'),
      `close ${avg('default.close')} (${p95('default.close')}), exposure ${avg('default.exposure')} (${p95('default.exposure')}); page ${avg('default.page')}`,
      'p95 ≤ 100 ms and ≤ 1.5 × SQL', verdict(q('default', 0.95) <= 100 && q('default', 0.95) <= 1.5 * qs('default', 0.95))]),
    row(['with companions: close + exposure + companion, page of 100', lat(m.companions.service), lat(m.companions.sql), ratio('companions'),
      `companion ${avg('companions.companion')} (${p95('companions.companion')})`, 'p95 ≤ 300 ms', verdict(q('companions', 0.95) <= 300)]),
    row([`depth 2, close + exposure, page of 100 (${m.depth2.service.ms.length} index people${refused > 0 ? `, ${refused} refused` : ''})`, lat(m.depth2.service), lat(m.depth2.sql), ratio('depth2'),
      `depth-2 people ${avg('depth2.people')} (${p95('depth2.people')})`, 'p95 ≤ 1,000 ms', m.depth2.service.ms.length === 0 ? 'not measured' : verdict(q('depth2', 0.95) <= 1000 && refused === 0)]),
    row(['exposure sites', lat(m.sites.service), lat(m.sites.sql), ratio('sites'), `sites ${avg('sites')} (${p95('sites')}), people at them ${avg('sites.people')}`, 'p95 ≤ 200 ms', verdict(q('sites', 0.95) <= 200)]),
    row([`trail, ${DAYS} days`, lat(m.trail.service), lat(m.trail.sql), ratio('trail'), `scans ${avg('trail')} (${p95('trail')})`, '', ''])
  ]
  console.log('\n' + lines.join('\n'))
  console.log(`\n  ${sample.length} index people, ${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}; service and SQL alternate who goes first; load average now ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
  if (refused > 0) console.log(`  Depth 2 was refused for ${refused} index people: more than GRIDPASS_TRACING_MAX_ROWS (${fmt(app.config.tracingMaxRows)}); their times are the time to refuse.`)
  const checked = Math.min(CHECK, sample.length)
  if (Object.keys(warnings).length === 0) console.log(`  Checked for ${checked} index people: the service and the SQL agree (pages, totals, people per tier, scores, depth 2, sites, trails).`)
  for (const [k, n] of Object.entries(warnings)) console.log(`  WARNING: ${k}, for ${n} of ${checked} index people`)

  if (args['cpu-prof']) {
    const session = new Session()
    session.connect()
    await session.post('Profiler.enable')
    await session.post('Profiler.setSamplingInterval', { interval: 200 })
    const people = sample.slice(0, Number(args['prof-sample']))
    const runs: Array<[string, (p: string) => Promise<unknown>]> = [
      ['default', async (p) => await tracing.contactsPage(p, { from: fromIso, to: toIso, windowMinutes: WINDOW_MIN, depth: 1, tiers: DEFAULT.join(','), limit: PAGE })],
      ['companions', async (p) => await tracing.contactsPage(p, { from: fromIso, to: toIso, windowMinutes: WINDOW_MIN, depth: 1, tiers: TIERS.join(','), limit: PAGE })],
      ['depth 2', async (p) => await tracing.contactsPage(p, { from: fromIso, to: toIso, windowMinutes: WINDOW_MIN, depth: 2, tiers: DEFAULT.join(','), limit: PAGE }).catch(() => null)],
      ['exposure sites', async (p) => await tracing.exposureSites(p, { from: fromIso, to: toIso, windowMinutes: WINDOW_MIN })]
    ]
    for (const [label, run] of runs) {
      if (label === 'depth 2' && DEPTH2_SAMPLE === 0) continue
      await session.post('Profiler.start')
      const t0 = performance.now()
      const from = profileClock()
      for (const p of people) await run(p)
      const window = { from, to: profileClock() }
      const ms = performance.now() - t0
      const { profile } = await session.post('Profiler.stop')
      const file = join(tmpdir(), `bench-tracing-${label.replace(/ /g, '-')}-${process.pid}.cpuprofile`)
      writeFileSync(file, JSON.stringify(profile))
      console.log(`\n  CPU profile, ${label}: ${people.length} calls, ${fmt(ms / people.length, 1)} ms each (profiled; ${file}); self time:`)
      // Only the calls: not the profiler's own start and stop (its `dispatch`).
      for (const f of topSelfTime(file, 14, window)) console.log(`    ${fmt(f.share * 100, 1).padStart(5)} %  ${fmt(f.ms, 0).padStart(6)} ms  ${f.fn}`)
    }
    session.disconnect()
  }
} finally {
  await app.close()
  if (pgClient !== null) await (pgClient as pg.Client).end()
  await cleanup()
}

// npm run bench:dashboard -- [--dialect sqlite|pg|both] [--runs 60] [--pg postgres://postgres@127.0.0.1:5432] [--keep]
//
// Builds a county-scale database directly (bulk inserts, no seed): 1 city, 10 streets, 300 communities, 998 grids,
// 400,000 people in 111,520 households, 1,070 checkpoints, 28 days of scan_hours (~40 scans per checkpoint and hour,
// ~29 M scans' worth) and the real scans of the hour the 24 h window starts in (the part counted exactly), 3,000
// active status entries (2,000 yellow, 1,000 red) and 20,000 run out, an open screening round with 40,000 households
// (~144,000 members, 5 % returned) and a closed one with 20,000. SQLite: a file under /tmp; PostgreSQL: the database
// bench_dashboard (created and dropped), VACUUM ANALYZE after the load (index-only scans need the visibility map).
// Then GET /v1/dashboard (the city, and a street) through app.inject, --runs times each, beside hand-written SQL of
// the same figures on the same database in the same process (the yardstick: one statement per figure, rolled up the
// same way), the two alternating who goes first. The city's figures of both must agree.
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { createDb } from '../src/db/index.ts'

const { values: args } = parseArgs({
  options: {
    dialect: { type: 'string', default: 'both' },
    runs: { type: 'string', default: '60' },
    pg: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432' },
    keep: { type: 'boolean', default: false }
  }
})
const RUNS = Number(args.runs)
const HOUR = 3_600_000
const DAY = 24 * HOUR
const N = { streets: 10, communities: 300, grids: 998, people: 400_000, households: 111_520, checkpoints: 1_070, days: 28 }
const PASSWORD = 'bench-admin-password-1'

function rng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}
const quantile = (xs: number[], q: number): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN }
const hourOf = (ms: number): number => Math.floor(ms / HOUR) * HOUR
const pad = (n: number, w: number): string => String(n).padStart(w, '0')

type Value = string | number | null
interface Loader { insert: (table: string, columns: string[], rows: Value[][]) => Promise<void>, exec: (text: string) => Promise<void>, close: () => Promise<void> }

/** How far apart the two answers' scans24h may be: the scans of the moment between them (~12 per second). */
const MAX_WINDOW_DRIFT = 50

async function loaderFor (url: string): Promise<Loader> {
  if (url.startsWith('file:')) {
    const store = await createDb(url)
    const db = store.sqlite as NonNullable<typeof store.sqlite>
    db.pragma('synchronous = OFF')
    return {
      async insert (table, columns, rows) {
        const st = db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`)
        db.transaction(() => { for (const r of rows) st.run(r) })()
      },
      async exec (text) { db.exec(text) },
      async close () { await store.close() }
    }
  }
  // Migrated by the service's own code first, then loaded through a plain client.
  const store = await createDb(url)
  await store.close()
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  return {
    async insert (table, columns, rows) {
      const per = Math.floor(60_000 / columns.length)
      for (let i = 0; i < rows.length; i += per) {
        const chunk = rows.slice(i, i + per)
        const values = chunk.map((_, r) => `(${columns.map((__, c) => `$${r * columns.length + c + 1}`).join(', ')})`).join(', ')
        await client.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values}`, chunk.flat())
      }
    },
    async exec (text) { await client.query(text) },
    async close () { await client.end() }
  }
}

/** The county, relative to `now`. */
async function load (url: string, now: number): Promise<void> {
  const started = performance.now()
  const r = rng(18)
  const L = await loaderFor(url)
  const b = (v: boolean): Value => (url.startsWith('file:') ? (v ? 1 : 0) : String(v))
  const at = now - 30 * DAY
  const areas: Value[][] = [['C', '宜都市', 'city', null, at]]
  for (let s = 0; s < N.streets; s++) areas.push([`S${pad(s, 2)}`, `街道 ${s}`, 'street', 'C', at])
  for (let m = 0; m < N.communities; m++) areas.push([`M${pad(m, 3)}`, `社区 ${m}`, 'community', `S${pad(m % N.streets, 2)}`, at])
  const grids: string[] = []
  for (let g = 0; g < N.grids; g++) { grids.push(`G${pad(g, 4)}`); areas.push([`G${pad(g, 4)}`, `网格 ${g}`, 'grid', `M${pad(g % N.communities, 3)}`, at]) }
  await L.insert('grids', ['id', 'name', 'created_at'], grids.map((g) => [g, g, at]))
  await L.insert('areas', ['id', 'name', 'level', 'parent_id', 'created_at'], areas)

  const householdGrid = (h: number): string => grids[h % N.grids] as string
  await L.insert('households', ['id', 'grid_id', 'address_enc', 'address_idx', 'phone_enc', 'created_by', 'created_at', 'updated_at'],
    Array.from({ length: N.households }, (_, h) => [`H${pad(h, 6)}`, householdGrid(h), 'sealed', `addr-${h}`, null, 'bench', at, at]))
  const householdOf = (p: number): number => Math.floor(p * N.households / N.people)
  // Rows as wide as real ones (a sealed name and ID number, their blind index): the planner weighs the table's size.
  const sealed = 'v1.' + 'x'.repeat(80)
  await L.insert('people', ['id', 'name_enc', 'id_number_enc', 'id_number_idx', 'grid_id', 'household_id', 'created_by', 'created_at', 'updated_at'],
    Array.from({ length: N.people }, (_, p) => [`P${pad(p, 7)}-bench-person`, sealed, sealed, `idx-${p}-${'y'.repeat(32)}`, householdGrid(householdOf(p)), `H${pad(householdOf(p), 6)}`, 'bench', at, at]))
  const personId = (p: number): string => `P${pad(p, 7)}-bench-person`
  const membersOf = new Map<number, number[]>()
  for (let p = 0; p < N.people; p++) { const h = householdOf(p); const l = membersOf.get(h); if (l === undefined) membersOf.set(h, [p]); else l.push(p) }

  const cps = Array.from({ length: N.checkpoints }, (_, k) => `K${pad(k, 4)}`)
  await L.insert('checkpoints', ['id', 'name', 'kind', 'grid_id', 'created_at'], cps.map((id, k) => [id, `卡口 ${k}`, 'community', grids[k % N.grids] as string, at]))

  // The hour the 24 h window starts in: real scans (their count per checkpoint is that hour's scan_hours).
  const edge = hourOf(now - DAY)
  const edgeCounts = new Map<string, number>()
  const scans: Value[][] = []
  for (let i = 0; i < 45_000; i++) {
    const cp = cps[Math.floor(r() * cps.length)] as string
    const when = edge + Math.floor(r() * HOUR)
    edgeCounts.set(cp, (edgeCounts.get(cp) ?? 0) + 1)
    scans.push([`scan-${i}`, personId(Math.floor(r() * N.people)), cp, 'bench', 'scanner', 'live', when, when, 'in', 'green', 'allow', b(false), 'h'])
  }
  await L.insert('scans', ['id', 'person_id', 'checkpoint_id', 'actor_id', 'source', 'kind', 'scanned_at', 'received_at', 'direction', 'color', 'decision', 'offline', 'request_hash'], scans)
  const hours: Value[][] = []
  for (let h = hourOf(now) - N.days * DAY; h <= hourOf(now); h += HOUR) {
    for (const cp of cps) hours.push([cp, h, h === edge ? edgeCounts.get(cp) ?? 0 : Math.floor(r() * 81)])
  }
  await L.insert('scan_hours', ['checkpoint_id', 'hour', 'count'], hours.filter((x) => x[2] !== 0))

  const entries: Value[][] = []
  for (let i = 0; i < 23_000; i++) {
    const p = personId(Math.floor(r() * N.people))
    const active = i < 3000
    const red = i % 3 === 0
    const since = active ? now - Math.floor(r() * 5 * DAY) : now - 20 * DAY
    const until = active ? now + 2 * DAY + Math.floor(r() * 5 * DAY) : now - 6 * DAY
    entries.push([`E${pad(i, 6)}-bench-entry`, p, red ? 'close_contact' : 'symptoms', red ? 'red' : 'yellow', since, until, 'system', since])
  }
  await L.insert('status_entries', ['id', 'person_id', 'rule', 'color', 'since', 'until', 'actor', 'created_at'], entries)

  await L.insert('screening_rounds', ['id', 'area_id', 'name', 'opened_by', 'opened_at', 'closed_by', 'closed_at'],
    [['R0', 'C', '第一轮', 'bench', now - 20 * DAY, 'bench', now - 10 * DAY], ['R1', 'C', '第二轮', 'bench', now - 5 * DAY, null, null]])
  const screenings: Value[][] = []
  const members: Value[][] = []
  const screen = (round: string, h: number): void => {
    const id = `${round}-${h}`
    screenings.push([id, round, `H${pad(h, 6)}`, householdGrid(h), b(true), 'bench', now - DAY])
    for (const p of membersOf.get(h) ?? []) members.push([id, personId(p), round, householdGrid(h), b(r() < 0.05), 'sealed'])
  }
  for (let i = 0; i < 40_000; i++) screen('R1', Math.floor(i * N.households / 40_000))
  for (let i = 0; i < 20_000; i++) screen('R0', Math.floor(i * N.households / 20_000))
  await L.insert('screenings', ['id', 'round_id', 'household_id', 'grid_id', 'present', 'screened_by', 'screened_at'], screenings)
  await L.insert('screening_members', ['screening_id', 'person_id', 'round_id', 'grid_id', 'returned', 'data_enc'], members)
  await L.exec(url.startsWith('file:') ? 'ANALYZE' : 'VACUUM ANALYZE')
  await L.close()
  console.log(`  loaded in ${((performance.now() - started) / 1000).toFixed(1)} s: ${areas.length} areas, ${N.people} people, ${N.households} households, ${hours.length} scan hours, ${scans.length} scans, ${entries.length} status entries, ${screenings.length} screenings, ${members.length} members`)
}

interface Figures { people: number, households: number, screened: { households: number, people: number }, returnees: number, colors: { green: number, yellow: number, red: number }, scans24h: number }

/** The yardstick: one plain statement per figure, grouped by grid, summed over the area's grids. */
function yardstick (query: (text: string, params: Value[]) => Promise<Array<Record<string, unknown>>>, dialectPg: boolean) {
  const p = (i: number): string => (dialectPg ? `$${i}` : '?')
  return async (gridIds: string[], now: number): Promise<Figures> => {
    const inList = (from: number): string => gridIds.map((_, i) => p(from + i)).join(', ')
    const start = now - DAY
    const firstWhole = hourOf(start) === start ? start : hourOf(start) + HOUR
    const num = (rows: Array<Record<string, unknown>>, k = 'n'): number => rows.reduce((s, r) => s + Number(r[k] ?? 0), 0)
    const people = num(await query(`SELECT grid_id, count(*) AS n FROM people WHERE grid_id IN (${inList(1)}) GROUP BY grid_id`, gridIds))
    const households = num(await query(`SELECT grid_id, count(*) AS n FROM households WHERE grid_id IN (${inList(1)}) GROUP BY grid_id`, gridIds))
    const sh = num(await query(`SELECT s.grid_id, count(DISTINCT s.household_id) AS n FROM screenings s JOIN screening_rounds r ON r.id = s.round_id
      WHERE r.closed_at IS NULL AND s.grid_id IN (${inList(1)}) GROUP BY s.grid_id`, gridIds))
    const sp = await query(`SELECT m.grid_id, count(DISTINCT m.person_id) AS n, count(DISTINCT CASE WHEN m.returned THEN m.person_id END) AS ret
      FROM screening_members m JOIN screening_rounds r ON r.id = m.round_id WHERE r.closed_at IS NULL AND m.grid_id IN (${inList(1)}) GROUP BY m.grid_id`, gridIds)
    const colors = await query(`SELECT x.w AS w, count(*) AS n FROM (SELECT person_id, max(CASE color WHEN 'red' THEN 2 WHEN 'yellow' THEN 1 ELSE 0 END) AS w
      FROM status_entries WHERE ended_at IS NULL AND since <= ${p(1)} AND (until IS NULL OR until > ${p(2)}) GROUP BY person_id) x
      JOIN people pe ON pe.id = x.person_id WHERE pe.grid_id IN (${inList(3)}) GROUP BY x.w`, [now, now, ...gridIds])
    const hours = num(await query(`SELECT c.grid_id, sum(h.count) AS n FROM scan_hours h JOIN checkpoints c ON c.id = h.checkpoint_id
      WHERE h.hour >= ${p(1)} AND h.hour <= ${p(2)} AND c.grid_id IN (${inList(3)}) GROUP BY c.grid_id`, [firstWhole, hourOf(now), ...gridIds]))
    // (SQLite binds ? in the order written: every statement names its times before the grids.)
    const partial = num(await query(`SELECT count(*) AS n FROM scans WHERE scanned_at >= ${p(1)} AND scanned_at < ${p(2)}
      AND checkpoint_id IN (SELECT id FROM checkpoints WHERE grid_id IN (${inList(3)}))`, [start, firstWhole, ...gridIds]))
    const yellow = num(colors.filter((c) => Number(c.w) === 1))
    const red = num(colors.filter((c) => Number(c.w) === 2))
    return { people, households, screened: { households: sh, people: num(sp) }, returnees: num(sp, 'ret'), colors: { green: people - yellow - red, yellow, red }, scans24h: hours + partial }
  }
}

async function bench (dialect: 'sqlite' | 'pg'): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'gridpass-bench-dashboard-'))
  let url: string
  const admin = args.pg as string
  if (dialect === 'sqlite') url = `file:${join(tmp, 'county.db')}`
  else {
    const c = new pg.Client({ connectionString: `${admin}/postgres` })
    await c.connect()
    await c.query('DROP DATABASE IF EXISTS bench_dashboard WITH (FORCE)')
    await c.query('CREATE DATABASE bench_dashboard')
    await c.end()
    url = `${admin}/bench_dashboard`
  }
  console.log(`\n${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'} (${url.replace(/\/\/[^@]*@/, '//')}); load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
  const config = { ...loadConfig({}), databaseUrl: url, keysDir: join(tmp, 'keys'), adminPassword: PASSWORD, logger: false, maxEventLoopDelayMs: 0, retentionDays: 3650 }
  // A first start on the empty database makes the keys, records their fingerprints and the admin.
  const first = await buildApp(config)
  await first.ready()
  await first.close()
  await load(url, Date.now())
  const app = await buildApp(config)
  let client: pg.Client | null = null
  try {
    await app.ready()
    const token = (await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'admin', password: PASSWORD } })).json().accessToken as string
    const store = app.store
    let query: (text: string, params: Value[]) => Promise<Array<Record<string, unknown>>>
    if (store.sqlite !== undefined) {
      const db = store.sqlite
      query = async (text, params) => db.prepare(text).all(params) as Array<Record<string, unknown>>
    } else {
      client = new pg.Client({ connectionString: url })
      await client.connect()
      const c = client
      query = async (text, params) => (await c.query(text, params)).rows as Array<Record<string, unknown>>
    }
    const sql = yardstick(query, dialect === 'pg')
    const tree = await app.areas.tree()
    if (client !== null) {
      // The plans of the per-grid counts: index-only scans (the visibility map is set by VACUUM after the load).
      const c = client
      const grids = (await app.areas.gridsUnder('C')).map((g) => `'${g}'`).join(', ')
      for (const [what, text] of [
        ['people', `SELECT grid_id, count(*) FROM people WHERE grid_id IN (${grids}) GROUP BY grid_id`],
        ['households', `SELECT grid_id, count(*) FROM households WHERE grid_id IN (${grids}) GROUP BY grid_id`],
        ['screenings', `SELECT round_id, grid_id, count(*) FROM screenings WHERE round_id IN ('R1') AND grid_id IN (${grids}) GROUP BY round_id, grid_id`],
        ['screening_members', `SELECT round_id, grid_id, returned, count(*) FROM screening_members WHERE round_id IN ('R1') AND grid_id IN (${grids}) GROUP BY round_id, grid_id, returned`]
      ]) {
        const plan = JSON.stringify((await c.query(`EXPLAIN (FORMAT JSON) ${text as string}`)).rows[0])
        const scans = [...plan.matchAll(/"Node Type":"([^"]*Scan)"(?:,"[^"]*":[^,]*)*?,"Index Name":"([^"]+)"/g)].map((m) => `${m[1] as string} ${m[2] as string}`)
        console.log(`  plan ${what}: ${scans.length > 0 ? scans.join(', ') : (/"Node Type":"([^"]*Scan)"/.exec(plan)?.[1] ?? '?')}`)
      }
    }
    for (const areaId of ['C', 'S03']) {
      const gridIds = await app.areas.gridsUnder(areaId)
      const service: number[] = []
      const plain: number[] = []
      // CPU time of this process per request: on SQLite (in-process, synchronous) the cost without the other processes
      // that share the two cores; on PostgreSQL the server's share is not in it.
      const serviceCpu: number[] = []
      const plainCpu: number[] = []
      const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000
      let last: { service?: Figures, sql?: Figures } = {}
      const runService = async (): Promise<void> => {
        const t0 = performance.now()
        const c0 = process.cpuUsage()
        const res = await app.inject({ method: 'GET', url: `/v1/dashboard?areaId=${areaId}`, headers: { authorization: `Bearer ${token}` } })
        service.push(performance.now() - t0)
        serviceCpu.push(cpuMs(process.cpuUsage(c0)))
        if (res.statusCode !== 200) throw new Error(res.body)
        last.service = res.json() as Figures
      }
      const runSql = async (): Promise<void> => {
        const t0 = performance.now()
        const c0 = process.cpuUsage()
        last.sql = await sql(gridIds, Date.now())
        plain.push(performance.now() - t0)
        plainCpu.push(cpuMs(process.cpuUsage(c0)))
      }
      for (let i = 0; i < 3; i++) { await runService(); await runSql() }
      // The first request computes everything (a city's people and households per grid included: no copy yet).
      const cold = service[0] as number
      for (const xs of [service, plain, serviceCpu, plainCpu]) xs.length = 0
      for (let i = 0; i < RUNS; i++) {
        last = {}
        if (i % 2 === 0) { await runService(); await runSql() } else { await runSql(); await runService() }
      }
      const f = (x: Figures | undefined) => x === undefined ? undefined : JSON.stringify({ people: x.people, households: x.households, screened: x.screened, returnees: x.returnees, colors: x.colors, scans24h: x.scans24h })
      // The two run a moment apart: the 24 h window moves, and its oldest hour's scans with it (~12 per second here), so
      // scans24h may differ by the scans of those milliseconds; every other figure must be equal.
      const drift = Math.abs((last.service?.scans24h ?? 0) - (last.sql?.scans24h ?? 0))
      const same = f({ ...last.service, scans24h: 0 } as Figures) === f({ ...last.sql, scans24h: 0 } as Figures) && drift <= MAX_WINDOW_DRIFT
      const node = tree.nodes.get(areaId)
      const ms = (xs: number[]): string => `${quantile(xs, 0.5).toFixed(1)} / ${quantile(xs, 0.95).toFixed(1)}`
      console.log(`  ${node?.level ?? '?'} ${areaId} (${gridIds.length} grids, ${(last.service as unknown as { children: unknown[] }).children.length} children): ` +
        `service p50/p95 ${ms(service)} ms (CPU ${ms(serviceCpu)}), SQL ${ms(plain)} ms (CPU ${ms(plainCpu)}), ratio p50 ${(quantile(service, 0.5) / quantile(plain, 0.5)).toFixed(2)}; ` +
        `first request ${cold.toFixed(1)} ms; figures ${same ? (drift === 0 ? 'equal' : `equal (scans24h ${drift} apart: the window moved between the two)`) : 'DIFFER'} ${f(last.service)}`)
      if (!same) console.log(`    SQL: ${f(last.sql)}`)
    }
    console.log(`  runs ${RUNS} each; load average now ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
  } finally {
    await client?.end()
    await app.close()
    if (!args.keep) rmSync(tmp, { recursive: true, force: true })
    if (dialect === 'pg' && !args.keep) {
      const c = new pg.Client({ connectionString: `${admin}/postgres` })
      await c.connect()
      await c.query('DROP DATABASE IF EXISTS bench_dashboard WITH (FORCE)')
      await c.end()
    }
  }
}

console.log(`bench:dashboard — ${cpus().length} × ${cpus()[0]?.model ?? '?'}, node ${process.version}`)
for (const d of args.dialect === 'both' ? ['sqlite', 'pg'] as const : [args.dialect as 'sqlite' | 'pg']) await bench(d)

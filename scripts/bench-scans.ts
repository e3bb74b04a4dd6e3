// npm run bench:scans -- [--people 100000] [--scans 1000000] [--duration 15] [--connections 128,512] [--soak 600]
//                        [--db file:… | postgres://…] [--cpu-prof] [--heap-sample] [--perf perf.data] [--perf-sched sched.data]
//                        [--codes 1000] [--rounds 2] [--trail-reference] [--node-args "…"] [--keep]
//
// Seeds a realistic database, starts the real server as a child process, and measures with autocannon (the targets of
// docs/benchmarks.md, each printed beside its yardstick measured in the same run):
//   yardsticks: the baseline, a bare Fastify route (separate process) that parses the same body and does one ES256
//     verify; the reference, the baseline plus one group-committed durable insert into the same kind of database;
//   1. POST /v1/scans at the maximum rate → the ratio to the reference (target ≥ 0.8);
//   2. POST /v1/scans at half that rate, evenly paced (scripts/lib/paced-load.ts) → p99 (target ≤ 20 ms), the
//      baseline's and the reference's p99 at the same rate beside it;
//   3. POST /v1/scans/batch with 1000-item batches → scans per second (target ≥ 8,000);
//   4. GET /v1/me/code at the maximum rate → the ratio to a bare Fastify route doing one ES256 sign (target ≥ 0.7),
//      and at half its rate → p99 (target ≤ 20 ms);
//   5. with --soak: scans at half their maximum rate and live codes beside them, minute by minute → no error, no p99
//      drift, flat RSS, the WAL within its bound; beside each minute where its time went (the scan thread's commit
//      groups by phase, the machine's iowait and steal, garbage collection), to tell a slow disk from a busy machine.
// The maximum rate of each server is the best over the connection counts given: a server that answers only after an
// fsync is bound by latency at a low count (32 connections / 5 ms = 6,400/s, whatever its CPU could do), the bare
// baseline is not. The servers compared take turns, --rounds times, and each keeps its best round.
// With --trail-reference (SQLite) a second reference takes its turn beside them: the reference writing the trail's own
// row (gridpass's scan statement and threads, on a copy of the database; scripts/lib/durable-trail-server.ts), and the
// ratio to it is printed as information: the service's own work per scan, the trail's storage cost left out; its p99
// at gridpass's paced half rate is printed beside the other yardsticks (the tail the trail's row alone brings).
// Beside the rates it prints the CPU time per answered request, at the maximum rates and at the paced half rate (for
// gridpass and both yardsticks): the server's main thread, its other threads one by one (the ES256 thread, the scan
// thread, libuv's pool, V8's helpers), the load generator, and the machine's idle share. --perf records every thread
// of the server with Linux perf during the max-rate phase; --perf-sched records the scheduler's switches there instead
// and prints which of the server's main thread, its busiest other thread and the load generator ran at the same time.
// --heap-sample runs V8's sampling heap profiler in the server over its last max-rate scan phase (collected objects
// included, scripts/lib/heap-sample.mjs) and prints the bytes its main thread allocates per scan, by function.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { setTimeout as sleep } from 'node:timers/promises'
import autocannon, { type Result } from 'autocannon'
import Database from 'better-sqlite3'
import pg from 'pg'
import { v7 as uuidv7 } from 'uuid'
import { ensureKeys, loadKeyring } from '../src/lib/keyring.ts'
import { createPii } from '../src/lib/pii.ts'
import { idNumberOf, openSink, progressBar, seed } from './lib/seed.ts'
import { startServer, type ServerProcess, type StartOptions } from './lib/server-process.ts'
import { profileClock, topSelfTime } from './lib/cpu-profile.ts'
import { allocationsPerRequest } from './lib/heap-profile.ts'
import { measureCpu, processCpu, type CpuReport } from './lib/thread-cpu.ts'
import { schedOverlap } from './lib/sched-overlap.ts'
import { pacedLoad, type PacedResult } from './lib/paced-load.ts'

const { values: args } = parseArgs({
  options: {
    people: { type: 'string', default: '100000' },
    scans: { type: 'string', default: '1000000' },
    duration: { type: 'string', default: '15' },
    connections: { type: 'string', default: '128,512' },
    /** Rounds of the maximum rates, taken in turns (baseline, reference, gridpass; sign baseline, live codes): each keeps its best. */
    rounds: { type: 'string', default: '2' },
    /** Seconds of the soak (scans at half their max rate with live codes beside them); 0 skips it. */
    soak: { type: 'string', default: '0' },
    db: { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    /** V8's sampling heap profiler over gridpass's last max-rate scan phase: bytes the main thread allocates a scan, and where. */
    'heap-sample': { type: 'boolean', default: false },
    /** Linux perf: records every thread of the server (native frames, JS through --perf-basic-prof) at the max rate. */
    perf: { type: 'string' },
    /** Linux perf sched: every context switch of the machine at the max rate, summed up as which threads ran together. */
    'perf-sched': { type: 'string' },
    /** Paper codes the scans show, each a seeded person's: 1,000 by default; up to --people (every person, distinct). */
    codes: { type: 'string', default: '1000' },
    /** Node flags for the gridpass server alone, space-separated (an experiment: e.g. "--max-semi-space-size=64"). */
    'node-args': { type: 'string', default: '' },
    /** SQLite: a second reference, the trail's own row written (information beside target 1, not a target). */
    'trail-reference': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false }
  }
})
const PEOPLE = Number(args.people)
const SCANS = Number(args.scans)
const DURATION = Number(args.duration)
const CONNECTION_COUNTS = args.connections.split(',').map(Number)
if (CONNECTION_COUNTS.some((c) => !Number.isInteger(c) || c < 1)) throw new Error(`--connections: a comma-separated list of counts, got ${args.connections}`)
const ROUNDS = Number(args.rounds)
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error(`--rounds: a whole number of rounds, at least 1, got ${args.rounds}`)
const SOAK_SECONDS = Number(args.soak)
if (!Number.isInteger(SOAK_SECONDS) || SOAK_SECONDS < 0) throw new Error(`--soak: whole seconds, got ${args.soak}`)
/** The WAL's bound under the checkpoint thread: journal_size_limit (src/db/sqlite-checkpoint-worker.mjs). */
const WAL_BOUND_MIB = 64
const METRICS_TOKEN = 'bench-metrics-token-0123456789'
const ADMIN_PASSWORD = 'bench-admin-password'
const LIVE_RESIDENTS = 20
const PAPER_CODES = Number(args.codes)
if (!Number.isInteger(PAPER_CODES) || PAPER_CODES < 1 || PAPER_CODES > PEOPLE) throw new Error(`--codes: a whole number from 1 to --people (${PEOPLE}), got ${args.codes}`)
/** Paper codes asked for at a time while setting up (a county's printing run, not the measurement). */
const CODE_REQUESTS_IN_FLIGHT = 16

if (args['trail-reference'] && args.db !== undefined && !args.db.startsWith('file:')) throw new Error('--trail-reference: SQLite only (its row is the SQLite scan thread\'s statement)')

const dir = mkdtempSync(join(tmpdir(), 'gridpass-bench-'))
const keysDir = join(dir, 'keys')
let pgDatabase: { admin: string, name: string } | null = null
let databaseUrl = args.db ?? `file:${join(dir, 'gridpass-bench.db')}`
if (!databaseUrl.startsWith('file:')) {
  // A fresh database on the given server, dropped at the end.
  const name = `gridpass_bench_${Date.now().toString(36)}`
  const c = new pg.Client({ connectionString: databaseUrl })
  await c.connect()
  await c.query(`CREATE DATABASE ${name}`)
  await c.end()
  pgDatabase = { admin: databaseUrl, name }
  const u = new URL(databaseUrl)
  u.pathname = `/${name}`
  databaseUrl = u.toString()
}
const servers: ServerProcess[] = []
async function cleanup (): Promise<void> {
  for (const s of servers) s.child.kill('SIGKILL')
  if (pgDatabase !== null && args.keep) console.log(`  kept: PostgreSQL database ${pgDatabase.name} (drop it with DROP DATABASE ${pgDatabase.name})`)
  else if (pgDatabase !== null) {
    const c = new pg.Client({ connectionString: pgDatabase.admin })
    await c.connect()
    await c.query(`DROP DATABASE IF EXISTS ${pgDatabase.name} WITH (FORCE)`)
    await c.end()
  }
  if (!args.keep) rmSync(dir, { recursive: true, force: true })
  else console.log(`  kept: ${dir}`)
}

/**
 * One set-up request. A 503 GP_OVERLOADED is retried (up to 20 times, 250 ms apart), as a client should: a server just
 * started, or just seeded on a cold machine, can lag past its overload bound for its first second.
 */
async function json (base: string, method: string, path: string, token: string | null, body?: unknown): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(base + path, {
      method,
      headers: { ...(token !== null ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    const out = await res.json() as { code?: string }
    if (res.status === 503 && out.code === 'GP_OVERLOADED' && attempt < 20) { await sleep(250); continue }
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(out)}`)
    return out
  }
}

/** A counter's or gauge's value in a /metrics text (`series`: its name with labels, exactly as printed); 0 when absent. */
const metricValue = (text: string, series: string): number => {
  const at = text.indexOf(`\n${series} `)
  return at < 0 ? 0 : Number(text.slice(at + series.length + 2, text.indexOf('\n', at + 1)))
}
const metricDiff = (before: string, after: string, series: string): number => metricValue(after, series) - metricValue(before, series)
/**
 * A histogram's observations between two scrapes, as "≤ p99 / ≤ slowest" by its bucket bounds (`labels` as printed
 * beside le, e.g. phase="fsync"); "none" when it saw none.
 */
function bucketSpread (before: string, after: string, name: string, labels: string): string {
  const bounds = [...after.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)",${labels}\\} `, 'gm'))].map((m) => m[1] as string)
  const counts = bounds.map((le) => metricDiff(before, after, `${name}_bucket{le="${le}",${labels}}`))
  const all = counts[counts.length - 1] ?? 0
  if (all <= 0) return 'none'
  const bound = (share: number): string => {
    const i = counts.findIndex((c) => c >= all * share)
    const le = bounds[i] as string
    return le === '+Inf' ? `> ${fmt(Number(bounds[i - 1]) * 1000)} ms` : `≤ ${fmt(Number(le) * 1000, Number(le) < 0.001 ? 1 : 0)} ms`
  }
  return `${bound(0.99)} / ${bound(1)}`
}

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
/** The main thread's collections of one kind between two scrapes of /metrics: "minor 85 (185 ms)". */
const gcBetween = (before: string, after: string, kind: string): string =>
  `${kind} ${fmt(metricDiff(before, after, `gridpass_nodejs_gc_duration_seconds_count{kind="${kind}"}`))} (${fmt(metricDiff(before, after, `gridpass_nodejs_gc_duration_seconds_sum{kind="${kind}"}`) * 1000)} ms)`

try {
  console.log(`gridpass scan benchmark — ${new Date().toISOString()}`)
  console.log(`  machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
  console.log(`  database: ${databaseUrl.startsWith('file:') ? databaseUrl : 'PostgreSQL ' + databaseUrl.replace(/\/\/[^@]*@/, '//')}`)

  // 1. Seed.
  const now = Date.now()
  await ensureKeys(keysDir, now)
  const pii = createPii(loadKeyring(keysDir, now, 30).dataKey)
  const sink = await openSink(databaseUrl)
  const seedStart = Date.now()
  const seeded = await seed(sink, pii, { people: PEOPLE, scans: SCANS, checkpoints: 50, now })
  console.log(`  seeded ${fmt(await sink.count('people'))} people, ${fmt(await sink.count('scans'))} scans in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`)
  await sink.close()

  // 2. The real server, as in production (LOG_LEVEL=warn: no per-request log lines).
  const profDir = join(dir, 'prof')
  const heapFile = join(dir, 'heap-sample.json')
  const server = await startServer({
    env: { DATABASE_URL: databaseUrl, GRIDPASS_KEYS_DIR: keysDir, GRIDPASS_ADMIN_PASSWORD: ADMIN_PASSWORD, GRIDPASS_CODE_TTL_SECONDS: '3600', LOG_LEVEL: 'warn', GRIDPASS_DEV_OTP: 'true', GRIDPASS_METRICS_TOKEN: METRICS_TOKEN, ...(args['heap-sample'] ? { GRIDPASS_HEAP_SAMPLE: heapFile } : {}) },
    nodeArgs: [...(args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []), ...(args['heap-sample'] ? ['--import', fileURLToPath(new URL('./lib/heap-sample.mjs', import.meta.url))] : []), ...(args.perf !== undefined ? ['--perf-basic-prof'] : []), ...(args['node-args'].split(' ').filter((a) => a !== ''))]
  })
  servers.push(server)
  const base = server.base
  const admin = (await json(base, 'POST', '/v1/auth/login', null, { username: 'admin', password: ADMIN_PASSWORD })).accessToken as string
  const checkpointIds = seeded.checkpointIds.slice(0, 5)
  await json(base, 'POST', '/v1/users', admin, { username: 'bench-volunteer', password: 'bench-volunteer-pw', role: 'volunteer', checkpointIds })
  const volunteer = (await json(base, 'POST', '/v1/auth/login', null, { username: 'bench-volunteer', password: 'bench-volunteer-pw' })).accessToken as string

  // 3. Codes signed by the server: live codes of residents who sign in (dev OTP; the OTP routes allow 30 a minute),
  //    and paper codes for seeded people (admin). Both carry one ES256 signature and are judged by the server's colour.
  const tokens: string[] = []
  const residents: string[] = []
  for (let i = 0; i < LIVE_RESIDENTS; i++) {
    const phone = `13${String(Date.now() % 1e6).padStart(6, '0')}${String(i).padStart(3, '0')}`
    const otp = await json(base, 'POST', '/v1/auth/otp', null, { phone })
    const resident = (await json(base, 'POST', '/v1/auth/otp/verify', null, { phone, code: otp.devCode })).accessToken as string
    await json(base, 'PUT', '/v1/me/profile', resident, { name: '欧阳娜娜', idNumber: idNumberOf(PEOPLE + i) })
    residents.push(resident)
    tokens.push((await json(base, 'GET', '/v1/me/code', resident)).token as string)
  }
  // Paper codes of PAPER_CODES distinct seeded people, chosen at random: with the default, a thousand people scanned
  // again and again (the scan cache holds them all); with --codes up to --people, each scan's person is mostly one
  // the service has not read yet.
  const holders = [...seeded.personIds]
  for (let i = 0; i < PAPER_CODES; i++) {
    const j = i + Math.floor(Math.random() * (holders.length - i))
    ;[holders[i], holders[j]] = [holders[j] as string, holders[i] as string]
  }
  const codesBar = progressBar('paper codes', PAPER_CODES)
  let nextHolder = 0
  await Promise.all(Array.from({ length: CODE_REQUESTS_IN_FLIGHT }, async () => {
    while (nextHolder < PAPER_CODES) {
      const personId = holders[nextHolder++] as string
      tokens.push((await json(base, 'POST', `/v1/people/${personId}/paper-code`, admin)).token as string)
      codesBar.increment()
    }
  }))
  codesBar.stop()

  // Each code is shown at one gate (its holder's usual one): codes ping-ponging between gates 1 km apart every few
  // seconds would be flagged as impossible travel, which is not the traffic a checkpoint sees.
  // Scan ids are UUIDv7, as the scanner page makes them (src/web/shared/api.ts).
  const scanBody = (): string => {
    const i = Math.floor(Math.random() * tokens.length)
    return JSON.stringify({ id: uuidv7(), token: tokens[i], checkpointId: checkpointIds[i % checkpointIds.length], direction: 'in' })
  }
  const probe = await json(base, 'POST', '/v1/scans', volunteer, JSON.parse(scanBody()))
  if (probe.recorded !== true) throw new Error(`a probe scan was not recorded: ${JSON.stringify(probe)}`)
  const headers = { authorization: `Bearer ${volunteer}`, 'content-type': 'application/json' }
  const residentHeader = (): Record<string, string> => ({ authorization: `Bearer ${residents[Math.floor(Math.random() * residents.length)] as string}` })
  type Kind = 'scan' | 'code'
  const load = (url: string, kind: Kind, extra: { connections: number, overallRate?: number, duration?: number }): Promise<Result> => autocannon({
    url, connections: extra.connections, duration: extra.duration ?? DURATION, timeout: 30, ...(extra.overallRate !== undefined ? { overallRate: extra.overallRate } : {}),
    requests: [kind === 'scan'
      ? { method: 'POST', path: '/v1/scans', headers, setupRequest: (req) => ({ ...req, body: scanBody() }) }
      : { method: 'GET', path: '/v1/me/code', setupRequest: (req) => ({ ...req, headers: residentHeader() }) }]
  })
  const rate = (r: Result): number => r['2xx'] / r.duration
  // CPU per answered request: the server's main thread, its other threads, the load generator, the machine's idle share.
  const cpuRows: Array<[string, CpuReport | null]> = []
  // At a paced rate too: a request costs more CPU there than at the maximum (fewer requests share each turn of the
  // event loop, each message between threads, each commit group), and the machine's idle share is the p99's headroom.
  // On PostgreSQL the server process writes nothing itself: what a request costs the disk is the WAL its server
  // writes (pg_stat_wal, the whole cluster; each server runs alone on it).
  const walOf = pgDatabase === null
    ? null
    : async (): Promise<number> => {
      const c = new pg.Client({ connectionString: databaseUrl })
      await c.connect()
      try { return Number((await c.query<{ b: string }>('SELECT wal_bytes::text AS b FROM pg_stat_wal')).rows[0]?.b ?? 0) } finally { await c.end() }
    }
  const measuredBy = async <R>(label: string, pid: number | undefined, run: () => Promise<R>, count: (r: R) => number, rows = cpuRows): Promise<R> => {
    if (pid === undefined) return run()
    const wal0 = walOf === null ? 0 : await walOf()
    const { result, cpu } = await measureCpu(pid, run, count)
    if (cpu !== null && walOf !== null) cpu.writtenKiB = (await walOf() - wal0) / 1024 / Math.max(1, count(result))
    rows.push([label, cpu])
    return result
  }
  const measured = (label: string, pid: number | undefined, run: () => Promise<Result>, perRequest = 1, rows = cpuRows): Promise<Result> =>
    measuredBy(label, pid, run, (r) => r['2xx'] * perRequest, rows)
  const pacedMeasured = (label: string, pid: number | undefined, run: () => Promise<PacedResult>): Promise<PacedResult> =>
    measuredBy(label, pid, run, (r) => r.ok)
  /** One round of a server's maximum rate: a warm-up, then one run per connection count; the best run, its count, and the CPU rows of every count. */
  interface MaxRun { r: Result, connections: number, rows: Array<[string, CpuReport | null]> }
  const maxRate = async (label: string, pid: number | undefined, url: string, kind: Kind = 'scan'): Promise<MaxRun> => {
    await load(url, kind, { connections: CONNECTION_COUNTS[0] as number, duration: 3 })
    const rows: Array<[string, CpuReport | null]> = []
    let best: { r: Result, connections: number } | null = null
    for (const connections of CONNECTION_COUNTS) {
      const r = await measured(`${label}, ${connections} connections`, pid, () => load(url, kind, { connections }), 1, rows)
      if (best === null || rate(r) > rate(best.r)) best = { r, connections }
    }
    return { ...best as { r: Result, connections: number }, rows }
  }
  // A machine's speed drifts over minutes (up to a third on these machines): the servers compared take turns, ROUNDS
  // times, and each keeps its best round, whose CPU rows the table shows.
  const better = (x: MaxRun | null, y: MaxRun): MaxRun => (x === null || rate(y.r) > rate(x.r) ? y : x)
  /** Each round's rate per server, printed to show how far a machine drifts between rounds. */
  const byRound = new Map<string, number[]>()
  const noted = (name: string, run: MaxRun): MaxRun => { byRound.set(name, [...(byRound.get(name) ?? []), rate(run.r)]); return run }
  const roundsLine = (names: Array<[string, string]>, ratio: [string, string]): string => {
    const of = (name: string): number[] => byRound.get(name) ?? []
    const [num, den] = ratio
    return `  maximum rates by round: ${names.map(([name, label]) => `${label} ${of(name).map((r) => fmt(r)).join(' / ')}`).join(', ')}; ` +
      `ratio by round ${of(num).map((r, i) => fmt(r / (of(den)[i] ?? NaN), 2)).join(' / ')}`
  }

  // The yardsticks, each run alone on the machine (started for a measurement, stopped after it): the baseline, bare
  // Fastify + one ES256 verify; the reference, the baseline plus one group-committed durable insert into the same kind
  // of database (SQLite: through gridpass's scan thread, fsync before the answer; PostgreSQL: one INSERT per
  // event-loop turn, answered after its commit); for live codes, a bare Fastify route doing one ES256 sign.
  const BASELINE: StartOptions = { entry: 'scripts/lib/baseline-server.ts', env: { GRIDPASS_KEYS_DIR: keysDir }, ready: /baseline listening on (http:\/\/\S+)/ }
  const REFERENCE: StartOptions = pgDatabase === null
    ? { entry: 'scripts/lib/durable-server.ts', env: { GRIDPASS_KEYS_DIR: keysDir, GRIDPASS_BENCH_DIR: dir }, ready: /durable reference listening on (http:\/\/\S+)/ }
    : { entry: 'scripts/lib/durable-server-pg.ts', env: { GRIDPASS_KEYS_DIR: keysDir, DATABASE_URL: databaseUrl }, ready: /durable reference listening on (http:\/\/\S+)/ }
  // The trail reference writes into a copy of gridpass's database as it is now (the seeded people, the residents and
  // paper codes just made: the scans' people exist there), taken through SQLite's backup API.
  let TRAIL_REFERENCE: StartOptions | null = null
  if (args['trail-reference']) {
    const copy = join(dir, 'trail-reference.db')
    const source = new Database(databaseUrl.slice('file:'.length), { readonly: true, fileMustExist: true })
    try { await source.backup(copy) } finally { source.close() }
    TRAIL_REFERENCE = { entry: 'scripts/lib/durable-trail-server.ts', env: { GRIDPASS_KEYS_DIR: keysDir, GRIDPASS_TRAIL_DB: copy }, ready: /durable trail reference listening on (http:\/\/\S+)/ }
  }
  const SIGN_BASELINE: StartOptions = { entry: 'scripts/lib/sign-server.ts', env: { GRIDPASS_KEYS_DIR: keysDir }, ready: /sign baseline listening on (http:\/\/\S+)/ }
  const alone = async <R>(spec: StartOptions, measure: (s: ServerProcess) => Promise<R>): Promise<R> => {
    const s = await startServer(spec)
    servers.push(s)
    try {
      return await measure(s)
    } finally {
      s.child.kill('SIGTERM')
      await s.exited
    }
  }

  // 4. The maximum rates in turns: the baseline, the reference, gridpass, ROUNDS times; gridpass's last round is the
  //    one recorded below (commit groups, profiles), whichever round was its best.
  let bBest: MaxRun | null = null
  let dBest: MaxRun | null = null
  let gBest: MaxRun | null = null
  let tBest: MaxRun | null = null
  for (let round = 1; round <= ROUNDS; round++) {
    bBest = better(bBest, noted('b', await alone(BASELINE, (s) => maxRate('baseline', s.child.pid, s.base))))
    dBest = better(dBest, noted('d', await alone(REFERENCE, (s) => maxRate('reference', s.child.pid, s.base))))
    if (TRAIL_REFERENCE !== null) tBest = better(tBest, noted('t', await alone(TRAIL_REFERENCE, (s) => maxRate('trail reference', s.child.pid, s.base))))
    if (round < ROUNDS) gBest = better(gBest, noted('g', await maxRate('gridpass POST /v1/scans', server.child.pid, base)))
  }
  const { r: b, connections: bConnections } = bBest as MaxRun
  const { r: d, connections: dConnections } = dBest as MaxRun
  cpuRows.push(...(bBest as MaxRun).rows, ...(dBest as MaxRun).rows, ...(tBest?.rows ?? []))

  // 5. gridpass at the maximum rate (its last round), then at half of its best.
  const gWindow = { from: profileClock(), to: 0 }
  const perf = args.perf === undefined ? null : spawn('perf', ['record', '-F', '999', '-g', '-p', String(server.child.pid), '-o', args.perf], { stdio: 'ignore' })
  const sched = args['perf-sched'] === undefined ? null : spawn('perf', ['sched', 'record', '-o', args['perf-sched']], { stdio: 'ignore' })
  const threadsBefore = processCpu(server.child.pid as number)
  const scrapeMetrics = async (): Promise<string> => (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text()
  const groups0 = await scrapeMetrics()
  if (args['heap-sample']) server.child.kill('SIGWINCH') // starts the sampling (scripts/lib/heap-sample.mjs)
  gBest = better(gBest, noted('g', await maxRate('gridpass POST /v1/scans', server.child.pid, base)))
  if (args['heap-sample']) server.child.kill('SIGWINCH') // stops it and writes the profile
  const { r: g, connections: gConnections } = gBest
  cpuRows.push(...gBest.rows)
  console.log(roundsLine([['b', 'baseline'], ['d', 'reference'], ...(tBest !== null ? [['t', 'trail reference'] as [string, string]] : []), ['g', 'gridpass POST /v1/scans']], ['g', 'd']))
  if (tBest !== null) console.log(`  ratio to the trail reference by round: ${(byRound.get('g') ?? []).map((r, i) => fmt(r / ((byRound.get('t') ?? [])[i] ?? NaN), 2)).join(' / ')}`)
  const groups1 = await scrapeMetrics()
  const groupWallS = (profileClock() - gWindow.from) / 1e6
  // The scan thread's commit groups between two scrapes: how many scans each carried, how long each took to commit
  // and to sync, and how much of the phase the disk's syncs took (one at a time).
  const groupsLine = (text0: string, text1: string, wallS: number): string => {
    const phase = (p: string, what: 'sum' | 'count'): number => metricDiff(text0, text1, `gridpass_scan_commit_phase_seconds_${what}{phase="${p}"}`)
    const total = (text: string): number => [...text.matchAll(/^gridpass_scans_total\{[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0)
    const count = phase('fsync', 'count')
    const scans = total(text1) - total(text0)
    return `${fmt(count)} (${fmt(scans / Math.max(1, count), 1)} scans each), commit ${fmt(phase('commit', 'sum') * 1000 / Math.max(1, count), 2)} ms, ` +
      `fsync ${fmt(phase('fsync', 'sum') * 1000 / Math.max(1, count), 2)} ms on average; syncing ${fmt(phase('fsync', 'sum') / wallS * 100)} % of the phase's ${fmt(wallS, 1)} s`
  }
  if (pgDatabase === null) {
    // Over the max-rate phase, its warm-up included.
    console.log(`  commit groups at the max rate: ${groupsLine(groups0, groups1, groupWallS)}`)
    // Where the scans' inputs were found over the phase: the scan cache (GRIDPASS_SCAN_CACHE_PEOPLE), or a read.
    const lookups = (answered: string): number => metricDiff(groups0, groups1, `gridpass_scan_cache_lookups_total{answered="${answered}"}`)
    const people = /^gridpass_scan_cache_people (\d+)$/m.exec(groups1)?.[1] ?? '?'
    console.log(`  scan inputs at the max rate: ${fmt(lookups('memory') / Math.max(1, lookups('memory') + lookups('database')) * 100, 1)} % from memory, the rest read in the scan thread; ${fmt(Number(people))} people kept after it`)
  }
  if (perf !== null) { perf.kill('SIGINT'); await new Promise((r) => perf.once('exit', r)); console.log(`  perf data of the max-rate phase: ${args.perf} (perf report -i ${args.perf} --sort pid,sym)`) }
  if (sched !== null) {
    sched.kill('SIGINT')
    await new Promise((r) => sched.once('exit', r))
    // The server's busiest thread other than its main one over the phase: the scan thread on SQLite.
    const threadsAfter = processCpu(server.child.pid as number)
    const busiest = [...(threadsAfter?.threads ?? new Map<string, number>())].map(([tid, ms]) => [tid, ms - (threadsBefore?.threads.get(tid) ?? 0)] as const).sort((x, y) => y[1] - x[1])[0]?.[0]
    const threads = new Map([[server.child.pid as number, 'server main'], [process.pid, 'load generator'], ...(busiest !== undefined ? [[Number(busiest), 'server\'s busiest other thread'] as const] : [])])
    const overlap = schedOverlap(args['perf-sched'] as string, threads)
    console.log(`  which threads ran together at the max rate (perf sched, ${args['perf-sched']}): ` +
      overlap.map((o) => `${o.running.length === 0 ? 'none' : o.running.join(' + ')} ${fmt(o.share * 100)} %`).join(', '))
  }
  gWindow.to = profileClock()
  const half = Math.max(1, Math.floor(rate(g) / 2))
  const high = Math.max(...CONNECTION_COUNTS)
  // The server's own view of the same requests (its latency histogram, from /metrics): time inside the process.
  const buckets = (text: string, route: string): Map<string, number> => {
    const out = new Map<string, number>()
    for (const line of text.split('\n')) {
      if (!line.startsWith('gridpass_http_request_duration_seconds_bucket{') || !line.includes(`route="${route}"`)) continue
      const le = /le="([^"]+)"/.exec(line)?.[1]
      if (le !== undefined) out.set(le, (out.get(le) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)))
    }
    return out
  }
  /** The share of a route's answers between two scrapes that took at most 5, 10, 20 and 50 ms inside the process. */
  const insideLine = (text0: string, text1: string, route: string): string => {
    const [before, after] = [buckets(text0, route), buckets(text1, route)]
    const inside = (le: string): number => ((after.get(le) ?? 0) - (before.get(le) ?? 0)) / Math.max(1, (after.get('+Inf') ?? 0) - (before.get('+Inf') ?? 0))
    return `${(inside('0.005') * 100).toFixed(1)} % answered within 5 ms, ${(inside('0.01') * 100).toFixed(1)} % within 10 ms, ${(inside('0.02') * 100).toFixed(2)} % within 20 ms, ${(inside('0.05') * 100).toFixed(2)} % within 50 ms (from request to answer inside the process)`
  }
  // Every server gets the same 3 s at the paced rate before its measured run (the yardsticks below too): what is
  // measured is the steady half rate, not the tail of the maximum-rate phase just before it (queues draining, the
  // WAL's checkpoint catching up).
  await pacedLoad({ url: base, path: '/v1/scans', headers, body: scanBody, rate: half, durationSeconds: 3, maxInFlight: high })
  const text0 = await scrapeMetrics()
  const pacedFrom = performance.now()
  const h = await pacedMeasured(`gridpass POST /v1/scans, paced ${fmt(half)}/s`, server.child.pid,
    () => pacedLoad({ url: base, path: '/v1/scans', headers, body: scanBody, rate: half, durationSeconds: DURATION, maxInFlight: high }))
  const text1 = await scrapeMetrics()
  console.log(`  the paced half rate, as the server saw it: ${insideLine(text0, text1, '/v1/scans')}`)
  if (pgDatabase === null) console.log(`  commit groups at the paced half rate: ${groupsLine(text0, text1, (performance.now() - pacedFrom) / 1000)}`)
  // A major collection marks the whole heap with V8's helper threads beside the service's own: on a machine with few
  // cores the main thread then waits for one (the table's "waiting for a core"), and the slowest scans cluster there.
  console.log(`  garbage collections in the main thread over the paced half rate: ${gcBetween(text0, text1, 'minor')}, ${gcBetween(text0, text1, 'major')}`)
  // Yardsticks for the p99: the baseline and the reference at the same paced rate, each alone on the machine as gridpass
  // was (gridpass waits idle meanwhile). The reference's p99 is what one durable insert costs in latency here.
  const pacedAtHalf = (label: string) => async (s: ServerProcess): Promise<PacedResult> => {
    await pacedLoad({ url: s.base, path: '/v1/scans', headers, body: scanBody, rate: half, durationSeconds: 3, maxInFlight: high })
    return await pacedMeasured(`${label}, paced ${fmt(half)}/s`, s.child.pid,
      () => pacedLoad({ url: s.base, path: '/v1/scans', headers, body: scanBody, rate: half, durationSeconds: DURATION, maxInFlight: high }))
  }
  const hBaseline = await alone(BASELINE, pacedAtHalf('baseline'))
  const hReference = await alone(REFERENCE, pacedAtHalf('reference'))
  // The trail reference at the same rate too (information): how much of gridpass's tail its trail's row alone brings
  // (the row's WAL pages, their fsync and the checkpoints), with none of the service's own work.
  const hTrail = TRAIL_REFERENCE === null ? null : await alone(TRAIL_REFERENCE, pacedAtHalf('trail reference'))

  // 6. Offline batch sync: 1000 items per request, two scanners syncing at once.
  const batchBody = (): string => `{"scans":[${Array.from({ length: 1000 }, scanBody).join(',')}]}`
  const check = await json(base, 'POST', '/v1/scans/batch', volunteer, JSON.parse(batchBody()))
  const judged = (check.results as Array<{ recorded?: boolean }>).filter((r) => r.recorded === true).length
  if (judged !== 1000) throw new Error(`a probe batch recorded ${judged} of 1000`)
  const flagged = (check.results as Array<{ flags?: string[] }>).filter((r) => r.flags !== undefined).length
  console.log(`  a probe batch of 1000: ${flagged} flagged as impossible travel`)
  const batchWindow = { from: profileClock(), to: 0 }
  const batch = await measured('gridpass POST /v1/scans/batch (per scan)', server.child.pid, () => autocannon({
    url: base, connections: 2, duration: DURATION, timeout: 60,
    requests: [{ method: 'POST', path: '/v1/scans/batch', headers, setupRequest: (req) => ({ ...req, body: batchBody() }) }]
  }), 1000)
  batchWindow.to = profileClock()
  const batchRate = batch['2xx'] * 1000 / batch.duration

  // 7. Live codes: the sign baseline and GET /v1/me/code at their maximum rates, then both at half of gridpass's.
  //    In turns, as the scans' (the profile's window: gridpass's last round).
  let sbBest: MaxRun | null = null
  let gcBest: MaxRun | null = null
  const codeWindow = { from: 0, to: 0 }
  for (let round = 1; round <= ROUNDS; round++) {
    sbBest = better(sbBest, noted('sb', await alone(SIGN_BASELINE, (s) => maxRate('sign baseline', s.child.pid, s.base, 'code'))))
    codeWindow.from = profileClock()
    gcBest = better(gcBest, noted('gc', await maxRate('gridpass GET /v1/me/code', server.child.pid, base, 'code')))
    codeWindow.to = profileClock()
  }
  const { r: sb, connections: sbConnections } = sbBest as MaxRun
  const { r: gc, connections: gcConnections } = gcBest as MaxRun
  cpuRows.push(...(sbBest as MaxRun).rows, ...(gcBest as MaxRun).rows)
  console.log(roundsLine([['sb', 'sign baseline'], ['gc', 'gridpass GET /v1/me/code']], ['gc', 'sb']))
  const codeHalf = Math.max(1, Math.floor(rate(gc) / 2))
  const pacedCodes = (url: string, durationSeconds: number, at = codeHalf): Promise<PacedResult> =>
    pacedLoad({ url, path: '/v1/me/code', method: 'GET', headers: {}, headersFor: residentHeader, body: () => '', rate: at, durationSeconds, maxInFlight: high })
  // Each after 3 s at the same paced rate, as the scans above.
  const warmedCodes = async (url: string): Promise<PacedResult> => { await pacedCodes(url, 3); return await pacedCodes(url, DURATION) }
  await pacedCodes(base, 3)
  const codeText0 = await scrapeMetrics()
  const hCode = await pacedCodes(base, DURATION)
  const codeText1 = await scrapeMetrics()
  console.log(`  live codes at the paced half rate, as the server saw it: ${insideLine(codeText0, codeText1, '/v1/me/code')}`)
  console.log(`  garbage collections in the main thread over the live codes' paced half rate: ${gcBetween(codeText0, codeText1, 'minor')}, ${gcBetween(codeText0, codeText1, 'major')}`)
  const hSign = await alone(SIGN_BASELINE, async (s) => warmedCodes(s.base))

  // 8. The soak (--soak seconds): scans at half their maximum rate, live codes beside them at a quarter of that rate,
  //    minute by minute: each minute's p99, errors, the server's RSS and (SQLite) the WAL's largest size.
  //    A minute's RSS is the median of its per-second readings (one reading lands anywhere in a collection's cycle).
  interface Minute { scans: PacedResult, codes: PacedResult, rssMiB: number, rssRange: [number, number], walMiB: number | null }
  const minutes: Minute[] = []
  /** The soak's longest event-loop delay and its minute (1-based; 0: no soak). */
  let soakLag = { ms: 0, minute: 0 }
  if (SOAK_SECONDS > 0) {
    const walPath = databaseUrl.startsWith('file:') ? `${databaseUrl.slice('file:'.length)}-wal` : null
    const rssMiB = (): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.child.pid as number}/status`, 'utf8'))?.[1] ?? 0) / 1024
    const walMiB = (): number => (walPath !== null && existsSync(walPath) ? statSync(walPath).size / 1048576 : 0)
    const codeRate = Math.max(1, Math.floor(half / 4))
    console.log(`\n  soak: ${SOAK_SECONDS} s of POST /v1/scans at ${fmt(half)}/s with GET /v1/me/code at ${fmt(codeRate)}/s beside it`)
    // Where a slow minute's time went: the scan thread's commit groups by phase (a slow disk shows in fsync, a
    // checkpoint's RESTART in lock_wait, a starved machine in all three), the machine's own figures (iowait, steal: a
    // virtual machine's CPU taken by its host) and garbage collection, each for that minute alone.
    const machine = (): number[] => (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number)
    for (let left = SOAK_SECONDS; left > 0; left -= 60) {
      const seconds = Math.min(60, left)
      const [text0, cpu0] = [await scrapeMetrics(), machine()]
      let wal = 0
      const rss: number[] = []
      const sampler = setInterval(() => { wal = Math.max(wal, walMiB()); rss.push(rssMiB()) }, 1000)
      const [scans, codes] = await Promise.all([
        pacedLoad({ url: base, path: '/v1/scans', headers, body: scanBody, rate: half, durationSeconds: seconds, maxInFlight: high }),
        pacedCodes(base, seconds, codeRate)
      ])
      clearInterval(sampler)
      rss.push(rssMiB())
      rss.sort((a, b) => a - b)
      const minute = { scans, codes, rssMiB: rss[Math.floor(rss.length / 2)] as number, rssRange: [rss[0], rss[rss.length - 1]] as [number, number], walMiB: walPath === null ? null : Math.max(wal, walMiB()) }
      minutes.push(minute)
      const [text1, cpu1] = [await scrapeMetrics(), machine()]
      const cpu = cpu1.map((v, i) => v - (cpu0[i] ?? 0))
      const total = cpu.reduce((a, b) => a + b, 0) || 1
      const share = (i: number): string => `${fmt((cpu[i] ?? 0) / total * 100)} %`
      const phases = ['lock_wait', 'commit', 'fsync'].map((phase) => `${phase.replace('_', ' ')} ${bucketSpread(text0, text1, 'gridpass_scan_commit_phase_seconds', `phase="${phase}"`)}`)
      // prom-client resets its event-loop monitor at each scrape: text1 holds this minute's delays alone.
      const lagMs = metricValue(text1, 'gridpass_nodejs_eventloop_lag_max_seconds') * 1000
      if (lagMs > soakLag.ms) soakLag = { ms: lagMs, minute: minutes.length }
      const gcs = ['minor', 'major'].map((kind) => gcBetween(text0, text1, kind))
      console.log(`  minute ${minutes.length}: scans p99 ${scans.latency.p99} ms (${scans.errors + scans.non2xx} failed), codes p99 ${codes.latency.p99} ms (${codes.errors + codes.non2xx} failed), RSS median ${fmt(minute.rssMiB)} MiB (${fmt(minute.rssRange[0])}-${fmt(minute.rssRange[1])})${minute.walMiB === null ? '' : `, WAL up to ${fmt(minute.walMiB, 1)} MiB`}`)
      console.log(`    commit groups (p99 / slowest): ${walPath === null ? 'n/a on PostgreSQL' : phases.join(', ')}; machine idle ${share(3)}, iowait ${share(4)}, steal ${share(7)}; event loop's longest delay ${fmt(lagMs, 1)} ms; GC ${gcs.join(', ')}`)
    }
  }

  // 9. Report.
  const ratio = rate(g) / rate(d)
  const codeRatio = rate(gc) / rate(sb)
  const verdict = (ok: boolean): string => ok ? 'met' : 'MISSED'
  const row = (cells: string[]): string => `| ${cells.join(' | ')} |`
  const refLabel = pgDatabase === null ? 'one durable SQLite insert (group commit, fsync)' : 'one durable PostgreSQL insert (one INSERT per event-loop turn, answered after its commit)'
  const rows = [
    row(['measurement', 'result', 'p50 / p99 latency', 'errors, non-2xx', 'target', '']),
    row(['---', '---:', '---:', '---:', '---', '---']),
    row([`baseline: bare Fastify + ES256 verify, best of ${CONNECTION_COUNTS.join(' / ')} connections: ${bConnections}`, `${fmt(rate(b))} req/s`, `${b.latency.p50} / ${b.latency.p99} ms`, `${b.errors + b.timeouts}, ${b.non2xx}`, '', '']),
    row([`reference: baseline + ${refLabel}, best: ${dConnections} connections`, `${fmt(rate(d))} req/s (${fmt(rate(d) / rate(b), 2)} × baseline)`, `${d.latency.p50} / ${d.latency.p99} ms`, `${d.errors + d.timeouts}, ${d.non2xx}`, '', '']),
    row([`gridpass POST /v1/scans, best: ${gConnections} connections`, `${fmt(rate(g))} scans/s (${fmt(rate(g) / rate(b), 2)} × baseline)`, `${g.latency.p50} / ${g.latency.p99} ms`, `${g.errors + g.timeouts}, ${g.non2xx}`, '', '']),
    // Three digits: 0.797 printed as 0.80 beside MISSED would read as a mistake.
    row(['1. ratio gridpass / reference', fmt(ratio, 3), '', '', '≥ 0.80', verdict(ratio >= 0.8)]),
    ...(tBest === null
      ? []
      : [
          row([`trail reference: the reference writing the trail's own row (gridpass's scan statement, scan and checkpoint threads, on a copy of the database), best: ${tBest.connections} connections`, `${fmt(rate(tBest.r))} req/s (${fmt(rate(tBest.r) / rate(b), 2)} × baseline, ${fmt(rate(tBest.r) / rate(d), 2)} × reference)`, `${tBest.r.latency.p50} / ${tBest.r.latency.p99} ms`, `${tBest.r.errors + tBest.r.timeouts}, ${tBest.r.non2xx}`, '', '']),
          row(['… ratio gridpass / trail reference (the service\'s own work per scan; information, not a target)', fmt(rate(g) / rate(tBest.r), 2), '', '', '', ''])
        ]),
    row([`2. gridpass POST /v1/scans at half the max rate (${fmt(half)}/s), evenly paced, up to ${high} in flight`, `${fmt(h.rate)} scans/s`, `${h.latency.p50} / **${h.latency.p99}** ms (max ${h.latency.max}; sent late by the load generator: p99 ${h.sendDelay.p99}, max ${h.sendDelay.max})`, `${h.errors}, ${h.non2xx}`, 'p99 ≤ 20 ms', verdict(h.latency.p99 <= 20 && h.errors + h.non2xx === 0)]),
    row(['… the baseline at the same paced rate (yardstick)', `${fmt(hBaseline.rate)} req/s`, `${hBaseline.latency.p50} / ${hBaseline.latency.p99} ms (max ${hBaseline.latency.max})`, `${hBaseline.errors}, ${hBaseline.non2xx}`, '', '']),
    row(['… the reference at the same paced rate (yardstick: one durable insert)', `${fmt(hReference.rate)} req/s`, `${hReference.latency.p50} / ${hReference.latency.p99} ms (max ${hReference.latency.max})`, `${hReference.errors}, ${hReference.non2xx}`, '', '']),
    ...(hTrail === null ? [] : [row(['… the trail reference at the same paced rate (information: the trail\'s row alone, durable)', `${fmt(hTrail.rate)} req/s`, `${hTrail.latency.p50} / ${hTrail.latency.p99} ms (max ${hTrail.latency.max})`, `${hTrail.errors}, ${hTrail.non2xx}`, '', ''])]),
    row(['3. gridpass POST /v1/scans/batch, 1000 items, 2 connections', `${fmt(batchRate)} scans/s`, `${batch.latency.p50} / ${batch.latency.p99} ms per batch`, `${batch.errors + batch.timeouts}, ${batch.non2xx}`, '≥ 8,000 scans/s', verdict(batchRate >= 8000)]),
    row([`sign baseline: bare Fastify + ES256 sign, best: ${sbConnections} connections`, `${fmt(rate(sb))} req/s`, `${sb.latency.p50} / ${sb.latency.p99} ms`, `${sb.errors + sb.timeouts}, ${sb.non2xx}`, '', '']),
    row([`gridpass GET /v1/me/code, best: ${gcConnections} connections`, `${fmt(rate(gc))} codes/s`, `${gc.latency.p50} / ${gc.latency.p99} ms`, `${gc.errors + gc.timeouts}, ${gc.non2xx}`, '', '']),
    row(['4a. ratio gridpass codes / sign baseline', fmt(codeRatio, 3), '', '', '≥ 0.70', verdict(codeRatio >= 0.7)]),
    row([`4b. gridpass GET /v1/me/code at half its max rate (${fmt(codeHalf)}/s), evenly paced`, `${fmt(hCode.rate)} codes/s`, `${hCode.latency.p50} / **${hCode.latency.p99}** ms (max ${hCode.latency.max}; sent late: p99 ${hCode.sendDelay.p99})`, `${hCode.errors}, ${hCode.non2xx}`, 'p99 ≤ 20 ms', verdict(hCode.latency.p99 <= 20 && hCode.errors + hCode.non2xx === 0)]),
    row(['… the sign baseline at the same paced rate (yardstick)', `${fmt(hSign.rate)} req/s`, `${hSign.latency.p50} / ${hSign.latency.p99} ms (max ${hSign.latency.max})`, `${hSign.errors}, ${hSign.non2xx}`, '', ''])
  ]
  if (minutes.length >= 3) {
    const first = minutes[0] as Minute
    const second = minutes[1] as Minute
    const last = minutes[minutes.length - 1] as Minute
    const failed = minutes.reduce((n, m) => n + m.scans.errors + m.scans.non2xx + m.codes.errors + m.codes.non2xx, 0)
    // "Beyond noise": the last minute's p99 more than half again the first's plus 2 ms (paced p99s of identical
    // minutes spread that much on these machines).
    const drift = (a: number, z: number): boolean => z > a * 1.5 + 2
    const rssChange = (last.rssMiB - second.rssMiB) / second.rssMiB
    const walMax = Math.max(...minutes.map((m) => m.walMiB ?? 0))
    rows.push(
      row([`5. soak, ${minutes.length} min: scans at ${fmt(half)}/s and codes beside them`, `${failed} failed`, `scans p99 ${first.scans.latency.p99} → ${last.scans.latency.p99} ms, codes ${first.codes.latency.p99} → ${last.codes.latency.p99} ms (first → last minute)`, '', 'no error, no p99 drift', verdict(failed === 0 && !drift(first.scans.latency.p99, last.scans.latency.p99) && !drift(first.codes.latency.p99, last.codes.latency.p99))]),
      row(['… server RSS, median of each minute (one reading a second), second → last minute', `${fmt(second.rssMiB)} → ${fmt(last.rssMiB)} MiB (${rssChange >= 0 ? '+' : ''}${fmt(rssChange * 100, 1)} %)`, '', '', 'within 10 %', verdict(Math.abs(rssChange) <= 0.1)]),
      ...(last.walMiB === null ? [] : [row(['… SQLite WAL, largest seen', `${fmt(walMax, 1)} MiB`, '', '', `≤ ${WAL_BOUND_MIB} MiB (the checkpoint thread's bound)`, verdict(walMax <= WAL_BOUND_MIB)])])
    )
  }
  console.log('\n' + rows.join('\n'))
  console.log('\n' + [
    row(['CPU per answered request', 'server main thread', '… waiting for a core', 'server other threads', '… one by one, busiest first', 'load generator', 'machine idle', pgDatabase === null ? 'server wrote to disk' : 'PostgreSQL\'s WAL']),
    row(['---', '---:', '---:', '---:', '---', '---:', '---:', '---:']),
    ...cpuRows.map(([label, c]) => c === null
      ? row([label, 'n/a (no /proc)', '', '', '', '', '', ''])
      : row([label, `${fmt(c.mainUs)} µs`, c.mainWaitUs === null ? 'n/a' : `${fmt(c.mainWaitUs)} µs`, `${fmt(c.othersUs)} µs`, c.threadsUs.slice(0, 8).map((us) => fmt(us)).join(' / '), `${fmt(c.loadUs)} µs`, `${fmt(c.idle * 100)} %`, c.writtenKiB === null ? 'n/a' : `${fmt(c.writtenKiB, 1)} KiB`]))
  ].join('\n'))
  // Garbage collection over the whole run, from the server's own metrics: long pauses show in every p99.
  const gcText = await scrapeMetrics()
  const gcLines = [...gcText.matchAll(/^gridpass_nodejs_gc_duration_seconds_(sum|count)\{kind="(\w+)"\} ([\d.e+-]+)/gm)]
  const gcOf = (kind: string, what: string): number => Number(gcLines.find((m) => m[2] === kind && m[1] === what)?.[3] ?? 0)
  const lag = (name: string): number => Number(new RegExp(`^gridpass_nodejs_eventloop_lag_${name}_seconds ([\\d.e+-]+)`, 'm').exec(gcText)?.[1] ?? 0) * 1000
  // prom-client's monitor starts over at each scrape of /metrics: this is the time since the last one.
  console.log(`\n  event-loop delay since the last scrape of /metrics (prom-client's monitor): p99 ${fmt(lag('p99'), 1)} ms, max ${fmt(lag('max'), 1)} ms` +
    (soakLag.minute > 0 ? `; the soak's longest ${fmt(soakLag.ms, 1)} ms (minute ${soakLag.minute})` : ''))
  console.log(`\n  garbage collection during the run: ${['minor', 'major', 'incremental'].map((k) => `${k} ${fmt(gcOf(k, 'count'))} pauses, ${fmt(gcOf(k, 'sum') * 1000)} ms`).join('; ')}`)
  console.log(`\n  ${fmt(PEOPLE)} people, ${fmt(SCANS)} earlier scans, scans showing ${fmt(PAPER_CODES)} paper codes and ${LIVE_RESIDENTS} live ones, ${DURATION} s per measurement, load average now ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)

  server.child.kill('SIGTERM')
  await server.exited
  if (args['heap-sample']) {
    if (existsSync(heapFile)) {
      const { requests, bytes, top } = allocationsPerRequest(heapFile)
      console.log(`\n  server main thread's allocations during POST /v1/scans at the max rate (V8's sampling heap profiler, collected objects included, ${fmt(requests)} requests): ${fmt(bytes / 1024, 1)} KiB a request; by function:`)
      for (const a of top) console.log(`  ${fmt(a.bytes).padStart(6)} B  ${a.fn}`)
    } else console.log('\n  no heap profile was written (the server ended before the second SIGWINCH?)')
  }
  if (args['cpu-prof'] && existsSync(profDir)) {
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'))
    if (file !== undefined) {
      for (const [label, window] of [['POST /v1/scans at the max rate', gWindow], ['POST /v1/scans/batch', batchWindow], ['GET /v1/me/code at the max rate', codeWindow]] as const) {
        console.log(`\n  server CPU profile, self time during ${label} (the profile's clock ${window.from}-${window.to} µs):`)
        for (const r of topSelfTime(join(profDir, file), 25, window)) console.log(`  ${(r.share * 100).toFixed(1).padStart(5)} %  ${r.fn}`)
      }
    }
  }
} finally {
  await cleanup()
}

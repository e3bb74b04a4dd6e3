// npm run bench:scans -- [--people 100000] [--scans 1000000] [--duration 15] [--connections 32] [--db file:… | postgres://…] [--cpu-prof]
//
// Seeds a realistic database, starts the real server as a child process, and measures with autocannon:
//   1. a baseline: a bare Fastify route (separate process) that parses the same body and does one ES256 verify;
//   1b. a reference: the baseline plus one durable SQLite insert through gridpass's scan thread (the cost of durability);
//   2. POST /v1/scans at the maximum rate → the ratio to the baseline (target ≥ 0.8);
//   3. POST /v1/scans at half that rate → p99 latency (target ≤ 20 ms);
//   4. POST /v1/scans/batch with 1000-item batches → scans per second (target ≥ 5000).
import { randomUUID } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import autocannon, { type Result } from 'autocannon'
import pg from 'pg'
import { ensureKeys, loadKeyring } from '../src/lib/keyring.ts'
import { createPii } from '../src/lib/pii.ts'
import { idNumberOf, openSink, seed } from './lib/seed.ts'
import { startServer, type ServerProcess } from './lib/server-process.ts'
import { profileClock, topSelfTime } from './lib/cpu-profile.ts'

const { values: args } = parseArgs({
  options: {
    people: { type: 'string', default: '100000' },
    scans: { type: 'string', default: '1000000' },
    duration: { type: 'string', default: '15' },
    connections: { type: 'string', default: '32' },
    db: { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false }
  }
})
const PEOPLE = Number(args.people)
const SCANS = Number(args.scans)
const DURATION = Number(args.duration)
const CONNECTIONS = Number(args.connections)
const ADMIN_PASSWORD = 'bench-admin-password'
const LIVE_RESIDENTS = 20
const PAPER_CODES = 1000

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
  if (pgDatabase !== null) {
    const c = new pg.Client({ connectionString: pgDatabase.admin })
    await c.connect()
    await c.query(`DROP DATABASE IF EXISTS ${pgDatabase.name} WITH (FORCE)`)
    await c.end()
  }
  if (!args.keep) rmSync(dir, { recursive: true, force: true })
}

async function json (base: string, method: string, path: string, token: string | null, body?: unknown): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(base + path, {
    method,
    headers: { ...(token !== null ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  const out = await res.json() as unknown
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(out)}`)
  return out
}

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

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
  const server = await startServer({
    env: { DATABASE_URL: databaseUrl, GRIDPASS_KEYS_DIR: keysDir, GRIDPASS_ADMIN_PASSWORD: ADMIN_PASSWORD, GRIDPASS_CODE_TTL_SECONDS: '3600', LOG_LEVEL: 'warn', GRIDPASS_DEV_OTP: 'true' },
    nodeArgs: args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []
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
  for (let i = 0; i < LIVE_RESIDENTS; i++) {
    const phone = `13${String(Date.now() % 1e6).padStart(6, '0')}${String(i).padStart(3, '0')}`
    const otp = await json(base, 'POST', '/v1/auth/otp', null, { phone })
    const resident = (await json(base, 'POST', '/v1/auth/otp/verify', null, { phone, code: otp.devCode })).accessToken as string
    await json(base, 'PUT', '/v1/me/profile', resident, { name: '欧阳娜娜', idNumber: idNumberOf(PEOPLE + i) })
    tokens.push((await json(base, 'GET', '/v1/me/code', resident)).token as string)
  }
  for (let i = 0; i < PAPER_CODES; i++) {
    const personId = seeded.personIds[Math.floor(Math.random() * seeded.personIds.length)] as string
    tokens.push((await json(base, 'POST', `/v1/people/${personId}/paper-code`, admin)).token as string)
  }

  // Each code is shown at one gate (its holder's usual one): codes ping-ponging between gates 1 km apart every few
  // seconds would be flagged as impossible travel, which is not the traffic a checkpoint sees.
  const scanBody = (): string => {
    const i = Math.floor(Math.random() * tokens.length)
    return JSON.stringify({ id: randomUUID(), token: tokens[i], checkpointId: checkpointIds[i % checkpointIds.length], direction: 'in' })
  }
  const probe = await json(base, 'POST', '/v1/scans', volunteer, JSON.parse(scanBody()))
  if (probe.recorded !== true) throw new Error(`a probe scan was not recorded: ${JSON.stringify(probe)}`)
  const headers = { authorization: `Bearer ${volunteer}`, 'content-type': 'application/json' }
  const single = (url: string, extra: { overallRate?: number, duration?: number } = {}): Promise<Result> => autocannon({
    url, connections: CONNECTIONS, duration: extra.duration ?? DURATION, timeout: 30, ...(extra.overallRate !== undefined ? { overallRate: extra.overallRate } : {}),
    requests: [{ method: 'POST', path: '/v1/scans', headers, setupRequest: (req) => ({ ...req, body: scanBody() }) }]
  })
  const rate = (r: Result): number => r['2xx'] / r.duration

  // 4. Baseline: bare Fastify + one ES256 verify, separate process, same machine, same bodies.
  const baseline = await startServer({ entry: 'scripts/lib/baseline-server.ts', env: { GRIDPASS_KEYS_DIR: keysDir }, ready: /baseline listening on (http:\/\/\S+)/ })
  servers.push(baseline)
  await single(baseline.base, { duration: 3 })
  const b = await single(baseline.base)
  baseline.child.kill('SIGTERM')
  await baseline.exited

  // 4b. A reference, not a target: the baseline plus one durable SQLite insert through gridpass's scan thread.
  const durable = await startServer({ entry: 'scripts/lib/durable-server.ts', env: { GRIDPASS_KEYS_DIR: keysDir, GRIDPASS_BENCH_DIR: dir }, ready: /durable reference listening on (http:\/\/\S+)/ })
  servers.push(durable)
  await single(durable.base, { duration: 3 })
  const d = await single(durable.base)
  durable.child.kill('SIGTERM')
  await durable.exited

  // 5. gridpass at the maximum rate, then at half of it.
  await single(base, { duration: 3 })
  const gWindow = { from: profileClock(), to: 0 }
  const g = await single(base)
  gWindow.to = profileClock()
  const half = Math.max(1, Math.floor(rate(g) / 2))
  const h = await single(base, { overallRate: half })

  // 6. Offline batch sync: 1000 items per request, two scanners syncing at once.
  const batchBody = (): string => `{"scans":[${Array.from({ length: 1000 }, scanBody).join(',')}]}`
  const check = await json(base, 'POST', '/v1/scans/batch', volunteer, JSON.parse(batchBody()))
  const judged = (check.results as Array<{ recorded?: boolean }>).filter((r) => r.recorded === true).length
  if (judged !== 1000) throw new Error(`a probe batch recorded ${judged} of 1000`)
  const batchWindow = { from: profileClock(), to: 0 }
  const batch = await autocannon({
    url: base, connections: 2, duration: DURATION, timeout: 60,
    requests: [{ method: 'POST', path: '/v1/scans/batch', headers, setupRequest: (req) => ({ ...req, body: batchBody() }) }]
  })
  batchWindow.to = profileClock()
  const batchRate = batch['2xx'] * 1000 / batch.duration

  // 7. Report.
  const ratio = rate(g) / rate(b)
  const verdict = (ok: boolean): string => ok ? 'met' : 'MISSED'
  const row = (cells: string[]): string => `| ${cells.join(' | ')} |`
  console.log('\n' + [
    row(['measurement', 'result', 'p50 / p99 latency', 'errors, non-2xx', 'target', '']),
    row(['---', '---:', '---:', '---:', '---', '---']),
    row([`baseline: bare Fastify + ES256 verify, ${CONNECTIONS} connections`, `${fmt(rate(b))} req/s`, `${b.latency.p50} / ${b.latency.p99} ms`, `${b.errors + b.timeouts}, ${b.non2xx}`, '', '']),
    row([`reference: baseline + one durable SQLite insert (group commit, fsync), ${CONNECTIONS} connections`, `${fmt(rate(d))} req/s (${fmt(rate(d) / rate(b), 2)} × baseline)`, `${d.latency.p50} / ${d.latency.p99} ms`, `${d.errors + d.timeouts}, ${d.non2xx}`, '', '']),
    row([`gridpass POST /v1/scans, ${CONNECTIONS} connections`, `${fmt(rate(g))} scans/s`, `${g.latency.p50} / ${g.latency.p99} ms`, `${g.errors + g.timeouts}, ${g.non2xx}`, '', '']),
    row(['ratio gridpass / baseline', fmt(ratio, 2), '', '', '≥ 0.80', verdict(ratio >= 0.8)]),
    row([`gridpass POST /v1/scans at half the max rate (${fmt(half)}/s)`, `${fmt(rate(h))} scans/s`, `${h.latency.p50} / **${h.latency.p99}** ms`, `${h.errors + h.timeouts}, ${h.non2xx}`, 'p99 ≤ 20 ms', verdict(h.latency.p99 <= 20)]),
    row(['gridpass POST /v1/scans/batch, 1000 items, 2 connections', `${fmt(batchRate)} scans/s`, `${batch.latency.p50} / ${batch.latency.p99} ms per batch`, `${batch.errors + batch.timeouts}, ${batch.non2xx}`, '≥ 5,000 scans/s', verdict(batchRate >= 5000)])
  ].join('\n'))
  console.log(`\n  ${fmt(PEOPLE)} people, ${fmt(SCANS)} earlier scans, ${DURATION} s per measurement, load average now ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)

  server.child.kill('SIGTERM')
  await server.exited
  if (args['cpu-prof'] && existsSync(profDir)) {
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'))
    if (file !== undefined) {
      for (const [label, window] of [['POST /v1/scans at the max rate', gWindow], ['POST /v1/scans/batch', batchWindow]] as const) {
        console.log(`\n  server CPU profile, self time during ${label}:`)
        for (const r of topSelfTime(join(profDir, file), 25, window)) console.log(`  ${(r.share * 100).toFixed(1).padStart(5)} %  ${r.fn}`)
      }
    }
  }
} finally {
  await cleanup()
}

// Crash test: the real server is killed with SIGKILL while scans are in flight, again and again.
// Every acknowledged scan must survive, a client re-sending everything must never double a row,
// and the SQLite file must stay intact.
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import t from 'tap'
import { startServer, type ServerProcess } from '../scripts/lib/server-process.ts'
import { idNumberFor, type Test } from './helper.ts'

const ADMIN_PASSWORD = 'durability-admin-password'
const PG_URL = process.env.GRIDPASS_TEST_PG_URL

interface Item { id: string, token: string, checkpointId: string, scannedAt?: string, direction?: 'in' | 'out' | 'pass' }
interface Answer { id: string, decision: 'allow' | 'deny', recorded: boolean, duplicate: boolean, reason: string | null }
interface State { scans: Set<string>, security: Set<string>, scanRows: number, securityRows: number, integrity: string }

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)] as T

async function call (base: string, method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number, json: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(base + path, {
    method,
    headers: { ...(token !== null ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  const text = await res.text()
  return { status: res.status, json: text === '' ? null : JSON.parse(text) }
}

/**
 * A setup call that must answer `status`. Like any client it retries 503 GP_OVERLOADED for a few seconds: right after
 * a start on a busy machine (CI runs two test files at once) the event loop's delay may still be over its limit.
 */
async function must (base: string, method: string, path: string, token: string | null, body: unknown, status: number): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  let res = await call(base, method, path, token, body)
  for (let tries = 0; res.status === 503 && res.json?.code === 'GP_OVERLOADED' && tries < 25; tries++) {
    await sleep(200)
    res = await call(base, method, path, token, body)
  }
  if (res.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${res.status} ${JSON.stringify(res.json)}`)
  return res.json
}

/** A copy of a valid token with one signature character changed: it must be denied and kept only in the security log. */
function tamper (token: string): string {
  const i = token.length - 10
  return token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1)
}

interface Target {
  databaseUrl: string
  /** After a kill, while no server runs: waits until what the killed one had sent can no longer change the data. */
  settle: () => Promise<void>
  readState: () => Promise<State>
  cleanup: () => Promise<void>
}

function sqliteTarget (dir: string): Target {
  const file = join(dir, 'gridpass.db')
  return {
    databaseUrl: `file:${file}`,
    // The killed process was the file's only writer: nothing of it runs on.
    settle: async () => {},
    async readState () {
      // A fresh read-only connection: it sees exactly what a restarted server would recover from the file and its WAL.
      const db = new Database(file, { readonly: true, fileMustExist: true })
      try {
        const integrity = (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check).join('; ')
        const scans = new Set((db.prepare('SELECT id FROM scans').pluck().all() as string[]))
        const security = new Set((db.prepare('SELECT id FROM security_events').pluck().all() as string[]))
        const scanRows = db.prepare('SELECT count(*) FROM scans').pluck().get() as number
        const securityRows = db.prepare('SELECT count(*) FROM security_events').pluck().get() as number
        return { scans, security, scanRows, securityRows, integrity }
      } finally {
        db.close()
      }
    },
    async cleanup () {}
  }
}

async function pgTarget (adminUrl: string): Promise<Target> {
  const name = `gridpass_dur_${randomBytes(5).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    databaseUrl: url.toString(),
    // The statements a killed server had already sent still run to their commit in PostgreSQL's own backends, which
    // end only then (a group could otherwise commit between two reads of the check): wait until none is left.
    async settle () {
      const c = new pg.Client({ connectionString: url.toString() })
      await c.connect()
      try {
        const deadline = Date.now() + 15_000
        for (;;) {
          const others = Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND backend_type = \'client backend\' AND pid <> pg_backend_pid()')).rows[0]?.n)
          if (others === 0) return
          if (Date.now() > deadline) throw new Error(`${others} connections of the killed server still open after 15 s`)
          await sleep(50)
        }
      } finally {
        await c.end()
      }
    },
    async readState () {
      const c = new pg.Client({ connectionString: url.toString() })
      await c.connect()
      try {
        const scans = new Set((await c.query<{ id: string }>('SELECT id FROM scans')).rows.map((r) => r.id))
        const security = new Set((await c.query<{ id: string }>('SELECT id FROM security_events')).rows.map((r) => r.id))
        const scanRows = Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM scans')).rows[0]?.n)
        const securityRows = Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM security_events')).rows[0]?.n)
        return { scans, security, scanRows, securityRows, integrity: 'ok' }
      } finally {
        await c.end()
      }
    },
    async cleanup () {
      const c = new pg.Client({ connectionString: adminUrl })
      await c.connect()
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await c.end()
    }
  }
}

async function crashSuite (t: Test, target: Target, rounds: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gridpass-durability-'))
  t.teardown(async () => { rmSync(dir, { recursive: true, force: true }); await target.cleanup() })
  const env = {
    DATABASE_URL: target.databaseUrl,
    GRIDPASS_KEYS_DIR: join(dir, 'keys'),
    GRIDPASS_ADMIN_PASSWORD: ADMIN_PASSWORD,
    GRIDPASS_CODE_TTL_SECONDS: '3600',
    GRIDPASS_DEV_OTP: 'true',
    LOG_LEVEL: 'warn'
  }
  let server: ServerProcess | null = await startServer({ env })
  t.teardown(() => { server?.child.kill('SIGKILL') })

  // Setup once: a checkpoint, a volunteer assigned to it, residents with profiles and live codes (one of them yellow).
  let base = server.base
  const admin = (await must(base, 'POST', '/v1/auth/login', null, { username: 'admin', password: ADMIN_PASSWORD }, 200)).accessToken as string
  const checkpointId = (await must(base, 'POST', '/v1/checkpoints', admin, { name: '陆城卡口', kind: 'traffic' }, 201)).id as string
  await must(base, 'POST', '/v1/users', admin, { username: 'gate-volunteer', password: 'volunteer-password', role: 'volunteer', checkpointIds: [checkpointId] }, 201)
  const volunteer = (await must(base, 'POST', '/v1/auth/login', null, { username: 'gate-volunteer', password: 'volunteer-password' }, 200)).accessToken as string
  const tokens: string[] = []
  const serial = Math.floor(Math.random() * 50_000)
  for (let i = 0; i < 6; i++) {
    const phone = `137${String(serial + i).padStart(8, '0')}`
    const otp = await must(base, 'POST', '/v1/auth/otp', null, { phone }, 202)
    const resident = (await must(base, 'POST', '/v1/auth/otp/verify', null, { phone, code: otp.devCode }, 200)).accessToken as string
    await must(base, 'PUT', '/v1/me/profile', resident, { name: ['张三', '欧阳娜娜', '李四'][i % 3], idNumber: idNumberFor(serial + i) }, 200)
    if (i === 5) await must(base, 'POST', '/v1/me/declarations', resident, { temperature: 38.2, symptoms: ['cough'], visitedHighRiskArea: false, contactWithConfirmed: false }, 201)
    tokens.push((await must(base, 'GET', '/v1/me/code', resident, undefined, 200)).token as string)
  }
  const scanners = [volunteer, admin]

  const sent = new Map<string, Item>()
  const acked = new Map<string, Answer>()
  const newItem = (offline: boolean): Item => {
    const token = Math.random() < 0.1 ? tamper(pick(tokens)) : pick(tokens)
    const item: Item = { id: randomUUID(), token, checkpointId, direction: pick(['in', 'out', 'pass'] as const) }
    if (offline) item.scannedAt = new Date(Date.now() - 1000).toISOString()
    sent.set(item.id, item)
    return item
  }
  let overloaded = 0
  const isAnswer = (x: unknown): x is Answer => typeof x === 'object' && x !== null && 'decision' in x

  /** Sends scans from several concurrent clients until stopped; remembers every answer that came back. */
  async function traffic (b: string, stop: () => boolean): Promise<void> {
    const batchClient = async (): Promise<void> => {
      while (!stop()) {
        const items = Array.from({ length: 10 + Math.floor(Math.random() * 40) }, () => newItem(Math.random() < 0.5))
        try {
          const res = await call(b, 'POST', '/v1/scans/batch', pick(scanners), { scans: items })
          if (res.status === 200) for (const r of res.json.results as unknown[]) if (isAnswer(r)) acked.set(r.id, r)
        } catch (_err) { /* the process died under the request: not acknowledged */ }
      }
    }
    const singleClient = async (): Promise<void> => {
      while (!stop()) {
        const item = newItem(false)
        try {
          const res = await call(b, 'POST', '/v1/scans', pick(scanners), item)
          if (res.status === 200 && isAnswer(res.json)) acked.set(item.id, res.json)
        } catch (_err) { /* not acknowledged */ }
      }
    }
    await Promise.all([batchClient(), singleClient(), singleClient(), singleClient()])
  }

  /** (a) every acknowledged scan is in the table its answer promised, (c) the file is intact, no id is in two places. */
  async function checkAfterCrash (round: number): Promise<State> {
    const state = await target.readState()
    const lost = [...acked.values()].filter((a) => !(a.recorded ? state.scans : state.security).has(a.id)).map((a) => a.id)
    t.same(lost, [], `round ${round}: all ${acked.size} acknowledged scans survived the SIGKILL`)
    t.equal(state.integrity, 'ok', `round ${round}: integrity_check is ok`)
    t.equal(state.scanRows, state.scans.size, `round ${round}: one row per scan id`)
    t.same([...state.scans].filter((id) => state.security.has(id)), [], `round ${round}: no id is both a trail row and a security event`)
    return state
  }

  /** (b) re-sending everything ever sent: acknowledged or committed ids answer duplicate:true, never a second row. */
  async function resendAll (b: string, round: number, before: State): Promise<void> {
    const items = [...sent.values()]
    const wrong: string[] = []
    // Chunks of 250: a 1000-item batch of duplicates can hold the event loop long enough for a 503 on a loaded machine.
    for (let i = 0; i < items.length; i += 250) {
      let res = await call(b, 'POST', '/v1/scans/batch', volunteer, { scans: items.slice(i, i + 250) })
      // A scanner retries 503 (GP_OVERLOADED right after a start on a busy machine); its queue is idempotent.
      for (let tries = 0; res.status === 503 && tries < 50; tries++) {
        overloaded++
        await sleep(200)
        res = await call(b, 'POST', '/v1/scans/batch', volunteer, { scans: items.slice(i, i + 250) })
      }
      if (res.status !== 200) throw new Error(`re-send failed: ${res.status} ${JSON.stringify(res.json)}`)
      for (const r of res.json.results as unknown[]) {
        if (!isAnswer(r)) { wrong.push(`error answer ${JSON.stringify(r)}`); continue }
        const known = before.scans.has(r.id) || before.security.has(r.id)
        const first = acked.get(r.id)
        if (r.duplicate !== known) wrong.push(`${r.id}: duplicate ${r.duplicate}, but ${known ? 'it was' : 'it was not'} committed`)
        else if (first !== undefined && (r.decision !== first.decision || r.recorded !== first.recorded || r.reason !== first.reason)) wrong.push(`${r.id}: answer changed from ${first.decision}/${first.reason} to ${r.decision}/${r.reason}`)
        acked.set(r.id, { ...r, duplicate: false })
      }
    }
    t.same(wrong, [], `round ${round}: re-sending all ${items.length} scans answers duplicate:true exactly for the committed ones, with the first answer`)
    const after = await target.readState()
    t.equal(after.scans.size + after.security.size, sent.size, `round ${round}: every id sent is recorded once (${after.scans.size} trail rows, ${after.security.size} security events)`)
    t.equal(after.scanRows, after.scans.size, `round ${round}: no trail row is doubled`)
    t.equal(after.securityRows, after.security.size, `round ${round}: no security event is doubled`)
  }

  for (let round = 1; round <= rounds; round++) {
    const t0 = Date.now()
    let t1 = t0
    if (server === null) {
      server = await startServer({ env })
      base = server.base
      t1 = Date.now()
      await resendAll(base, round, await target.readState())
    }
    const t2 = Date.now()
    let stopped = false
    const running = traffic(base, () => stopped)
    await sleep(100 + Math.random() * 400)
    const victim: ServerProcess = server
    victim.child.kill('SIGKILL')
    const { signal } = await victim.exited
    server = null
    stopped = true
    await running
    await target.settle()
    t.equal(signal, 'SIGKILL', `round ${round}: killed while ${sent.size - acked.size} scans were unanswered`)
    await checkAfterCrash(round)
    t.comment(`round ${round}: start ${t1 - t0} ms, re-send ${t2 - t1} ms, traffic and check ${Date.now() - t2} ms`)
  }

  // Last restart: the client re-sends its whole queue, then a graceful stop leaves a clean file.
  server = await startServer({ env })
  await resendAll(server.base, rounds + 1, await target.readState())
  server.child.kill('SIGTERM')
  t.equal((await server.exited).code, 0, 'SIGTERM after the last round ends the process cleanly')
  server = null
  const final = await target.readState()
  t.equal(final.integrity, 'ok', 'integrity_check is ok at the end')
  t.comment(`503 answers retried during re-sends: ${overloaded}`)
  t.ok(final.scans.size >= 20 * rounds, `the test recorded a real load (${final.scans.size} trail rows, ${final.security.size} security events)`)
}

// 12 rounds: each re-sends every scan so far (the test's time grows with the square of the rounds), and CI runs well
// under 30 minutes on this machine class's slower days.
void t.test('SIGKILL during scans, 12 rounds, SQLite file with synchronous=FULL', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gridpass-durability-db-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  await crashSuite(t, sqliteTarget(dir), 12)
})

if (PG_URL !== undefined && PG_URL !== '') {
  void t.test('SIGKILL during scans, 5 rounds, PostgreSQL', async (t) => {
    await crashSuite(t, await pgTarget(PG_URL), 5)
  })
}

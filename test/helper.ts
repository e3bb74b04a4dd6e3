// Builds a fresh app per test on a fresh database (a SQLite file in a temp dir, and a new PostgreSQL schema when configured).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import t from 'tap'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { buildApp, type BuildOptions } from '../src/app.ts'
import { loadConfig, type Config } from '../src/config.ts'
import { checkCharacter } from '../src/lib/id-number.ts'

export type Test = Parameters<Parameters<typeof t.test>[0]>[0]
export const ADMIN_PASSWORD = 'admin-password-for-tests'
/** Every test app's GRIDPASS_METRICS_TOKEN: GET /metrics with `headers: METRICS_AUTH`. */
export const METRICS_TOKEN = 'metrics-token-for-tests'
export const METRICS_AUTH = { authorization: `Bearer ${METRICS_TOKEN}` }
export const T0 = Date.parse('2026-03-01T08:00:00.000Z')
export const DAY = 86_400_000
/** The promise's value, or 'waited' when it has not settled within `ms` (it keeps running). */
export const within = async <T>(p: Promise<T>, ms: number): Promise<T | 'waited'> =>
  Promise.race([p, new Promise<'waited'>((resolve) => setTimeout(() => resolve('waited'), ms))])

const PG_URL = process.env.GRIDPASS_TEST_PG_URL
const IN_CI = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false'

export type Dialect = 'sqlite' | 'pg'
export function dialects (): Dialect[] {
  if (PG_URL !== undefined && PG_URL !== '') return ['sqlite', 'pg']
  if (IN_CI) throw new Error('CI must test on PostgreSQL too: set GRIDPASS_TEST_PG_URL (see .ci/run)')
  return ['sqlite']
}
if (!dialects().includes('pg')) t.comment('PostgreSQL suites skipped: GRIDPASS_TEST_PG_URL is not set (CI sets it)')

export interface Clock { now: () => number, set: (ms: number) => void, advance: (ms: number) => void }

export interface Ctx {
  app: FastifyInstance
  dialect: Dialect
  clock: Clock
  config: Config
  keysDir: string
  /** PostgreSQL: the schema this app uses (another copy shares it through CtxOptions.share). */
  pgSchema: string
  inject: (opts: InjectOptions) => Promise<LightMyRequestResponse>
  admin: () => Promise<string>
  staff: (role: string, extra?: { checkpointIds?: string[], gridIds?: string[], areaIds?: string[], username?: string }) => Promise<string>
  resident: (opts?: { phone?: string, profile?: boolean | { name?: string, idNumber?: string, gridId?: string } }) => Promise<{ token: string, personId: string, phone: string, idNumber: string }>
  grid: (id?: string) => Promise<string>
  checkpoint: (extra?: Record<string, unknown>) => Promise<string>
  /**
   * A new officer allowed to confirm four-eyes changes requested from now on, whoever asked (the admin too): created an
   * hour before T0 (or before now, whichever is earlier; the clock is set back for that and restored) by a second
   * admin, "confirmers-admin" (made by the admin two hours before), and logged in now.
   */
  confirmer: () => Promise<string>
  /** Confirms a four-eyes change (POST /v1/changes/{changeId}/confirm) as a new confirmer(); the answer. */
  confirm: (changeId: string) => Promise<LightMyRequestResponse>
}

export interface CtxOptions {
  config?: Partial<Config>
  build?: BuildOptions
  keysDir?: string
  /** Another copy of the service: on that ctx's database (same SQLite file or PostgreSQL schema), keys folder and clock. */
  share?: Ctx
}

/** A valid GB 11643 ID number from a serial, born 1980-1999. */
export function idNumberFor (serial: number): string {
  const year = 1980 + (serial % 20)
  const body = `420581${year}0${1 + (serial % 9)}1${serial % 10}${String(serial % 1000).padStart(3, '0')}`
  return body + checkCharacter(body)
}

let phoneSerial = 0
export const nextPhone = (): string => `139${String(process.pid % 1000).padStart(3, '0')}${String(++phoneSerial).padStart(5, '0')}`
let idSerial = Math.floor(Math.random() * 100_000)

export async function makeCtx (test: Test, dialect: Dialect, opts: CtxOptions = {}): Promise<Ctx> {
  let nowMs = T0
  const { share } = opts
  const clock: Clock = share?.clock ?? { now: () => nowMs, set: (ms) => { nowMs = ms }, advance: (ms) => { nowMs += ms } }
  const keysDir = opts.keysDir ?? share?.keysDir ?? mkdtempSync(join(tmpdir(), 'gridpass-keys-'))
  const schema = share?.pgSchema ?? `t_${randomBytes(6).toString('hex')}`
  // A real file, as in production: scans are then written by the SQLite writer thread, as they are there.
  const dataDir = dialect === 'sqlite' && share === undefined ? mkdtempSync(join(tmpdir(), 'gridpass-db-')) : undefined
  // Each copy anchors the audit chain to a file of its own, as copies on two machines would.
  const anchorDir = mkdtempSync(join(tmpdir(), 'gridpass-anchor-'))
  const config: Config = {
    ...loadConfig({}),
    databaseUrl: share?.config.databaseUrl ?? (dataDir !== undefined ? `file:${join(dataDir, 'gridpass.db')}` : PG_URL as string),
    keysDir,
    adminPassword: ADMIN_PASSWORD,
    devOtp: true,
    metricsToken: METRICS_TOKEN,
    auditAnchorFile: join(anchorDir, 'audit-anchor.log'),
    logger: false,
    // Parallel suites on two cores can lag the event loop; shedding load would make tests flaky.
    maxEventLoopDelayMs: 0,
    now: clock.now,
    ...opts.config
  }
  // The folders made here go whatever happens: an app that fails to build or to close must not leave them behind.
  const removeFolders = (): void => {
    rmSync(anchorDir, { recursive: true, force: true })
    if (share !== undefined) return
    if (opts.keysDir === undefined) rmSync(keysDir, { recursive: true, force: true })
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true })
  }
  let app: FastifyInstance
  try {
    app = await buildApp(config, { dbOptions: dialect === 'pg' ? { pgSchema: schema, poolSize: 4 } : undefined, ...opts.build })
    await app.ready()
  } catch (err) {
    removeFolders()
    throw err
  }
  test.teardown(async () => {
    try {
      await app.close()
    } finally {
      removeFolders()
    }
    if (share !== undefined || dialect !== 'pg') return
    const client = new pg.Client({ connectionString: PG_URL })
    await client.connect()
    await client.query(`DROP SCHEMA ${schema} CASCADE`)
    await client.end()
  })

  const inject = (o: InjectOptions) => app.inject(o)
  let adminToken: string | undefined
  const admin = async (): Promise<string> => {
    if (adminToken !== undefined) return adminToken
    const res = await inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'admin', password: ADMIN_PASSWORD } })
    if (res.statusCode !== 200) throw new Error(`admin login failed: ${res.body}`)
    adminToken = res.json().accessToken as string
    return adminToken
  }
  let userSerial = 0
  const staff: Ctx['staff'] = async (role, extra = {}) => {
    const username = extra.username ?? `${role}-${++userSerial}`
    const password = 'staff-password-123'
    const created = await inject({ method: 'POST', url: '/v1/users', headers: { authorization: `Bearer ${await admin()}` }, payload: { username, password, role, checkpointIds: extra.checkpointIds, gridIds: extra.gridIds, areaIds: extra.areaIds } })
    if (created.statusCode !== 201) throw new Error(`create user failed: ${created.body}`)
    const res = await inject({ method: 'POST', url: '/v1/auth/login', payload: { username, password } })
    return res.json().accessToken as string
  }
  const resident: Ctx['resident'] = async (o = {}) => {
    const phone = o.phone ?? nextPhone()
    const otp = await inject({ method: 'POST', url: '/v1/auth/otp', payload: { phone } })
    if (otp.statusCode !== 202) throw new Error(`otp failed: ${otp.body}`)
    const res = await inject({ method: 'POST', url: '/v1/auth/otp/verify', payload: { phone, code: otp.json().devCode } })
    if (res.statusCode !== 200) throw new Error(`otp verify failed: ${res.body}`)
    const { accessToken: token, personId } = res.json() as { accessToken: string, personId: string }
    const idNumber = (typeof o.profile === 'object' ? o.profile.idNumber : undefined) ?? idNumberFor(++idSerial)
    if (o.profile !== false) {
      const p = typeof o.profile === 'object' ? o.profile : {}
      const put = await inject({ method: 'PUT', url: '/v1/me/profile', headers: { authorization: `Bearer ${token}` }, payload: { name: p.name ?? '张三', idNumber, ...(p.gridId !== undefined ? { gridId: p.gridId } : {}) } })
      if (put.statusCode !== 200) throw new Error(`profile failed: ${put.body}`)
    }
    return { token, personId, phone, idNumber }
  }
  let gridSerial = 0
  const grid: Ctx['grid'] = async (id = `g${++gridSerial}`) => {
    const res = await inject({ method: 'POST', url: '/v1/grids', headers: { authorization: `Bearer ${await admin()}` }, payload: { id, name: `网格 ${id}` } })
    if (res.statusCode !== 201) throw new Error(`grid failed: ${res.body}`)
    return id
  }
  const checkpoint: Ctx['checkpoint'] = async (extra = {}) => {
    const res = await inject({ method: 'POST', url: '/v1/checkpoints', headers: { authorization: `Bearer ${await admin()}` }, payload: { name: '陆城卡口', kind: 'traffic', ...extra } })
    if (res.statusCode !== 201) throw new Error(`checkpoint failed: ${res.body}`)
    return res.json().id as string
  }
  let confirmerSerial = 0
  let confirmersAdmin = false
  const confirmer: Ctx['confirmer'] = async () => {
    const password = 'staff-password-123'
    const login = async (username: string): Promise<string> => {
      const res = await inject({ method: 'POST', url: '/v1/auth/login', payload: { username, password } })
      if (res.statusCode !== 200) throw new Error(`${username} login failed: ${res.body}`)
      return res.json().accessToken as string
    }
    const createAt = async (at: number, token: string, username: string, role: string): Promise<void> => {
      const now = clock.now()
      clock.set(at)
      try {
        const created = await inject({ method: 'POST', url: '/v1/users', headers: { authorization: `Bearer ${token}` }, payload: { username, password, role } })
        if (created.statusCode !== 201) throw new Error(`create ${username} failed: ${created.body}`)
      } finally {
        clock.set(now)
      }
    }
    const before = Math.min(clock.now(), T0)
    if (!confirmersAdmin) {
      await createAt(before - 7_200_000, await admin(), 'confirmers-admin', 'admin')
      confirmersAdmin = true
    }
    const username = `confirmer-${++confirmerSerial}`
    await createAt(before - 3_600_000, await login('confirmers-admin'), username, 'officer')
    return login(username)
  }
  const confirm: Ctx['confirm'] = async (changeId) =>
    inject({ method: 'POST', url: `/v1/changes/${changeId}/confirm`, headers: { authorization: `Bearer ${await confirmer()}` } })
  return { app, dialect, clock, config, keysDir, pgSchema: schema, inject, admin, staff, resident, grid, checkpoint, confirmer, confirm }
}

/** Runs the same suite once per configured database, each subtest on a fresh app. */
export function eachDb (name: string, fn: (test: Test, ctx: Ctx) => Promise<void>, opts: CtxOptions = {}): void {
  for (const dialect of dialects()) {
    void t.test(`${name} [${dialect}]`, async (test) => {
      const ctx = await makeCtx(test, dialect, opts)
      await fn(test, ctx)
    })
  }
}

export const bearerOf = (token: string): { authorization: string } => ({ authorization: `Bearer ${token}` })

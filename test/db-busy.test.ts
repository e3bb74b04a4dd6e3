// A write that waits too long for another connection's lock is answered 503 GP_UNAVAILABLE with Retry-After, after
// GRIDPASS_DB_LOCK_TIMEOUT_MS and not later, with nothing written; the same request sent again once the lock is free
// is recorded exactly once. The lock is held by a real second connection: on SQLite a write transaction on the file
// (as a long checkpoint or another process would), on PostgreSQL a table lock that blocks inserts but not reads.
import { randomUUID } from 'node:crypto'
import Database from 'better-sqlite3'
import { sql } from 'drizzle-orm'
import pg from 'pg'
import t from 'tap'
import { bearerOf, eachDb, type Ctx } from './helper.ts'

const LOCK_TIMEOUT_MS = 300

/** Takes the write lock from a second connection; resolves with the function that lets it go. */
async function holdWriteLock (ctx: Ctx): Promise<() => Promise<void>> {
  if (ctx.dialect === 'sqlite') {
    const other = new Database(ctx.config.databaseUrl.slice('file:'.length))
    other.exec('BEGIN IMMEDIATE')
    return async () => { other.exec('COMMIT'); other.close() }
  }
  const [{ schema }] = await ctx.app.store.rows<{ schema: string }>(ctx.app.store.db, sql`SELECT current_schema() AS schema`) as [{ schema: string }]
  const other = new pg.Client({ connectionString: process.env.GRIDPASS_TEST_PG_URL })
  await other.connect()
  await other.query('BEGIN')
  // EXCLUSIVE: reads go on, every insert, update and foreign-key check on these tables waits.
  await other.query(`LOCK TABLE ${schema}.scans, ${schema}.security_events, ${schema}.checkpoints IN EXCLUSIVE MODE`)
  return async () => { await other.query('ROLLBACK'); await other.end() }
}

eachDb('a write held up by another connection\'s lock is a 503 with Retry-After after the lock timeout, writes nothing, and succeeds once when sent again', async (t, ctx) => {
  const cp = await ctx.checkpoint()
  const admin = await ctx.admin()
  const volunteer = await ctx.staff('volunteer', { checkpointIds: [cp] })
  const person = await ctx.resident({ profile: { name: '张三' } })
  const code = (await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(person.token) })).json().token as string
  const scan = { id: randomUUID(), token: code, checkpointId: cp }
  // Three slices of the batch route, judged side by side: each fails, none as an unhandled rejection.
  const batch = { scans: Array.from({ length: 250 }, () => ({ id: randomUUID(), token: code, checkpointId: cp })) }
  const post = (url: string, payload: object, token = volunteer) => ctx.inject({ method: 'POST', url, headers: bearerOf(token), payload })
  const trail = async (): Promise<string[]> => (await ctx.app.store.db.select({ id: ctx.app.store.t.scans.id }).from(ctx.app.store.t.scans)).map((r) => r.id).sort()
  t.match((await post('/v1/scans', { id: randomUUID(), token: code, checkpointId: cp })).json(), { recorded: true }, 'a first scan while nothing holds a lock')
  const before = await trail()

  const release = await holdWriteLock(ctx)
  let released = false
  t.teardown(async () => { if (!released) await release() })
  const busy = async (what: string, send: () => ReturnType<typeof post>): Promise<void> => {
    const started = performance.now()
    const res = await send()
    const waited = performance.now() - started
    t.match({ status: res.statusCode, body: res.json() }, { status: 503, body: { statusCode: 503, code: 'GP_UNAVAILABLE', error: 'Service Unavailable', message: 'the database is busy; retry in a moment' } }, `${what}: 503 GP_UNAVAILABLE`)
    t.equal(res.headers['retry-after'], '1', `${what}: Retry-After tells the client when to send it again`)
    // The upper bound leaves room for a loaded machine; what it rules out is a wait without end, or row by row
    // (250 rows × 300 ms = 75 s).
    t.ok(waited >= LOCK_TIMEOUT_MS * 0.9 && waited < 15_000, `${what}: answered after the ${LOCK_TIMEOUT_MS} ms lock timeout, not before, and not row by row (${Math.round(waited)} ms)`)
  }
  await busy('a scan', () => post('/v1/scans', scan))
  await busy('a batch of 250', () => post('/v1/scans/batch', batch))
  await busy('a write on the main connection (a new checkpoint)', () => post('/v1/checkpoints', { name: '高坝洲卡口', kind: 'traffic' }, admin))
  t.equal((await ctx.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'the process answers meanwhile')
  t.same(await trail(), before, 'nothing was written')

  await release()
  released = true
  t.match((await post('/v1/scans', scan)).json(), { id: scan.id, decision: 'allow', recorded: true, duplicate: false }, 'the scan sent again is recorded')
  t.match((await post('/v1/scans', scan)).json(), { id: scan.id, recorded: true, duplicate: true }, 'and a third copy is a duplicate')
  const results = (await post('/v1/scans/batch', batch)).json().results as Array<{ recorded?: boolean, duplicate?: boolean }>
  t.same(results.map((r) => [r.recorded, r.duplicate]), batch.scans.map(() => [true, false]), 'the batch sent again: every item recorded, none a duplicate')
  t.same(await trail(), [...before, scan.id, ...batch.scans.map((s) => s.id)].sort(), 'each scan in the trail exactly once')
  t.equal((await post('/v1/checkpoints', { name: '高坝洲卡口', kind: 'traffic' }, admin)).statusCode, 201, 'the main connection writes again')
}, { config: { dbLockTimeoutMs: LOCK_TIMEOUT_MS } })

t.test('the lock timeout is configured by GRIDPASS_DB_LOCK_TIMEOUT_MS, with limits', async (t) => {
  const { loadConfig } = await import('../src/config.ts')
  t.equal(loadConfig({}).dbLockTimeoutMs, 5000, 'default 5 s')
  t.equal(loadConfig({ GRIDPASS_DB_LOCK_TIMEOUT_MS: '250' }).dbLockTimeoutMs, 250)
  t.throws(() => loadConfig({ GRIDPASS_DB_LOCK_TIMEOUT_MS: '10' }), { message: /GRIDPASS_DB_LOCK_TIMEOUT_MS=10: Expected integer to be greater or equal to 50/ }, 'below 50 ms is refused, naming the variable')
  t.throws(() => loadConfig({ GRIDPASS_DB_LOCK_TIMEOUT_MS: 'soon' }), { message: /GRIDPASS_DB_LOCK_TIMEOUT_MS="soon": Expected integer/ }, 'not a number is refused, naming the variable')
})

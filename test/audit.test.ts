// The audit log: what staff actions write, paging, the hash chain, append-only enforcement, the verifier.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import Database from 'better-sqlite3'
import { sql } from 'drizzle-orm'
import t from 'tap'
import { eachDb, bearerOf, idNumberFor, makeCtx, type Ctx } from './helper.ts'
import { verifyChain } from '../src/modules/audit/audit.verify.ts'

const run = promisify(execFile)

interface Entry { seq: number, at: string, actor: string, role: string, action: string, target: string | null, purpose: string | null, hash: string, prevHash: string }

async function allEntries (ctx: Ctx): Promise<Entry[]> {
  const res = await ctx.inject({ method: 'GET', url: '/v1/audit?limit=1000', headers: bearerOf(await ctx.admin()) })
  if (res.statusCode !== 200) throw new Error(res.body)
  return res.json().entries as Entry[]
}

/** The message of an error and of its causes (drizzle wraps the driver's error). */
async function refusal (p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (err) {
    const parts: string[] = []
    for (let e: unknown = err; e instanceof Error; e = e.cause) parts.push(e.message)
    return parts.join(' <- ')
  }
  return 'not refused'
}

/** Raw SQL that returns no rows, on either dialect. */
async function exec (ctx: Ctx, query: ReturnType<typeof sql>): Promise<unknown> {
  const store = ctx.app.store
  return store.dialect === 'sqlite' ? store.db.run(query) : store.rows(store.db, query)
}

eachDb('staff actions are written to the audit log, newest first', async (t, ctx) => {
  const gridId = await ctx.grid('g-audit')
  const cpId = await ctx.checkpoint()
  const gw = await ctx.staff('gridworker', { gridIds: [gridId], username: 'gw-audit' })
  const tracer = await ctx.staff('tracer', { username: 'tracer-audit' })
  const r = await ctx.resident()
  const look = await ctx.inject({ method: 'GET', url: `/v1/people?idNumber=${r.idNumber}&purpose=case-2026-001`, headers: bearerOf(tracer) })
  t.equal(look.statusCode, 200, look.body)
  // Another person's number: never the resident's (ctx.resident draws its numbers from a random serial).
  const other = idNumberFor(777) === r.idNumber ? idNumberFor(778) : idNumberFor(777)
  const reg = await ctx.inject({ method: 'POST', url: '/v1/people', headers: bearerOf(gw), payload: { name: '李四', idNumber: other, gridId } })
  t.equal(reg.statusCode, 201, reg.body)

  const entries = await allEntries(ctx)
  for (const e of entries) {
    t.same(Object.keys(e).sort(), ['action', 'actor', 'at', 'hash', 'prevHash', 'purpose', 'role', 'seq', 'target'], 'entry fields')
    t.match(e.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    t.match(e.hash, /^[0-9a-f]{64}$/)
  }
  const seqs = entries.map((e) => e.seq)
  t.same(seqs, [...seqs].sort((a, b) => b - a), 'newest first')
  const find = (action: string): Entry | undefined => entries.find((e) => e.action === action)
  t.match(find('grid.create'), { actor: 'admin', role: 'admin', target: gridId })
  t.match(find('checkpoint.create'), { actor: 'admin', role: 'admin', target: cpId })
  t.ok(entries.some((e) => e.action === 'user.create' && e.actor === 'admin'), 'user.create')
  t.match(find('identity.lookup'), { actor: 'tracer-audit', role: 'tracer', target: r.personId, purpose: 'case-2026-001' })
  t.match(find('person.register'), { actor: 'gw-audit', role: 'gridworker', target: reg.json().personId })
  // Nothing personal in the log itself.
  const text = JSON.stringify(entries)
  t.notOk(text.includes(r.idNumber), 'no ID number in the audit log')
  t.notOk(text.includes(r.phone), 'no phone in the audit log')

  // The chain: every prevHash is the hash of the entry before it.
  const ascending = [...entries].reverse()
  t.equal(ascending[0]?.seq, 1)
  t.equal(ascending[0]?.prevHash, '0'.repeat(64))
  for (let i = 1; i < ascending.length; i++) {
    t.equal(ascending[i]?.seq, (ascending[i - 1]?.seq ?? 0) + 1, 'no gap')
    t.equal(ascending[i]?.prevHash, ascending[i - 1]?.hash, `seq ${ascending[i]?.seq} links to the one before`)
  }
  const key = ctx.app.keyring.auditKey
  t.match(await verifyChain(ctx.app.store, { key }), { ok: true, entries: entries.length, lastSeq: entries[0]?.seq, keyedFrom: 1 })
  t.match(await verifyChain(ctx.app.store, { key, pageSize: 2 }), { ok: true, entries: entries.length, lastSeq: entries[0]?.seq }, 'same answer across small pages')
  t.match(find('audit.chain_keyed'), { seq: 1, actor: 'system', role: 'system', target: 'audit-chain' }, 'a new database is keyed from its first entry')

  // Only admins read it.
  const denied = await ctx.inject({ method: 'GET', url: '/v1/audit', headers: bearerOf(tracer) })
  t.equal(denied.statusCode, 403)
  t.equal(denied.json().code, 'GP_FORBIDDEN')
  const anon = await ctx.inject({ method: 'GET', url: '/v1/audit' })
  t.equal(anon.statusCode, 401)
})

eachDb('GET /v1/audit pages with limit and before', async (t, ctx) => {
  const admin = await ctx.admin()
  for (let i = 0; i < 5; i++) await ctx.grid(`pg${i}`)
  const all = await allEntries(ctx)
  t.ok(all.length >= 6)
  const first = await ctx.inject({ method: 'GET', url: '/v1/audit?limit=2', headers: bearerOf(admin) })
  t.equal(first.statusCode, 200)
  t.same(first.json().entries.map((e: Entry) => e.seq), all.slice(0, 2).map((e) => e.seq))
  t.equal(first.json().nextBefore, all[1]?.seq)
  const collected: number[] = []
  let before: number | null = null
  for (let guard = 0; guard < 100; guard++) {
    const q: string = before === null ? '' : `&before=${before}`
    const res = await ctx.inject({ method: 'GET', url: `/v1/audit?limit=2${q}`, headers: bearerOf(admin) })
    t.equal(res.statusCode, 200)
    collected.push(...res.json().entries.map((e: Entry) => e.seq))
    before = res.json().nextBefore
    if (before === null) break
  }
  t.same(collected, all.map((e) => e.seq), 'walking nextBefore yields the whole log once')

  for (const bad of ['limit=0', 'limit=1001', 'limit=abc', 'before=0', 'since=1']) {
    const res = await ctx.inject({ method: 'GET', url: `/v1/audit?${bad}`, headers: bearerOf(admin) })
    t.equal(res.statusCode, 400, bad)
    t.equal(res.json().code, 'GP_VALIDATION', bad)
    t.match(res.json().message, bad.split('=')[0], `${bad}: message names the field`)
  }
})

eachDb('the database refuses to change or remove audit rows', async (t, ctx) => {
  await ctx.grid()
  const before = await allEntries(ctx)
  t.match(await refusal(exec(ctx, sql`UPDATE audit_log SET actor = 'mallory' WHERE seq = 1`)), /audit_log is append-only/, 'UPDATE refused')
  t.match(await refusal(exec(ctx, sql`DELETE FROM audit_log WHERE seq = 1`)), /audit_log is append-only/, 'DELETE refused')
  t.match(await refusal(exec(ctx, sql`DELETE FROM audit_log`)), /audit_log is append-only/, 'DELETE all refused')
  if (ctx.dialect === 'pg') t.match(await refusal(exec(ctx, sql`TRUNCATE audit_log`)), /audit_log is append-only/, 'TRUNCATE refused')
  t.same(await allEntries(ctx), before, 'the log is unchanged')
  t.match(await verifyChain(ctx.app.store, { key: ctx.app.keyring.auditKey }), { ok: true })
  // Appending still works after the refused statements.
  await ctx.grid()
  t.equal((await allEntries(ctx)).length, before.length + 1)
})

eachDb('a tampered row is found by the verifier', async (t, ctx) => {
  await ctx.grid()
  await ctx.grid()
  const entries = await allEntries(ctx)
  const victim = entries[entries.length - 2]?.seq as number
  const victimActor = entries[entries.length - 2]?.actor as string
  // What an attacker with database access would do first.
  if (ctx.dialect === 'pg') await exec(ctx, sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete`)
  else {
    await exec(ctx, sql`DROP TRIGGER audit_log_no_update`)
    await exec(ctx, sql`DROP TRIGGER audit_log_no_delete`)
  }
  await exec(ctx, sql`UPDATE audit_log SET actor = 'mallory' WHERE seq = ${victim}`)
  const key = ctx.app.keyring.auditKey
  t.match(await verifyChain(ctx.app.store, { key }), { ok: false, seq: victim, why: /^altered \(its hash is not the HMAC/ })
  // A deleted row is a gap, named by its own seq.
  const last = entries[0]?.seq as number
  await exec(ctx, sql`UPDATE audit_log SET actor = ${victimActor} WHERE seq = ${victim}`)
  t.match(await verifyChain(ctx.app.store, { key }), { ok: true })
  await exec(ctx, sql`DELETE FROM audit_log WHERE seq = ${last - 1}`)
  t.match(await verifyChain(ctx.app.store, { key }), { ok: false, seq: last - 1, why: `missing (seq ${last - 1} was deleted; the log goes on at seq ${last})` })
})

t.test('npm run audit:verify on a SQLite file: ok, then names a changed row and a deleted row', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gridpass-audit-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const file = join(dir, 'gridpass.db')
  const ctx = await makeCtx(t, 'sqlite', { config: { databaseUrl: `file:${file}` } })
  await ctx.grid()
  await ctx.checkpoint()
  await ctx.staff('tracer')
  const entries = await allEntries(ctx)
  const lastSeq = entries[0]?.seq as number
  t.ok(lastSeq >= 4)
  await ctx.app.close()

  const verify = async (): Promise<{ code: number, out: string }> => {
    try {
      const env = { ...process.env, DATABASE_URL: `file:${file}`, GRIDPASS_KEYS_DIR: ctx.keysDir, GRIDPASS_AUDIT_ANCHOR_FILE: ctx.config.auditAnchorFile }
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/audit-verify.ts'], { env, cwd: process.cwd() })
      return { code: 0, out: stdout + stderr }
    } catch (err) {
      const e = err as { code: number, stdout: string, stderr: string }
      return { code: e.code, out: e.stdout + e.stderr }
    }
  }
  const clean = await verify()
  t.equal(clean.code, 0, clean.out)
  t.match(clean.out, `audit chain ok: ${lastSeq} entries, last seq ${lastSeq}, keyed from seq 1; `)

  const raw = new Database(file)
  raw.exec('DROP TRIGGER audit_log_no_update')
  raw.exec('DROP TRIGGER audit_log_no_delete')
  raw.prepare('UPDATE audit_log SET actor = ? WHERE seq = ?').run('mallory', 3)
  raw.close()
  const changed = await verify()
  t.equal(changed.code, 1, changed.out)
  t.match(changed.out, /audit chain broken at seq 3: altered/)

  // Put the actor back, then delete a row: the gap is named at the row after it.
  const raw2 = new Database(file)
  raw2.prepare('UPDATE audit_log SET actor = ? WHERE seq = ?').run(entries.find((e) => e.seq === 3)?.actor, 3)
  raw2.prepare('DELETE FROM audit_log WHERE seq = ?').run(2)
  raw2.close()
  const store = await (await import('../src/db/index.ts')).createDb(`file:${file}`)
  t.teardown(async () => { await store.close() })
  t.match(await verifyChain(store, { key: ctx.app.keyring.auditKey }), { ok: false, seq: 2, why: /^missing \(seq 2 was deleted/ })
})

eachDb('a resident sees who looked them up, and nobody else', async (t, ctx) => {
  const tracer = await ctx.staff('tracer', { username: 'tracer-x' })
  const me = await ctx.resident()
  const other = await ctx.resident()
  ctx.clock.advance(60_000)
  const look = await ctx.inject({ method: 'GET', url: `/v1/people?idNumber=${me.idNumber}&purpose=case-42`, headers: bearerOf(tracer) })
  t.equal(look.statusCode, 200, look.body)
  t.equal(look.json().people[0]?.personId, me.personId)
  const lookOther = await ctx.inject({ method: 'GET', url: `/v1/people?idNumber=${other.idNumber}&purpose=case-43`, headers: bearerOf(tracer) })
  t.equal(lookOther.statusCode, 200)

  const res = await ctx.inject({ method: 'GET', url: '/v1/me/access-log', headers: bearerOf(me.token) })
  t.equal(res.statusCode, 200, res.body)
  const entries = res.json().entries as Array<Record<string, unknown>>
  t.same(entries, [{ at: new Date(ctx.clock.now()).toISOString(), role: 'tracer', action: 'identity.lookup', purpose: 'case-42' }])
  t.notOk(JSON.stringify(res.json()).includes('tracer-x'), 'staff usernames are not shown')

  const theirs = await ctx.inject({ method: 'GET', url: '/v1/me/access-log', headers: bearerOf(other.token) })
  t.same(theirs.json().entries.map((e: { purpose: string }) => e.purpose), ['case-43'])
  const fresh = await ctx.resident()
  const none = await ctx.inject({ method: 'GET', url: '/v1/me/access-log', headers: bearerOf(fresh.token) })
  t.same(none.json(), { entries: [] })
  const staffDenied = await ctx.inject({ method: 'GET', url: '/v1/me/access-log', headers: bearerOf(tracer) })
  t.equal(staffDenied.statusCode, 403)
})

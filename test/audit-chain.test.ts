// The audit log as evidence: the keyed chain, the anchor outside the database, the cut or rewritten log found by
// audit:verify, and appends that hold the chain's lock only for the step before the commit.
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { sql } from 'drizzle-orm'
import t from 'tap'
import { chainHash, keyedHash, GENESIS } from '../src/plugins/audit.ts'
import type { AuditRow } from '../src/plugins/audit.repository.ts'
import { describeReport, readAnchors, verifyChain } from '../src/modules/audit/audit.verify.ts'
import { bearerOf, dialects, eachDb, makeCtx, METRICS_AUTH, within, type Ctx } from './helper.ts'
import { dropTriggers, exec } from './support/audit-tamper.ts'

const run = promisify(execFile)

async function auditRows (ctx: Ctx): Promise<AuditRow[]> {
  const { db, t: tables } = ctx.app.store
  const rows = await db.select().from(tables.auditLog)
  return rows.map((r) => ({ ...r, seq: Number(r.seq), at: Number(r.at) })).sort((a, b) => a.seq - b.seq)
}

async function rewrite (ctx: Ctx, row: AuditRow): Promise<void> {
  await exec(ctx, sql`UPDATE audit_log SET actor = ${row.actor}, purpose = ${row.purpose}, hash = ${row.hash}, prev_hash = ${row.prevHash} WHERE seq = ${row.seq}`)
}

/** Some entries, no background work left to append more, then an anchor of the head. */
async function anchoredLog (ctx: Ctx): Promise<{ rows: AuditRow[], anchorSeq: number }> {
  await ctx.app.retention.run()
  for (let i = 0; i < 6; i++) await ctx.grid()
  const line = await ctx.app.audit.anchor.write()
  const rows = await auditRows(ctx)
  if (line === null) throw new Error('no anchor')
  return { rows, anchorSeq: line.seq }
}

const verify = async (ctx: Ctx) => verifyChain(ctx.app.store, { key: ctx.app.keyring.auditKey, anchors: readAnchors(ctx.config.auditAnchorFile) })

eachDb('the cut audit log detected: the last entries deleted after an anchor', async (t, ctx) => {
  const { rows, anchorSeq } = await anchoredLog(ctx)
  t.equal(anchorSeq, rows[rows.length - 1]?.seq, 'the anchor holds the head')
  t.match(await verify(ctx), { ok: true, lastSeq: anchorSeq, lastAnchoredSeq: anchorSeq })
  await dropTriggers(ctx)
  await exec(ctx, sql`DELETE FROM audit_log WHERE seq > ${anchorSeq - 3}`)
  // The chain alone still links: only the anchor knows there was more.
  t.match(await verifyChain(ctx.app.store, { key: ctx.app.keyring.auditKey }), { ok: true, lastSeq: anchorSeq - 3 }, 'without the anchor the cut is invisible')
  const report = await verify(ctx)
  t.match(report, { ok: false, seq: anchorSeq - 2 })
  const anchorAt = readAnchors(ctx.config.auditAnchorFile).find((a) => a.seq === anchorSeq)?.at as string
  t.equal(describeReport(report), `audit chain broken at seq ${anchorSeq - 2}: missing (the log was cut after seq ${anchorSeq - 3}; the anchor of ${anchorAt} recorded seq ${anchorSeq})`)
})

eachDb('the cut audit log detected: one entry rewritten with a recomputed SHA-256, then with the chain after it recomputed', async (t, ctx) => {
  const { rows, anchorSeq } = await anchoredLog(ctx)
  const victim = rows[rows.length - 4] as AuditRow
  await dropTriggers(ctx)

  // The row's own plain hash recomputed: it is keyed, so the HMAC no longer matches.
  const forged = { ...victim, actor: 'mallory' }
  await rewrite(ctx, { ...forged, hash: chainHash(forged) })
  t.match(await verify(ctx), { ok: false, seq: victim.seq, why: /^altered \(its hash is not the HMAC/ }, 'own hash recomputed')

  // The chain recomputed from there on with plain SHA-256: still the first rewritten seq.
  let prevHash = (rows.find((r) => r.seq === victim.seq - 1) as AuditRow).hash
  for (const row of rows.filter((r) => r.seq >= victim.seq)) {
    const changed = { ...row, ...(row.seq === victim.seq ? { actor: 'mallory' } : {}), prevHash }
    const hash = chainHash(changed)
    await rewrite(ctx, { ...changed, hash })
    prevHash = hash
  }
  t.match(await verify(ctx), { ok: false, seq: victim.seq, why: /^altered/ }, 'chain recomputed with SHA-256')

  // Someone who also stole audit.key recomputes the keyed chain: only the anchor outside the database tells.
  prevHash = (rows.find((r) => r.seq === victim.seq - 1) as AuditRow).hash
  for (const row of rows.filter((r) => r.seq >= victim.seq)) {
    const changed = { ...row, ...(row.seq === victim.seq ? { actor: 'mallory' } : {}), prevHash }
    const hash = keyedHash(changed, ctx.app.keyring.auditKey)
    await rewrite(ctx, { ...changed, hash })
    prevHash = hash
  }
  t.match(await verifyChain(ctx.app.store, { key: ctx.app.keyring.auditKey }), { ok: true }, 'with the key the chain itself verifies')
  t.match(await verify(ctx), { ok: false, seq: anchorSeq, why: /^altered \(the anchor of .* recorded hash [0-9a-f]{12}…, the log holds [0-9a-f]{12}…/ }, 'the anchored seq names the rewrite')

  // Put back: intact again.
  for (const row of rows) await rewrite(ctx, row)
  t.match(await verify(ctx), { ok: true })
})

eachDb('a database written before the key: plain rows verify up to audit.chain_keyed, keyed from there, and cannot be rewritten', async (t, ctx) => {
  await ctx.app.retention.run()
  // Stand-in for an older installation: the log as plain SHA-256 rows, before any key.
  await dropTriggers(ctx)
  await exec(ctx, sql`DELETE FROM audit_log`)
  let prevHash = GENESIS
  const plain: AuditRow[] = []
  for (let seq = 1; seq <= 3; seq++) {
    const base = { seq, at: ctx.clock.now(), actor: 'admin', role: 'admin', action: 'grid.create', target: `old${seq}`, purpose: null, prevHash }
    const row = { ...base, hash: chainHash(base) }
    await ctx.app.store.tx(async (db) => { await db.insert(ctx.app.store.t.auditLog).values(row) })
    plain.push(row)
    prevHash = row.hash
  }
  t.match(await verifyChain(ctx.app.store, { key: ctx.app.keyring.auditKey }), { ok: false, seq: 4, why: /^missing \(no audit\.chain_keyed entry/ }, 'a log never keyed is refused')
  // The first start with the key (a second copy here) keys the chain from the next entry on, once.
  const copy = await makeCtx(t, ctx.dialect, { share: ctx })
  const third = await makeCtx(t, ctx.dialect, { share: ctx })
  await copy.grid()
  const rows = await auditRows(ctx)
  t.same(rows.filter((r) => r.action === 'audit.chain_keyed').map((r) => r.seq), [4], 'one audit.chain_keyed entry, after the plain rows')
  t.equal(rows[3]?.prevHash, plain[2]?.hash, 'it covers the last plain hash')
  t.equal(rows[3]?.hash, keyedHash(rows[3] as AuditRow, ctx.app.keyring.auditKey))
  t.match(await verifyChain(third.app.store, { key: ctx.app.keyring.auditKey }), { ok: true, keyedFrom: 4, lastSeq: rows.length })

  // A plain row rewritten and the plain chain recomputed up to the marker: the keyed marker no longer links.
  let prev = GENESIS
  for (const row of plain) {
    const changed = { ...row, ...(row.seq === 2 ? { target: 'forged' } : {}), prevHash: prev }
    const hash = chainHash(changed)
    await rewrite(ctx, { ...changed, hash })
    await exec(ctx, sql`UPDATE audit_log SET target = ${changed.target} WHERE seq = ${row.seq}`)
    prev = hash
  }
  t.match(await verifyChain(ctx.app.store, { key: ctx.app.keyring.auditKey }), { ok: false, seq: 4, why: /^altered \(its prevHash is not the hash of seq 3\)/ })
})

eachDb('the anchor: a JSON line per anchor in a 0600 file (folder made), /metrics, the log, and one at close', async (t, ctx) => {
  const lines: string[] = []
  const dir = join(ctx.config.auditAnchorFile, '..', 'nested', 'deeper')
  const file = join(dir, 'anchor.log')
  const copy = await makeCtx(t, ctx.dialect, { share: ctx, config: { auditAnchorFile: file, logger: true, logLevel: 'info' }, build: { logStream: { write (line: string) { lines.push(line) } } } })
  t.equal(statSync(dir).mode & 0o777, 0o700, 'folder 0700')
  t.equal(statSync(file).mode & 0o777, 0o600, 'file 0600')
  const started = readAnchors(file)
  t.equal(started.length, 1, 'one anchor at start')
  await copy.grid()
  ctx.clock.advance(90_000)
  const metrics = (await copy.inject({ method: 'GET', url: '/metrics', headers: METRICS_AUTH })).body
  t.match(metrics, new RegExp(`gridpass_audit_head_seq ${started[0]?.seq}\\n`), 'the anchored head')
  t.match(metrics, /gridpass_audit_anchor_age_seconds 90\n/, 'its age')
  const written = await copy.app.audit.anchor.write()
  const head = (await auditRows(ctx)).at(-1) as AuditRow
  t.match(written, { seq: head.seq, hash: head.hash, at: new Date(ctx.clock.now()).toISOString() })
  const text = readFileSync(file, 'utf8').trim().split('\n')
  t.equal(text.length, 2)
  t.same(JSON.parse(text[1] as string), written, 'the line is the anchor, as JSON')
  const logged = lines.map((l) => JSON.parse(l) as { msg: string, seq?: number, hash?: string }).filter((l) => l.msg === 'audit anchor')
  t.same(logged.map((l) => [l.seq, l.hash]), [[started[0]?.seq, started[0]?.hash], [head.seq, head.hash]], 'each anchor logged with its seq and hash')

  await ctx.grid('g-after')
  await copy.app.close()
  const last = readAnchors(file).at(-1)
  const after = (await auditRows(ctx)).at(-1) as AuditRow
  t.match(last, { seq: after.seq, hash: after.hash }, 'anchored at close, before the database closed')
})

t.test('npm run audit:verify: the anchor path from the settings or --anchor; exit 1 naming the cut, 0 when intact', async (t) => {
  const ctx = await makeCtx(t, 'sqlite')
  const { anchorSeq } = await anchoredLog(ctx)
  const file = ctx.config.databaseUrl.slice('file:'.length)
  await ctx.app.close()
  const script = async (args: string[], anchorEnv = ctx.config.auditAnchorFile): Promise<{ code: number, out: string }> => {
    const env = { ...process.env, DATABASE_URL: `file:${file}`, GRIDPASS_KEYS_DIR: ctx.keysDir, GRIDPASS_AUDIT_ANCHOR_FILE: anchorEnv }
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/audit-verify.ts', ...args], { env, cwd: process.cwd() })
      return { code: 0, out: stdout + stderr }
    } catch (err) {
      const e = err as { code: number, stdout: string, stderr: string }
      return { code: e.code, out: e.stdout + e.stderr }
    }
  }
  const ok = await script([])
  t.equal(ok.code, 0, ok.out)
  t.match(ok.out, new RegExp(`audit chain ok: ${anchorSeq + 0}|audit chain ok: \\d+ entries, last seq \\d+, keyed from seq 1; \\d+ anchored seqs match`))
  const Database = (await import('better-sqlite3')).default
  const raw = new Database(file)
  raw.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete')
  const head = (raw.prepare('SELECT max(seq) AS seq FROM audit_log').get() as { seq: number }).seq
  raw.prepare('DELETE FROM audit_log WHERE seq > ?').run(head - 2)
  raw.close()
  const cut = await script([])
  t.equal(cut.code, 1, cut.out)
  t.match(cut.out, new RegExp(`audit chain broken at seq ${head - 1}: missing \\(the log was cut after seq ${head - 2}; the anchor of \\S+ recorded seq ${head}\\)`))
  const viaFlag = await script(['--anchor', ctx.config.auditAnchorFile], join(ctx.keysDir, 'no-such-anchor.log'))
  t.equal(viaFlag.code, 1, '--anchor wins over the setting')
  const missing = await script([], join(ctx.keysDir, 'no-such-anchor.log'))
  t.equal(missing.code, 2, missing.out)
  t.match(missing.out, /no anchor file at .*--no-anchor/)
  const chainOnly = await script(['--no-anchor'])
  t.equal(chainOnly.code, 0, 'the chain alone still links')
})

eachDb('an appended entry of a transaction that rolls back is never written, nor carried into the next one', async (t, ctx) => {
  await ctx.app.retention.run()
  const before = await auditRows(ctx)
  await t.rejects(ctx.app.store.tx(async (db) => {
    await ctx.app.audit.append(db, { actor: 'x', role: 'admin', action: 'test.rolled_back' })
    throw new Error('changed my mind')
  }), /changed my mind/)
  await ctx.app.audit.record({ actor: 'x', role: 'admin', action: 'test.kept' })
  const after = await auditRows(ctx)
  t.same(after.slice(before.length).map((r) => r.action), ['test.kept'])
  t.match(await verifyChain(ctx.app.store, { key: ctx.app.keyring.auditKey }), { ok: true })
})

if (dialects().includes('pg')) {
  t.test('two copies on PostgreSQL: an audited read on one is not held up by a long audited transaction on the other [pg]', async (t) => {
    const a = await makeCtx(t, 'pg')
    const b = await makeCtx(t, 'pg', { share: a })
    const tracer = await b.staff('tracer')
    const r = await b.resident()
    await a.app.retention.run()
    await b.app.retention.run()
    let release = (): void => {}
    const gate = new Promise<void>((resolve) => { release = resolve })
    let appended = (): void => {}
    const hasAppended = new Promise<void>((resolve) => { appended = resolve })
    // Copy A: a long action that audits early (as marking 300 contacts does), then keeps working.
    const long = a.app.store.tx(async (db) => {
      for (let i = 0; i < 300; i++) await a.app.audit.append(db, { actor: 'officer-a', role: 'officer', action: 'case.contact_marked', target: `p${i}`, purpose: 'case-long' })
      appended()
      await gate
    })
    await hasAppended
    const started = Date.now()
    const trail = await within(b.inject({ method: 'GET', url: `/v1/people/${r.personId}/trail?purpose=case-2026-7`, headers: bearerOf(tracer) }), 3000)
    t.not(trail, 'waited', 'the trail read on copy B answered while copy A\'s transaction is still open')
    if (trail !== 'waited') t.equal(trail.statusCode, 200, trail.body)
    const recorded = await within(b.app.audit.record({ actor: 'admin', role: 'admin', action: 'test.read', target: randomUUID() }), 3000)
    t.not(recorded, 'waited', 'app.audit.record on copy B too')
    t.ok(Date.now() - started < 3000, `both within ${Date.now() - started} ms`)
    release()
    await long
    const rows = await auditRows(a)
    t.same(rows.map((row) => row.seq), rows.map((_, i) => i + 1), 'gap-free')
    const actions = rows.map((row) => row.action)
    t.ok(actions.lastIndexOf('tracing.trail') < actions.indexOf('case.contact_marked') || !actions.includes('tracing.trail'), 'B\'s entries precede A\'s, which were written at its commit')
    t.equal(actions.filter((x) => x === 'case.contact_marked').length, 300)
    t.match(await verifyChain(a.app.store, { key: a.app.keyring.auditKey }), { ok: true, entries: rows.length })
  })
}

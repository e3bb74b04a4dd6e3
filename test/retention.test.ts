// The retention purge: old scans, security events and declarations go, young ones stay, expired paper cards go; one
// audit report per run.
import { randomUUID } from 'node:crypto'
import { ADMIN_PASSWORD, eachDb, bearerOf, DAY, METRICS_AUTH, T0, type Ctx } from './helper.ts'

const HEALTHY = { temperature: 36.6, symptoms: [] as string[], visitedHighRiskArea: false, contactWithConfirmed: false }

interface Entry { seq: number, actor: string, role: string, action: string, target: string | null, purpose: string | null }

/** Staff sessions expire on the test clock: a fresh admin login after moving it. */
async function adminNow (ctx: Ctx): Promise<string> {
  const res = await ctx.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'admin', password: ADMIN_PASSWORD } })
  if (res.statusCode !== 200) throw new Error(`admin login failed: ${res.body}`)
  return res.json().accessToken as string
}

async function purgeEntries (ctx: Ctx): Promise<Entry[]> {
  const res = await ctx.inject({ method: 'GET', url: '/v1/audit?limit=1000', headers: bearerOf(await adminNow(ctx)) })
  if (res.statusCode !== 200) throw new Error(res.body)
  return (res.json().entries as Entry[]).filter((e) => e.action === 'retention.purge')
}

async function insertScans (ctx: Ctx, rows: Array<{ checkpointId: string, personId: string, scannedAt: number }>): Promise<string[]> {
  const { store } = ctx.app
  const full = rows.map((r) => ({
    id: randomUUID(), personId: r.personId, checkpointId: r.checkpointId, actorId: 'admin', source: 'scan', kind: 'live',
    scannedAt: r.scannedAt, receivedAt: r.scannedAt, direction: null, plate: null, color: 'green', decision: 'allow',
    reason: null, jti: null, offline: false, requestHash: randomUUID(), flags: null
  }))
  for (let i = 0; i < full.length; i += 500) {
    const part = full.slice(i, i + 500)
    await store.tx(async (db) => { await db.insert(store.t.scans).values(part) })
  }
  return full.map((r) => r.id)
}

async function insertSecurityEvent (ctx: Ctx, checkpointId: string, at: number): Promise<string> {
  const { store } = ctx.app
  const id = randomUUID()
  await store.tx(async (db) => {
    await db.insert(store.t.securityEvents).values({ id, at, checkpointId, actorId: 'admin', source: 'scan', reason: 'bad_signature', requestHash: randomUUID(), tokenHash: randomUUID(), tokenLength: 300 })
  })
  return id
}

async function ids (ctx: Ctx, table: 'scans' | 'securityEvents' | 'declarations'): Promise<string[]> {
  const { store } = ctx.app
  const t = store.t[table]
  return (await store.db.select({ id: t.id }).from(t)).map((r) => r.id).sort()
}

async function relogin (ctx: Ctx, phone: string): Promise<string> {
  return (await ctx.resident({ phone, profile: false })).token
}

async function declare (ctx: Ctx, token: string, body: Partial<typeof HEALTHY> = {}): Promise<void> {
  const res = await ctx.inject({ method: 'POST', url: '/v1/me/declarations', headers: bearerOf(token), payload: { ...HEALTHY, ...body } })
  if (res.statusCode !== 201) throw new Error(`declare failed: ${res.body}`)
}

/** The startup run is started, not awaited, by app.ready(): wait until its report is in the log. */
async function startupReport (ctx: Ctx): Promise<Entry[]> {
  for (let i = 0; i < 200; i++) {
    const found = await purgeEntries(ctx)
    if (found.length > 0) return found
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  return []
}

eachDb('the job runs once at start and reports even when it deletes nothing', async (t, ctx) => {
  const entries = await startupReport(ctx)
  t.equal(entries.length, 1, 'one report from the startup run, without calling run()')
  t.match(entries[0], { actor: 'system', role: 'system', action: 'retention.purge', target: null })
  t.same(JSON.parse(entries[0]?.purpose ?? '{}'), {
    cutoff: new Date(T0 - 28 * DAY).toISOString(), retentionDays: 28, deleted: { scans: 0, securityEvents: 0, declarations: 0, paperCards: 0 }, complete: true
  })
  const metrics = (await ctx.inject({ method: 'GET', url: '/metrics', headers: METRICS_AUTH })).body
  for (const kind of ['scans', 'security_events', 'declarations', 'paper_cards']) t.match(metrics, new RegExp(`gridpass_retention_purged_rows_total\\{kind="${kind}"\\} 0\\n`), `${kind} counted from 0`)
})

eachDb('old scans, security events and declarations are purged; the cutoff itself and younger rows stay', async (t, ctx) => {
  await startupReport(ctx)
  const cp = await ctx.checkpoint()
  const other = await ctx.checkpoint({ name: '清江社区门岗', kind: 'community' })
  const admin = await ctx.admin()
  const r = await ctx.resident()

  // At T0, through the API: one recorded scan, one security event (a forged signature), one declaration.
  const code = (await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(r.token) })).json().token as string
  const live = await ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(admin), payload: { id: randomUUID(), token: code, checkpointId: cp } })
  t.match(live.json(), { decision: 'allow', recorded: true }, live.body)
  const forged = code.slice(0, -4) + (code.endsWith('AAAA') ? 'BBBB' : 'AAAA')
  const bad = await ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(admin), payload: { id: randomUUID(), token: forged, checkpointId: cp } })
  t.match(bad.json(), { decision: 'deny', recorded: false }, bad.body)
  t.equal((await ids(ctx, 'securityEvents')).length, 1, 'the forged code is a security event')
  await declare(ctx, r.token)

  const now = T0 + 40 * DAY
  const cutoff = now - 28 * DAY
  // Around the cutoff, at both checkpoints.
  const [, , edgeA, edgeB, youngA] = await insertScans(ctx, [
    { checkpointId: cp, personId: r.personId, scannedAt: cutoff - 1 },
    { checkpointId: other, personId: r.personId, scannedAt: cutoff - 1 },
    { checkpointId: cp, personId: r.personId, scannedAt: cutoff },
    { checkpointId: other, personId: r.personId, scannedAt: cutoff },
    { checkpointId: cp, personId: r.personId, scannedAt: cutoff + DAY }
  ])
  const oldEvent = await insertSecurityEvent(ctx, other, cutoff - 1)
  const edgeEvent = await insertSecurityEvent(ctx, other, cutoff)
  ctx.clock.set(cutoff - 1)
  await declare(ctx, await relogin(ctx, r.phone))
  const oldDeclarations = await ids(ctx, 'declarations')
  ctx.clock.set(cutoff)
  await declare(ctx, await relogin(ctx, r.phone))
  ctx.clock.set(now)
  await declare(ctx, await relogin(ctx, r.phone))
  const keptDeclarations = (await ids(ctx, 'declarations')).filter((id) => !oldDeclarations.includes(id))
  t.equal(oldDeclarations.length, 2)
  t.equal(keptDeclarations.length, 2)

  const report = await ctx.app.retention.run()
  t.same(report, { cutoff: new Date(cutoff).toISOString(), retentionDays: 28, deleted: { scans: 3, securityEvents: 2, declarations: 2, paperCards: 0 }, complete: true })
  t.same(await ids(ctx, 'scans'), [edgeA, edgeB, youngA].sort(), 'only scans at or after the cutoff remain')
  t.same(await ids(ctx, 'securityEvents'), [edgeEvent], 'the event exactly at the cutoff remains')
  t.notOk((await ids(ctx, 'securityEvents')).includes(oldEvent))
  t.same(await ids(ctx, 'declarations'), keptDeclarations.sort(), 'declarations at or after the cutoff remain')

  // The report in the audit log, newest first, with nothing about places or people.
  const entries = await purgeEntries(ctx)
  t.equal(entries.length, 2, 'the startup report and this one')
  const entry = entries[0] as Entry
  t.match(entry, { actor: 'system', role: 'system', action: 'retention.purge', target: null })
  t.same(JSON.parse(entry.purpose ?? ''), report, 'the purpose is the report')
  for (const secret of [cp, other, r.personId, r.phone, r.idNumber, edgeA as string, oldEvent]) t.notOk((entry.purpose ?? '').includes(secret), 'no ids or personal data in the report')
  const accessLog = await ctx.inject({ method: 'GET', url: '/v1/me/access-log', headers: bearerOf(await relogin(ctx, r.phone)) })
  t.notOk(accessLog.json().entries.some((e: Entry) => e.action === 'retention.purge'), 'not in anyone\'s access log')

  const metrics = (await ctx.inject({ method: 'GET', url: '/metrics', headers: METRICS_AUTH })).body
  t.match(metrics, /gridpass_retention_purged_rows_total\{kind="scans"\} 3\n/)
  t.match(metrics, /gridpass_retention_purged_rows_total\{kind="security_events"\} 2\n/)
  t.match(metrics, /gridpass_retention_purged_rows_total\{kind="declarations"\} 2\n/)

  // Nothing left to purge: the run still reports.
  const again = await ctx.app.retention.run()
  t.same(again.deleted, { scans: 0, securityEvents: 0, declarations: 0, paperCards: 0 })
  t.equal((await purgeEntries(ctx)).length, 3)
})

eachDb('more rows than one chunk are all purged, while live scans keep being recorded', async (t, ctx) => {
  await startupReport(ctx)
  const cp = await ctx.checkpoint()
  const admin = await ctx.admin()
  const r = await ctx.resident()
  await insertScans(ctx, Array.from({ length: 4100 }, (_, i) => ({ checkpointId: cp, personId: r.personId, scannedAt: T0 - 30 * DAY - i })))
  const code = (await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(r.token) })).json().token as string
  const liveIds = Array.from({ length: 5 }, () => randomUUID())
  const [report, ...answers] = await Promise.all([
    ctx.app.retention.run(),
    ...liveIds.map(async (id) => ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(admin), payload: { id, token: code, checkpointId: cp } }))
  ])
  for (const a of answers) t.match(a.json(), { decision: 'allow', recorded: true }, 'a scan during the purge is answered and recorded')
  t.equal(report.deleted.scans, 4100, 'three chunks')
  t.same(await ids(ctx, 'scans'), liveIds.sort(), 'only the live scans remain')
})

eachDb('a colour from a purged declaration holds while its rule does', async (t, ctx) => {
  await startupReport(ctx)
  const r = await ctx.resident()
  await declare(ctx, r.token, { temperature: 38.2 })
  const status = async (): Promise<{ color: string, reasons: Array<{ rule: string, until: string | null }> }> =>
    (await ctx.inject({ method: 'GET', url: '/v1/me/status', headers: bearerOf(await relogin(ctx, r.phone)) })).json()
  const before = await status()
  t.equal(before.color, 'yellow')

  ctx.clock.advance(3 * DAY)
  const report = await ctx.app.retention.run()
  t.same(report.deleted, { scans: 0, securityEvents: 0, declarations: 1, paperCards: 0 }, 'the 3-day-old declaration is past a 2-day retention')
  t.equal(report.retentionDays, 2)
  t.same(await ids(ctx, 'declarations'), [])
  const after = await status()
  t.equal(after.color, 'yellow', 'the colour did not change')
  t.same(after.reasons, before.reasons, 'the same reason, until the same time')
  t.equal(after.reasons[0]?.until, new Date(T0 + 7 * DAY).toISOString())

  ctx.clock.set(T0 + 7 * DAY)
  t.equal((await status()).color, 'green', 'and ends when the rule ends')
}, { config: { retentionDays: 2 } })

eachDb('closing the app while a purge runs stops it between chunks, before the database closes', async (t, ctx) => {
  await startupReport(ctx)
  const cp = await ctx.checkpoint()
  const r = await ctx.resident()
  await insertScans(ctx, Array.from({ length: 6100 }, (_, i) => ({ checkpointId: cp, personId: r.personId, scannedAt: T0 - 30 * DAY - i })))
  const running = ctx.app.retention.run()
  await ctx.app.close()
  const report = await running
  t.ok(report.deleted.scans % 2000 === 0 || report.deleted.scans === 6100, `whole chunks only (${report.deleted.scans})`)
  if (report.deleted.scans < 6100) t.equal(report.complete, false, 'a stopped run says so')
  await t.rejects(ctx.app.retention.run(), /closing/, 'no run after close')
})

eachDb('retention shorter than the offline window: a re-sent offline scan whose first copy was purged is refused, never recorded twice', async (t, ctx) => {
  const cp = await ctx.checkpoint()
  const r = await ctx.resident()
  const token = (await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(r.token) })).json().token as string
  // Scanned offline now, synced 1.5 days later (within GRIDPASS_RETENTION_DAYS=2 and the 7-day window): recorded.
  const item = { id: randomUUID(), token, checkpointId: cp, scannedAt: new Date(ctx.clock.now()).toISOString() }
  ctx.clock.advance(1.5 * DAY)
  const sync = async (): Promise<Record<string, unknown>> => {
    const res = await ctx.inject({ method: 'POST', url: '/v1/scans/batch', headers: bearerOf(await adminNow(ctx)), payload: { scans: [item] } })
    t.equal(res.statusCode, 200, res.body)
    return res.json().results[0] as Record<string, unknown>
  }
  t.match(await sync(), { decision: 'allow', recorded: true, offline: true, duplicate: false })
  t.same(await ids(ctx, 'scans'), [item.id])

  // A day later the purge removes it (older than 2 days); the scanner, unsure it was synced, sends it again.
  ctx.clock.advance(1 * DAY)
  await ctx.app.retention.run()
  t.same(await ids(ctx, 'scans'), [], 'purged')
  t.match(await sync(), { decision: 'deny', reason: 'clock_out_of_range', recorded: false }, 'older than the retention: refused')
  t.same(await ids(ctx, 'scans'), [], 'and not recorded a second time')
}, { config: { retentionDays: 2 } })

eachDb('paper cards are purged once no verifier accepts them (past exp and the clock-skew tolerance), whatever the retention period', async (t, ctx) => {
  await startupReport(ctx)
  const r = await ctx.resident()
  const issue = async (): Promise<string> => {
    const res = await ctx.inject({ method: 'POST', url: `/v1/people/${r.personId}/paper-code`, headers: bearerOf(await adminNow(ctx)) })
    if (res.statusCode !== 200) throw new Error(res.body)
    return res.json().expiresAt as string
  }
  const cards = async (): Promise<number> => (await ctx.app.store.db.select().from(ctx.app.store.t.paperCards)).length
  const firstExpiry = Date.parse(await issue())
  ctx.clock.advance(DAY)
  await issue()
  t.equal(await cards(), 2)

  const skewMs = ctx.config.clockSkewSeconds * 1000
  ctx.clock.set(firstExpiry + skewMs - 1)
  t.equal((await ctx.app.retention.run()).deleted.paperCards, 0, 'within the skew tolerance a verifier still accepts the first card')
  ctx.clock.set(firstExpiry + skewMs)
  const report = await ctx.app.retention.run()
  t.equal(report.deleted.paperCards, 1, 'the first card is gone once it verifies nowhere')
  t.equal(await cards(), 1, 'the younger card stays')
  t.match((await ctx.inject({ method: 'GET', url: '/metrics', headers: METRICS_AUTH })).body, /gridpass_retention_purged_rows_total\{kind="paper_cards"\} 1\n/)
})

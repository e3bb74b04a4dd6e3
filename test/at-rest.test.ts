// Appeal texts, manual-change reasons, status-entry reasons (declared symptoms) and declarations are encrypted at rest
// like names; plain text from before is sealed at start, once; every reader still answers the same.
import { eq } from 'drizzle-orm'
import { randomId } from '../src/lib/ids.ts'
import { eachDb, bearerOf, makeCtx, type Ctx } from './helper.ts'

const SEALED = /^v1\.[A-Za-z0-9_-]{38,}$/

/** Every stored text of the four tables, as the database holds it. */
async function rawRows (ctx: Ctx) {
  const { db, t } = ctx.app.store
  return {
    entries: await db.select({ id: t.statusEntries.id, rule: t.statusEntries.rule, reason: t.statusEntries.reason }).from(t.statusEntries),
    changes: await db.select({ id: t.statusChanges.id, reason: t.statusChanges.reason }).from(t.statusChanges),
    appeals: await db.select({ id: t.appeals.id, message: t.appeals.message, note: t.appeals.note }).from(t.appeals),
    declarations: await db.select().from(t.declarations)
  }
}

function assertSealed (t: Tap, rows: Awaited<ReturnType<typeof rawRows>>, secrets: string[]): void {
  for (const e of rows.entries) t.ok(e.reason === null || SEALED.test(e.reason), `status_entries.reason of ${e.rule} is a ciphertext`)
  for (const c of rows.changes) t.match(c.reason, SEALED, 'status_changes.reason is a ciphertext')
  for (const a of rows.appeals) {
    t.match(a.message, SEALED, 'appeals.message is a ciphertext')
    t.ok(a.note === null || SEALED.test(a.note), 'appeals.note is a ciphertext')
  }
  for (const d of rows.declarations) {
    t.match(d.dataEnc, SEALED, 'declarations.data_enc is a ciphertext')
    t.same([d.temperature, d.symptoms, d.visitedHighRiskArea, d.contactWithConfirmed], [null, null, null, null], 'the plain declaration columns are empty')
  }
  const text = JSON.stringify(rows)
  for (const s of secrets) t.notOk(text.includes(s), `"${s}" is nowhere in those rows`)
}
type Tap = Parameters<Parameters<typeof eachDb>[1]>[0]

eachDb('new reasons, appeal texts and declarations are written encrypted; the API answers them as before', async (t, ctx) => {
  const r = await ctx.resident({ profile: { name: '张三' } })
  const officer = await ctx.staff('officer')
  const declared = await ctx.inject({ method: 'POST', url: '/v1/me/declarations', headers: bearerOf(r.token), payload: { temperature: 38.2, symptoms: ['cough', 'loss_of_taste_smell'], visitedHighRiskArea: false, contactWithConfirmed: false } })
  t.equal(declared.statusCode, 201, declared.body)
  // A manual change to red: requested by one officer, confirmed by another (four eyes), an hour later.
  const second = await ctx.staff('officer')
  ctx.clock.advance(3600_000)
  const manual = await ctx.inject({ method: 'POST', url: `/v1/people/${r.personId}/status`, headers: bearerOf(officer), payload: { color: 'red', reason: '电话核实：居家观察七天' } })
  t.equal(manual.statusCode, 202, manual.body)
  const confirmed = await ctx.inject({ method: 'POST', url: `/v1/people/${r.personId}/status/${manual.json().changeId as string}/confirm`, headers: bearerOf(second) })
  t.equal(confirmed.statusCode, 200, confirmed.body)
  const appeal = await ctx.inject({ method: 'POST', url: '/v1/me/appeals', headers: bearerOf(r.token), payload: { message: '我那天一直在家，没有接触过病例' } })
  t.equal(appeal.statusCode, 201, appeal.body)
  const appealId = appeal.json().appealId as string
  const open = await ctx.inject({ method: 'GET', url: '/v1/appeals?status=open', headers: bearerOf(officer) })
  t.same(open.json().appeals.map((a: { message: string }) => a.message), ['我那天一直在家，没有接触过病例'], 'the appeals list reads the message')
  const resolved = await ctx.inject({ method: 'POST', url: `/v1/appeals/${appealId}/resolve`, headers: bearerOf(officer), payload: { outcome: 'upheld', note: '已电话核实，维持红码' } })
  t.equal(resolved.statusCode, 200, resolved.body)
  t.match(resolved.json(), { message: '我那天一直在家，没有接触过病例', note: '已电话核实，维持红码' })

  assertSealed(t, await rawRows(ctx), ['38.2', 'cough', 'loss_of_taste_smell', '居家观察', '没有接触过病例', '维持红码', '°C'])
  const raw = await rawRows(ctx)
  t.equal(raw.declarations.length, 1)
  t.equal(raw.changes.length, 1)
  const audit = await ctx.inject({ method: 'GET', url: '/v1/audit?limit=100', headers: bearerOf(await ctx.admin()) })
  t.notOk(audit.body.includes('居家观察'), 'the manual change\'s reason is not in the audit log either (the resident reads its purposes)')

  // Readers: the resident's status (history and appeals), the declaration as stored.
  const status = await ctx.inject({ method: 'GET', url: '/v1/me/status', headers: bearerOf(r.token) })
  t.equal(status.statusCode, 200, status.body)
  const body = status.json()
  const reasons = body.history.map((h: { reason: string }) => h.reason)
  t.ok(reasons.includes('declared temperature 38.2 °C, cough, loss_of_taste_smell'), `the declared symptoms read back: ${JSON.stringify(reasons)}`)
  t.ok(body.history.some((h: { reasonZh: string }) => h.reasonZh === '电话核实：居家观察七天'), 'the officer\'s words read back')
  t.match(body.appeals, [{ message: '我那天一直在家，没有接触过病例', note: '已电话核实，维持红码', outcome: 'upheld' }])
  t.same((await ctx.app.status.declarationsOf(r.personId)).map((d) => d.data), [{ temperature: 38.2, symptoms: ['cough', 'loss_of_taste_smell'], visitedHighRiskArea: false, contactWithConfirmed: false }])
  // The colour paths (scans, check-ins, the status list) read no reason: they still judge the same.
  t.equal(await ctx.app.status.colorOf(r.personId, ctx.clock.now()), body.color)
})

eachDb('plain text written before is sealed at start, once, and reads the same afterwards', async (t, ctx) => {
  const r = await ctx.resident({ profile: { name: '李四' } })
  const now = ctx.clock.now()
  const { db, t: tables } = ctx.app.store
  // Rows as an older version wrote them: plain text everywhere.
  const entryId = randomId()
  const changeId = randomId()
  const appealId = randomId()
  const declarationId = randomId()
  await ctx.app.store.tx(async (tx) => {
    await tx.insert(tables.statusEntries).values({ id: entryId, personId: r.personId, rule: 'manual', color: 'yellow', since: now - 1000, until: null, endedAt: null, endedBy: null, actor: 'officer-7', reason: '旧版本：社区通知居家', sourceId: changeId, createdAt: now - 1000 })
    await tx.insert(tables.statusChanges).values({ id: changeId, personId: r.personId, color: 'yellow', reason: '旧版本：社区通知居家', state: 'applied', requestedBy: 'officer-7', requestedAt: now - 1000, confirmedBy: null, confirmedAt: now - 1000, requestedById: null, confirmedById: null })
    await tx.insert(tables.appeals).values({ id: appealId, personId: r.personId, message: '旧版本的申诉内容', createdAt: now - 900, dueAt: now + 1000, status: 'resolved', outcome: 'upheld', note: '旧版本的处理意见', resolvedBy: 'officer-7', resolvedAt: now - 800 })
    await tx.insert(tables.declarations).values({ id: declarationId, personId: r.personId, at: now - 700, temperature: 37.9, symptoms: JSON.stringify(['fatigue']), visitedHighRiskArea: true, contactWithConfirmed: false, dataEnc: null })
    // This database was sealed at its first start (it was empty then): forget that, as a database from before would.
    await tx.delete(tables.settings).where(eq(tables.settings.key, 'sealed-at-rest:status:v1'))
  })
  const before = await rawRows(ctx)
  t.equal(before.entries.find((e) => e.id === entryId)?.reason, '旧版本：社区通知居家', 'written in plain text')

  // The next start (a second copy on the same database) seals them.
  const copy = await makeCtx(t, ctx.dialect, { share: ctx })
  assertSealed(t, await rawRows(copy), ['社区通知居家', '申诉内容', '处理意见', '37.9', 'fatigue'])
  const mark = await db.select().from(tables.settings).where(eq(tables.settings.key, 'sealed-at-rest:status:v1'))
  t.equal(mark.length, 1, 'the database is marked as sealed')
  t.match(JSON.parse(mark[0]?.value as string), { entries: 1, changes: 1, appealMessages: 1, appealNotes: 1, declarations: 1 })

  // Read back through the API of either copy: unchanged.
  for (const c of [ctx, copy]) {
    const status = (await c.inject({ method: 'GET', url: '/v1/me/status', headers: bearerOf(r.token) })).json()
    t.equal(status.color, 'yellow')
    t.ok(status.history.some((h: { reasonZh: string }) => h.reasonZh === '旧版本：社区通知居家'), 'the old reason reads back')
    t.match(status.appeals, [{ appealId, message: '旧版本的申诉内容', note: '旧版本的处理意见' }])
  }
  t.same((await copy.app.status.declarationsOf(r.personId)).map((d) => d.data), [{ temperature: 37.9, symptoms: ['fatigue'], visitedHighRiskArea: true, contactWithConfirmed: false }])

  // Once: a third start does not scan again; running the pass by hand changes nothing (idempotent).
  const sealedRows = JSON.stringify(await rawRows(copy))
  t.equal(await copy.app.status.sealAtRest(), null, 'marked as done: not run again')
  await makeCtx(t, ctx.dialect, { share: ctx })
  t.equal(JSON.stringify(await rawRows(copy)), sealedRows, 'nothing sealed twice')
})

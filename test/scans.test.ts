// Checkpoint scans: allow/deny by the server's colour, recorded once, idempotent on the scan id.
import { randomUUID } from 'node:crypto'
import { eachDb, bearerOf, DAY, METRICS_AUTH } from './helper.ts'

eachDb('a volunteer scans a live code: allow, recorded once, duplicate on retry, 409 on a different body', async (t, ctx) => {
  const cp = await ctx.checkpoint()
  const other = await ctx.checkpoint({ name: '清江社区门岗', kind: 'community' })
  const volunteer = await ctx.staff('volunteer', { checkpointIds: [cp] })
  const r = await ctx.resident({ profile: { name: '张三' } })
  const token = (await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(r.token) })).json().token as string
  const id = randomUUID()
  const body = { id, token, checkpointId: cp, direction: 'in', plate: '鄂E12345' }
  const first = await ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(volunteer), payload: body })
  t.equal(first.statusCode, 200, first.body)
  t.same(first.json(), { id, decision: 'allow', color: 'green', personId: r.personId, displayName: '张*', reason: null, recorded: true, duplicate: false, offline: false, kind: 'live' })
  const again = await ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(volunteer), payload: body })
  t.same(again.json(), { ...first.json(), duplicate: true })
  const conflict = await ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(volunteer), payload: { ...body, token: token + 'x' } })
  t.equal(conflict.statusCode, 409)
  t.equal(conflict.json().code, 'GP_CONFLICT')
  const rows = await ctx.app.store.db.select().from(ctx.app.store.t.scans)
  t.equal(rows.length, 1, 'one trail row')

  const elsewhere = await ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(volunteer), payload: { ...body, id: randomUUID(), checkpointId: other } })
  t.equal(elsewhere.statusCode, 403)
  const unknown = await ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(volunteer), payload: { ...body, id: randomUUID(), checkpointId: 'nope' } })
  t.equal(unknown.statusCode, 404)

  // A fever after the code was issued: the stale green token loses to the server's yellow.
  await ctx.inject({ method: 'POST', url: '/v1/me/declarations', headers: bearerOf(r.token), payload: { temperature: 38, symptoms: [], visitedHighRiskArea: false, contactWithConfirmed: false } })
  const stale = await ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(volunteer), payload: { ...body, id: randomUUID() } })
  t.match(stale.json(), { decision: 'deny', color: 'yellow', reason: 'color_yellow', recorded: true })

  // Offline batch: a code that was valid when scanned counts, judged as of scannedAt.
  const scannedAt = new Date(ctx.clock.now() - 1000).toISOString()
  ctx.clock.advance(2 * 3600_000)
  const batch = await ctx.inject({
    method: 'POST', url: '/v1/scans/batch', headers: bearerOf(volunteer),
    payload: { scans: [{ id: randomUUID(), token, checkpointId: cp, scannedAt }, { id: randomUUID(), token, checkpointId: cp, scannedAt: new Date(ctx.clock.now() - 8 * DAY).toISOString() }, { bad: true }, { id: randomUUID(), token, checkpointId: cp }] }
  })
  t.equal(batch.statusCode, 200, batch.body)
  const [ok, old, bad, online] = batch.json().results
  t.match(ok, { decision: 'allow', color: 'green', offline: true, recorded: true })
  t.match(old, { decision: 'deny', reason: 'clock_out_of_range', recorded: false })
  t.match(bad, { id: null, error: { statusCode: 400, code: 'GP_VALIDATION' } })
  t.match(online, { decision: 'deny', reason: 'expired', recorded: false, personId: null })
})

eachDb('fraud signals: the same code or person at two places faster than travel allows is flagged and counted', async (t, ctx) => {
  const yidu = await ctx.checkpoint({ name: '宜都高速口', lat: 30.3880, lon: 111.4500 })
  const wuhan = await ctx.checkpoint({ name: '武汉卡口', lat: 30.5928, lon: 114.3055 })
  const near = await ctx.checkpoint({ name: '宜都二号门', lat: 30.3890, lon: 111.4510 })
  const admin = await ctx.admin()
  const r = await ctx.resident()
  const token = (await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(r.token) })).json().token as string
  const scan = async (checkpointId: string, tok = token) => (await ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(admin), payload: { id: randomUUID(), token: tok, checkpointId } })).json()

  t.notOk('flags' in (await scan(yidu)), 'a first scan has no flags')
  t.notOk('flags' in (await scan(near)), 'a gate 150 m away a moment later is not suspicious')
  ctx.clock.advance(10 * 60_000)
  const far = await scan(wuhan)
  t.same(far.flags, ['code_impossible_travel', 'person_impossible_travel'], '270 km in 10 minutes: the same code and the same person are flagged')
  t.equal(far.decision, 'allow', 'the decision still follows the rules')

  // Five hours later is possible by road: a fresh code from the same person is not flagged.
  ctx.clock.advance(5 * 3600_000)
  const later = (await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf((await ctx.resident({ phone: r.phone, profile: false })).token) })).json().token as string
  t.notOk('flags' in (await scan(yidu, later)), '270 km in 5 hours is not flagged')

  const metrics = (await ctx.inject({ method: 'GET', url: '/metrics', headers: METRICS_AUTH })).body
  t.match(metrics, /gridpass_scan_fraud_flags_total\{flag="code_impossible_travel"\} 1/)
  t.match(metrics, /gridpass_scan_fraud_flags_total\{flag="person_impossible_travel"\} 1/)
  t.match(metrics, /gridpass_scans_total\{decision="allow",reason="none",source="scan"\} 4/)
}, { config: { codeTtlSeconds: 3600 } })

eachDb('the gate shows the masked name as it is now: a corrected name shows at the next scan', async (t, ctx) => {
  const cp = await ctx.checkpoint()
  const volunteer = await ctx.staff('volunteer', { checkpointIds: [cp] })
  const r = await ctx.resident({ profile: { name: '李四' } })
  const scan = async (): Promise<{ displayName: string }> => {
    const token = (await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(r.token) })).json().token as string
    return (await ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(volunteer), payload: { id: randomUUID(), token, checkpointId: cp } })).json()
  }
  t.equal((await scan()).displayName, '李*')
  t.equal((await scan()).displayName, '李*', 'the same again (the second time from memory)')
  const put = await ctx.inject({ method: 'PUT', url: '/v1/me/profile', headers: bearerOf(r.token), payload: { name: '欧阳娜娜', idNumber: r.idNumber } })
  t.equal(put.statusCode, 200, put.body)
  t.equal((await scan()).displayName, '欧阳**', 'the new name, not the remembered one')
})

eachDb('a full 1000-item batch (ten slices judged side by side): one answer per item, in order, each scan recorded once', async (t, ctx) => {
  const cp = await ctx.checkpoint()
  const volunteer = await ctx.staff('volunteer', { checkpointIds: [cp] })
  const people = await Promise.all(['张三', '李四', '王五'].map(async (name) => ctx.resident({ profile: { name } })))
  const codes = await Promise.all(people.map(async (p) => (await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(p.token) })).json().token as string))
  // A fever for 王五: yellow, denied but recorded.
  await ctx.inject({ method: 'POST', url: '/v1/me/declarations', headers: bearerOf((people[2] as { token: string }).token), payload: { temperature: 38.5, symptoms: [], visitedHighRiskArea: false, contactWithConfirmed: false } })
  const items: Array<Record<string, unknown>> = Array.from({ length: 1000 }, (_, i) => ({ id: randomUUID(), token: codes[i % 3], checkpointId: cp, direction: 'in' }))
  items[150] = { id: randomUUID(), token: 'garbage', checkpointId: cp } // refused, not recorded
  items[420] = { bad: true } // not a scan: an error for this item only
  items[777] = { ...items[5] } // the same scan sent twice, five slices apart
  const res = await ctx.inject({ method: 'POST', url: '/v1/scans/batch', headers: bearerOf(volunteer), payload: { scans: items } })
  t.equal(res.statusCode, 200, res.body.slice(0, 300))
  const results = res.json().results as Array<{ id: string | null, decision?: string, reason?: string | null, personId?: string, recorded?: boolean, duplicate?: boolean, error?: { code: string } }>
  t.equal(results.length, 1000, 'one answer per item')
  t.same(results.map((r) => r.id), items.map((i) => (typeof i.id === 'string' ? i.id : null)), 'in the order of the items')
  const at = (i: number) => results[i] as (typeof results)[number]
  t.match(at(150), { decision: 'deny', reason: 'malformed', recorded: false })
  t.match(at(420), { id: null, error: { code: 'GP_VALIDATION' } })
  t.same([at(5).duplicate, at(777).duplicate].sort(), [false, true], 'the scan sent twice: recorded once, the other copy a duplicate')
  let mismatched = 0
  for (const [i, r] of results.entries()) {
    if (i === 150 || i === 420 || i === 777 || i === 5) continue
    const person = people[i % 3] as { personId: string }
    const want = i % 3 === 2 ? { decision: 'deny', reason: 'color_yellow' } : { decision: 'allow', reason: null }
    if (r.personId !== person.personId || r.decision !== want.decision || r.reason !== want.reason || r.recorded !== true || r.duplicate !== false) mismatched++
  }
  t.equal(mismatched, 0, 'every other item: its own person, the colour\'s decision, recorded, not a duplicate')
  const rows = await ctx.app.store.db.select({ id: ctx.app.store.t.scans.id }).from(ctx.app.store.t.scans)
  t.equal(rows.length, 997, 'the trail holds each recorded scan once: 1000 items less the refused, the malformed and the second copy')
  t.equal(new Set(rows.map((r) => r.id)).size, 997)
})

// Checkpoint scans: allow/deny by the server's colour, recorded once, idempotent on the scan id.
import { randomUUID } from 'node:crypto'
import { eachDb, bearerOf, DAY } from './helper.ts'

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

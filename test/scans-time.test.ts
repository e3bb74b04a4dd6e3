// scannedAt bounds: a single scan is recorded at the server's receive time and refused when its scannedAt is beyond
// the clock skew; offline batch items outside the 7-day window or ahead of the server are kept out of every trail.
import { randomUUID } from 'node:crypto'
import { eachDb, bearerOf, DAY, type Ctx } from './helper.ts'

async function setup (ctx: Ctx): Promise<{ cp: string, volunteer: string, token: string, personId: string, residentToken: string }> {
  const cp = await ctx.checkpoint()
  const volunteer = await ctx.staff('volunteer', { checkpointIds: [cp] })
  const r = await ctx.resident()
  const token = (await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(r.token) })).json().token as string
  return { cp, volunteer, token, personId: r.personId, residentToken: r.token }
}

/** The person's trail rows as stored (the trail route reads at most GRIDPASS_RETENTION_DAYS at a time). */
async function trail (ctx: Ctx, personId: string): Promise<Array<{ id: string, scannedAt: string }>> {
  const { db, t } = ctx.app.store
  const rows = await db.select({ id: t.scans.id, at: t.scans.scannedAt, personId: t.scans.personId }).from(t.scans)
  return rows.filter((r) => r.personId === personId).map((r) => ({ id: r.id, scannedAt: new Date(Number(r.at)).toISOString() }))
}

eachDb('a single scan with a scannedAt in 2001, 2099 or 31 s ahead is refused 400; within the skew it is recorded at the server\'s time', async (t, ctx) => {
  const { cp, volunteer, token, personId } = await setup(ctx)
  const now = ctx.clock.now()
  for (const [label, at] of [['2001', Date.parse('2001-05-01T08:00:00.000Z')], ['2099', Date.parse('2099-05-01T08:00:00.000Z')], ['31 s ahead', now + 31_000], ['31 s behind', now - 31_000]] as const) {
    const id = randomUUID()
    const res = await ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(volunteer), payload: { id, token, checkpointId: cp, scannedAt: new Date(at).toISOString() } })
    t.equal(res.statusCode, 400, `${label}: ${res.body}`)
    t.equal(res.json().code, 'GP_VALIDATION', label)
    t.match(res.json().message, /^body\.scannedAt: .*POST \/v1\/scans\/batch/, `${label}: names the field and the batch route`)
    t.same((await ctx.app.scans.stored(id)), { scan: undefined, refused: false }, `${label}: nothing stored under its id`)
  }
  t.same(await trail(ctx, personId), [], 'nothing planted in the trail')

  // Within the skew: accepted, and recorded at the server's receive time, not the device's.
  const ahead = randomUUID()
  const behind = randomUUID()
  const a = await ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(volunteer), payload: { id: ahead, token, checkpointId: cp, scannedAt: new Date(now + 29_000).toISOString() } })
  t.equal(a.statusCode, 200, a.body)
  t.match(a.json(), { decision: 'allow', recorded: true, offline: false })
  const b = await ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(volunteer), payload: { id: behind, token, checkpointId: cp, scannedAt: new Date(now - 30_000).toISOString() } })
  t.equal(b.statusCode, 200, b.body)
  const rows = await trail(ctx, personId)
  t.same(rows.map((r) => [r.id, r.scannedAt]).sort(), [[ahead, new Date(now).toISOString()], [behind, new Date(now).toISOString()]].sort(), 'both at the server\'s receive time')
})

eachDb('POST /v1/scans/image applies the same scannedAt bound', async (t, ctx) => {
  const { cp, volunteer, personId, residentToken } = await setup(ctx)
  const png = await ctx.inject({ method: 'GET', url: '/v1/me/code.png', headers: bearerOf(residentToken) })
  t.equal(png.statusCode, 200)
  const send = async (scannedAt: string): Promise<{ statusCode: number, json: () => { code?: string, message?: string, recorded?: boolean } }> => {
    const boundary = `gp-${randomUUID()}`
    const field = (name: string, value: string): string => `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
    const payload = Buffer.concat([
      Buffer.from(field('id', randomUUID()) + field('checkpointId', cp) + field('scannedAt', scannedAt) +
        `--${boundary}\r\ncontent-disposition: form-data; name="image"; filename="code.png"\r\ncontent-type: image/png\r\n\r\n`),
      png.rawPayload, Buffer.from(`\r\n--${boundary}--\r\n`)])
    return ctx.inject({ method: 'POST', url: '/v1/scans/image', headers: { ...bearerOf(volunteer), 'content-type': `multipart/form-data; boundary=${boundary}` }, payload })
  }
  const future = await send('2099-01-01T00:00:00.000Z')
  t.equal(future.statusCode, 400)
  t.equal(future.json().code, 'GP_VALIDATION')
  t.match(future.json().message, /^body\.scannedAt: /)
  const now = await send(new Date(ctx.clock.now() + 10_000).toISOString())
  t.equal(now.statusCode, 200)
  t.equal(now.json().recorded, true)
  t.same((await trail(ctx, personId)).map((r) => r.scannedAt), [new Date(ctx.clock.now()).toISOString()], 'recorded at the server\'s time')
})

eachDb('batch items older than 7 days or ahead beyond the skew → clock_out_of_range, kept out of the trail (scan writer thread and PostgreSQL)', async (t, ctx) => {
  const { cp, volunteer, token, personId } = await setup(ctx)
  const now = ctx.clock.now()
  const item = (at: number | null): Record<string, unknown> => ({ id: randomUUID(), token, checkpointId: cp, ...(at !== null ? { scannedAt: new Date(at).toISOString() } : {}) })
  const items = [
    item(Date.parse('2001-05-01T08:00:00.000Z')),
    item(Date.parse('2099-05-01T08:00:00.000Z')),
    item(now + 31_000),
    item(now - 7 * DAY - 1000),
    item(now + 29_000),
    item(now - 6 * DAY),
    item(null)
  ]
  const res = await ctx.inject({ method: 'POST', url: '/v1/scans/batch', headers: bearerOf(volunteer), payload: { scans: items } })
  t.equal(res.statusCode, 200, res.body)
  const results = res.json().results as Array<Record<string, unknown>>
  for (const i of [0, 1, 2, 3]) {
    t.match(results[i], { id: items[i]?.id, decision: 'deny', reason: 'clock_out_of_range', recorded: false, personId: null, offline: true }, `item ${i} out of range`)
    t.same(await ctx.app.scans.stored(items[i]?.id as string), { scan: undefined, refused: true }, `item ${i}: only in the security log`)
  }
  t.match(results[4], { decision: 'allow', recorded: true, offline: true }, 'within the skew ahead')
  t.match(results[5], { decision: 'deny', reason: 'not_yet_valid', recorded: false }, '6 days old is in the window, judged as of then: the code was not issued yet')
  t.match(results[6], { decision: 'allow', recorded: true, offline: false }, 'no scannedAt: online')
  const rows = await trail(ctx, personId)
  t.same(rows.map((r) => r.id).sort(), [items[4]?.id, items[6]?.id].sort(), 'only the in-range scans in the trail')
  t.equal(rows.find((r) => r.id === items[4]?.id)?.scannedAt, new Date(now + 29_000).toISOString(), 'an offline item keeps its scannedAt')
  t.equal(rows.find((r) => r.id === items[6]?.id)?.scannedAt, new Date(now).toISOString())
  const stored = await ctx.app.store.db.select({ at: ctx.app.store.t.scans.scannedAt }).from(ctx.app.store.t.scans)
  t.ok(stored.every((s) => Number(s.at) >= now - 7 * DAY && Number(s.at) <= now + 30_000), 'no stored scan outside the window')
})

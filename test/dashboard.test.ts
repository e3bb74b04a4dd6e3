// The dashboard: an area's counts and its children's, as of now; the city equals the sum of its streets; scopes.
import { randomUUID } from 'node:crypto'
import { eachDb, bearerOf, ADMIN_PASSWORD, T0, DAY, type Ctx } from './helper.ts'

const HOUR = 3_600_000

/** city C → streets S1, S2 → communities M1 (S1), M2 (S2) → grids g1, g2 (M1), g3 (M2). */
async function tree (ctx: Ctx): Promise<void> {
  const admin = bearerOf(await ctx.admin())
  for (const a of [
    { id: 'C', name: '宜都市', level: 'city' },
    { id: 'S1', name: '陆城街道', level: 'street', parentId: 'C' },
    { id: 'S2', name: '红花套镇', level: 'street', parentId: 'C' },
    { id: 'M1', name: '清江社区', level: 'community', parentId: 'S1' },
    { id: 'M2', name: '渔洋溪村', level: 'community', parentId: 'S2' },
    { id: 'g1', name: '清江一网格', level: 'grid', parentId: 'M1' },
    { id: 'g2', name: '清江二网格', level: 'grid', parentId: 'M1' },
    { id: 'g3', name: '渔洋溪一网格', level: 'grid', parentId: 'M2' }
  ]) {
    const res = await ctx.inject({ method: 'POST', url: '/v1/areas', headers: admin, payload: a })
    if (res.statusCode !== 201) throw new Error(`area ${a.id}: ${res.body}`)
  }
}

/** Tokens run out when the clock jumps a day: a fresh admin login. */
const adminNow = async (ctx: Ctx): Promise<string> =>
  (await ctx.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'admin', password: ADMIN_PASSWORD } })).json().accessToken as string

const figures = (o: Record<string, unknown>) => ({
  people: o.people, households: o.households, screened: o.screened, returnees: o.returnees, colors: o.colors, scans24h: o.scans24h
})

eachDb('the dashboard counts people, households, screenings, colours and scans per area; the city is the sum of its streets', async (t, ctx) => {
  const { store } = ctx.app
  const { t: tables } = store
  await tree(ctx)
  ctx.clock.set(T0 + 30 * 60_000)
  let admin = await adminNow(ctx)

  // People: g1 three, g2 one, g3 two (one registered by hand, without a phone); one person in no grid.
  const p1 = await ctx.resident({ profile: { gridId: 'g1' } })
  const p2 = await ctx.resident({ profile: { gridId: 'g1' } })
  const p3 = await ctx.resident({ profile: { gridId: 'g1' } })
  const p4 = await ctx.resident({ profile: { gridId: 'g2' } })
  const p5 = await ctx.resident({ profile: { gridId: 'g3' } })
  await ctx.resident()
  const now = ctx.clock.now()
  await store.tx(async (db) => {
    await db.insert(tables.people).values({ id: 'no-phone-person-0001', gridId: 'g3', createdBy: 'gridworker-1', createdAt: now, updatedAt: now })
    await db.insert(tables.households).values(['h1', 'h2', 'h3'].map((id, i) => ({
      id, gridId: i < 2 ? 'g1' : 'g3', addressEnc: `sealed-${id}`, addressIdx: `idx-${id}`, phoneEnc: null, createdBy: 'test', createdAt: now, updatedAt: now
    })))
    // R1 open (the city), R2 open (S1: it screens h1 again), R0 closed: only the open rounds count, each household and
    // person once.
    await db.insert(tables.screeningRounds).values([
      { id: 'R0', areaId: 'C', name: '第一轮', openedBy: 'officer', openedAt: now - 10 * DAY, closedBy: 'officer', closedAt: now - 5 * DAY },
      { id: 'R1', areaId: 'C', name: '第二轮', openedBy: 'officer', openedAt: now - DAY, closedBy: null, closedAt: null },
      { id: 'R2', areaId: 'S1', name: '陆城复查', openedBy: 'officer', openedAt: now - HOUR, closedBy: null, closedAt: null }
    ])
    const screening = (id: string, roundId: string, householdId: string, gridId: string) =>
      ({ id, roundId, householdId, gridId, present: true, noteEnc: null, screenedBy: 'gridworker-1', screenedAt: now })
    await db.insert(tables.screenings).values([screening('s0', 'R0', 'h2', 'g1'), screening('s1', 'R1', 'h1', 'g1'), screening('s2', 'R1', 'h3', 'g3'), screening('s3', 'R2', 'h1', 'g1')])
    const member = (screeningId: string, roundId: string, personId: string, gridId: string, returned: boolean) =>
      ({ screeningId, personId, roundId, gridId, returned, dataEnc: 'sealed' })
    await db.insert(tables.screeningMembers).values([
      member('s0', 'R0', p3.personId, 'g1', true),
      member('s1', 'R1', p1.personId, 'g1', true), member('s1', 'R1', p2.personId, 'g1', false),
      member('s2', 'R1', p5.personId, 'g3', true),
      member('s3', 'R2', p1.personId, 'g1', true)
    ])
  })

  // Colours through the real API: p2 declares a fever (yellow); p4 is set red by an officer and a second one confirms.
  const fever = await ctx.inject({ method: 'POST', url: '/v1/me/declarations', headers: bearerOf(p2.token), payload: { temperature: 38.2, symptoms: [], visitedHighRiskArea: false, contactWithConfirmed: false } })
  t.equal(fever.statusCode, 201, fever.body)
  const red = await ctx.inject({ method: 'POST', url: `/v1/people/${p4.personId}/status`, headers: bearerOf(admin), payload: { color: 'red', reason: '核酸阳性' } })
  t.equal(red.statusCode, 202, red.body)
  t.equal((await ctx.confirm(red.json().changeId as string)).statusCode, 200)
  // p5's fever 8 days ago has run out: green again.
  ctx.clock.advance(-8 * DAY)
  await ctx.inject({ method: 'POST', url: '/v1/me/declarations', headers: bearerOf(p5.token), payload: { temperature: 38.5, symptoms: [], visitedHighRiskArea: false, contactWithConfirmed: false } })
  ctx.clock.advance(8 * DAY)

  // Scans: checkpoint A in g1, B in g3, one in no grid. A scan at 08:30 and one at 08:45 on day 1, then the clock
  // moves to 08:40 on day 2: the window starts at 08:40 on day 1 and its oldest hour counts only from there.
  const cpA = await ctx.checkpoint({ gridId: 'g1' })
  const cpB = await ctx.checkpoint({ gridId: 'g3', name: '渔洋溪卡口' })
  const cpNone = await ctx.checkpoint({ name: '高速出口' })
  let holder = p1.token
  const code = async () => (await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(holder) })).json().token as string
  const scan = async (checkpointId: string, id: string = randomUUID(), token?: string) => {
    const res = await ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(admin), payload: { id, token: token ?? await code(), checkpointId } })
    t.equal(res.statusCode, 200, res.body)
    return res.json() as { recorded: boolean, duplicate: boolean }
  }
  t.ok((await scan(cpA)).recorded, 'day 1, 08:30: outside the window at the end')
  ctx.clock.advance(15 * 60_000)
  const earlyToken = await code()
  const earlyAt = new Date(ctx.clock.now()).toISOString()
  ctx.clock.set(T0 + DAY + 40 * 60_000)
  admin = await adminNow(ctx)
  holder = (await ctx.resident({ phone: p1.phone, profile: false })).token
  const batch = await ctx.inject({ method: 'POST', url: '/v1/scans/batch', headers: bearerOf(admin), payload: { scans: [{ id: randomUUID(), token: earlyToken, checkpointId: cpA, scannedAt: earlyAt }] } })
  t.equal(batch.statusCode, 200, batch.body)
  t.match(batch.json().results[0], { recorded: true, offline: true }, 'day 1, 08:45, synced late: inside the window')
  const once = randomUUID()
  const onceToken = await code()
  await scan(cpA, once, onceToken)
  t.ok((await scan(cpA, once, onceToken)).duplicate, 'a retry is not a second scan')
  await scan(cpB)
  await scan(cpB)
  await scan(cpNone)

  const hours = await store.db.select().from(tables.scanHours)
  const hourOf = (ms: number): number => Math.floor(ms / HOUR) * HOUR
  const key = (r: { checkpointId: string, hour: number }): string => `${r.checkpointId === cpA ? 'A' : r.checkpointId === cpB ? 'B' : 'none'}@${(r.hour - T0) / HOUR}`
  t.same(Object.fromEntries(hours.map((r) => [key(r), r.count])), { 'A@0': 2, 'A@24': 1, 'B@24': 2, 'none@24': 1 }, 'scan_hours: the scans written, per checkpoint and hour')
  t.equal(hourOf(T0), T0)

  const res = await ctx.inject({ method: 'GET', url: '/v1/dashboard', headers: bearerOf(admin) })
  t.equal(res.statusCode, 200, res.body)
  const city = res.json()
  t.match(city, { areaId: 'C', name: '宜都市', level: 'city' }, 'without areaId: the root of the tree')
  t.same(figures(city), {
    people: 6, households: 3, screened: { households: 2, people: 3 }, returnees: 2, colors: { green: 4, yellow: 1, red: 1 }, scans24h: 4
  })
  t.same(city.children.map((c: { areaId: string }) => c.areaId), ['S1', 'S2'])
  const hourly = city.hourly as Array<{ hour: string, scans: number }>
  t.equal(hourly.length, 24, 'scans per hour: the current hour and the 23 before it')
  t.equal(hourly[0]?.hour, new Date(T0 + HOUR).toISOString(), 'oldest first')
  t.same(hourly.at(-1), { hour: new Date(T0 + DAY).toISOString(), scans: 3 }, 'this hour so far, at the checkpoints of the area\'s grids')
  t.equal(hourly.reduce((n, h) => n + h.scans, 0), 3, 'day 1\'s 08:00 hour is before the series')
  const [s1, s2] = city.children
  t.same(figures(s1), { people: 4, households: 2, screened: { households: 1, people: 2 }, returnees: 1, colors: { green: 2, yellow: 1, red: 1 }, scans24h: 2 })
  t.same(figures(s2), { people: 2, households: 1, screened: { households: 1, people: 1 }, returnees: 1, colors: { green: 2, yellow: 0, red: 0 }, scans24h: 2 })
  t.notOk('children' in s1, 'children come without their own children')
  for (const k of ['people', 'households', 'returnees', 'scans24h'] as const) t.equal(city[k], s1[k] + s2[k], `the city's ${k} is the sum of its streets'`)

  const m1 = (await ctx.inject({ method: 'GET', url: '/v1/dashboard?areaId=M1', headers: bearerOf(admin) })).json()
  t.match(m1, { areaId: 'M1', level: 'community', people: 4 })
  t.same(m1.children.map((c: Record<string, unknown>) => [c.areaId, c.level, c.people, c.colors, c.scans24h]), [
    ['g1', 'grid', 3, { green: 2, yellow: 1, red: 0 }, 2],
    ['g2', 'grid', 1, { green: 0, yellow: 0, red: 1 }, 0]
  ])

  // A second root: without areaId, the node "all" with both cities as children.
  await ctx.inject({ method: 'POST', url: '/v1/areas', headers: bearerOf(admin), payload: { id: 'C2', name: '枝江市', level: 'city' } })
  const all = (await ctx.inject({ method: 'GET', url: '/v1/dashboard', headers: bearerOf(admin) })).json()
  t.match(all, { areaId: null, level: 'all', people: 6, scans24h: 4 })
  t.same(all.children.map((c: { areaId: string }) => c.areaId), ['C', 'C2'])

  // Old hours go with the retention purge.
  ctx.clock.advance(27 * DAY + HOUR)
  await ctx.app.retention.run()
  admin = await adminNow(ctx)
  t.same((await store.db.select().from(tables.scanHours)).map(key).sort(), ['A@24', 'B@24', 'none@24'], 'the hours before the scan retention are purged')
})

eachDb('the dashboard is scoped: a grid worker sees their grid; another area is 404 and audited; residents are refused', async (t, ctx) => {
  await tree(ctx)
  const admin = await ctx.admin()
  await ctx.resident({ profile: { gridId: 'g1' } })
  const r3 = await ctx.resident({ profile: { gridId: 'g3' } })
  const worker = await ctx.staff('gridworker', { gridIds: ['g1'], username: 'wang-gridworker' })

  const own = await ctx.inject({ method: 'GET', url: '/v1/dashboard', headers: bearerOf(worker) })
  t.equal(own.statusCode, 200, own.body)
  t.match(own.json(), { areaId: 'g1', level: 'grid', people: 1, children: [] }, 'without areaId: their grid')
  t.equal((await ctx.inject({ method: 'GET', url: '/v1/dashboard?areaId=g1', headers: bearerOf(worker) })).statusCode, 200)

  for (const areaId of ['S2', 'C', 'g3', 'nowhere']) {
    const res = await ctx.inject({ method: 'GET', url: `/v1/dashboard?areaId=${areaId}`, headers: bearerOf(worker) })
    t.equal(res.statusCode, 404, `${areaId}: 404`)
    t.match(res.json(), { code: 'GP_NOT_FOUND', message: `query.areaId: no area ${areaId}` }, 'worded like a missing area')
  }
  const audit = (await ctx.inject({ method: 'GET', url: '/v1/audit?limit=100', headers: bearerOf(admin) })).json().entries as Array<{ action: string, target: string, actor: string }>
  const refused = audit.filter((e) => e.action === 'dashboard.read.out_of_scope')
  t.same(refused.map((e) => e.target).sort(), ['C', 'S2', 'g3', 'nowhere'], 'each refusal audited against the area asked for')
  t.ok(refused.every((e) => e.actor === 'wang-gridworker'))

  const bad = await ctx.inject({ method: 'GET', url: '/v1/dashboard?areaId=a%20b', headers: bearerOf(worker) })
  t.equal(bad.statusCode, 400)
  t.match(bad.json().message, /areaId/)
  const resident = await ctx.inject({ method: 'GET', url: '/v1/dashboard', headers: bearerOf(r3.token) })
  t.equal(resident.statusCode, 403)
  t.equal((await ctx.inject({ method: 'GET', url: '/v1/dashboard' })).statusCode, 401)
})

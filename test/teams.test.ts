// The community's "1+1+N+K" card, the duty roster and the battle map (作战图): what staff see, what they may change,
// and that outside one's scope is a 404 that is audited.
import type { LightMyRequestResponse } from 'fastify'
import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { eachDb, bearerOf, T0, type Ctx } from './helper.ts'

const H = 3_600_000
const iso = (ms: number): string => new Date(ms).toISOString()
const PASSWORD = 'staff-password-123'

interface World {
  admin: string
  users: Record<string, { id: string, token: string }>
  cp: { gate: string, market: string, other: string }
}

/**
 * 宜都 (city) → 陆城 (street) → 桥河 (community m1: grids g1, g2) and 清江 (community m2: grid g3).
 * Checkpoints: 桥河东门 (g1, placed), 桥河菜场 (g2, no coordinates), 清江卡口 (g3, placed).
 */
async function world (ctx: Ctx): Promise<World> {
  const admin = await ctx.admin()
  const post = async (url: string, payload: Record<string, unknown>): Promise<LightMyRequestResponse> => {
    const res = await ctx.inject({ method: 'POST', url, headers: bearerOf(admin), payload })
    if (res.statusCode !== 201) throw new Error(`${url} failed: ${res.body}`)
    return res
  }
  await post('/v1/areas', { id: 'yd', name: '宜都市', level: 'city' })
  await post('/v1/areas', { id: 'lc', name: '陆城街道', level: 'street', parentId: 'yd' })
  await post('/v1/areas', { id: 'm1', name: '桥河社区', level: 'community', parentId: 'lc' })
  await post('/v1/areas', { id: 'm2', name: '清江社区', level: 'community', parentId: 'lc' })
  await post('/v1/areas', { id: 'g1', name: '桥河一网格', level: 'grid', parentId: 'm1' })
  await post('/v1/areas', { id: 'g2', name: '桥河二网格', level: 'grid', parentId: 'm1' })
  await post('/v1/areas', { id: 'g3', name: '清江一网格', level: 'grid', parentId: 'm2' })
  const cp = {
    gate: await ctx.checkpoint({ name: '桥河东门', kind: 'community', gridId: 'g1', lat: 30.38, lon: 111.45 }),
    market: await ctx.checkpoint({ name: '桥河菜场', kind: 'venue', gridId: 'g2' }),
    other: await ctx.checkpoint({ name: '清江卡口', kind: 'traffic', gridId: 'g3', lat: 30.40, lon: 111.42 })
  }
  const users: World['users'] = {}
  const user = async (username: string, role: string, scope: Record<string, string[]> = {}): Promise<void> => {
    const id = (await post('/v1/users', { username, password: PASSWORD, role, ...scope })).json().id as string
    const login = await ctx.inject({ method: 'POST', url: '/v1/auth/login', payload: { username, password: PASSWORD } })
    users[username] = { id, token: login.json().accessToken as string }
  }
  await user('gw-wang', 'gridworker', { gridIds: ['g1'] })
  await user('gw-li', 'gridworker', { gridIds: ['g2', 'g3'] })
  await user('gw-zhao', 'gridworker', { gridIds: ['g3'] })
  await user('gw-gone', 'gridworker', { gridIds: ['g1'] })
  await ctx.inject({ method: 'PATCH', url: `/v1/users/${users['gw-gone']?.id}`, headers: bearerOf(admin), payload: { disabled: true } })
  await user('vol-chen', 'volunteer', { checkpointIds: [cp.gate] })
  await user('vol-liu', 'volunteer', { checkpointIds: [cp.market] })
  await user('vol-sun', 'volunteer', { checkpointIds: [cp.other] })
  await user('officer-m2', 'officer', { areaIds: ['m2'] })
  await user('officer-all', 'officer')
  return { admin, users, cp }
}

const tokenOf = (w: World, name: string): string => {
  const u = w.users[name]
  if (u === undefined) throw new Error(`no user ${name}`)
  return u.token
}
const idOf = (w: World, name: string): string => (w.users[name] as { id: string }).id
const get = (ctx: Ctx, token: string, url: string) => ctx.inject({ method: 'GET', url, headers: bearerOf(token) })
const putTeam = (ctx: Ctx, token: string, areaId: string, payload: unknown) => ctx.inject({ method: 'PUT', url: `/v1/areas/${areaId}/team`, headers: bearerOf(token), payload: payload as Record<string, unknown> })
const assign = (ctx: Ctx, token: string, payload: Record<string, unknown>) => ctx.inject({ method: 'POST', url: '/v1/duty-shifts', headers: bearerOf(token), payload })
async function audited (ctx: Ctx, admin: string, action: string, target: string): Promise<Array<{ actor: string, action: string, target: string, purpose: string | null }>> {
  const res = await get(ctx, admin, `/v1/audit?limit=100&action=${encodeURIComponent(action)}&target=${encodeURIComponent(target)}`)
  return res.json().entries
}

const TEAM = { doctor: { name: '刘 医生', phone: '13907171234' }, police: { name: '周警官', phone: '0717-4812345' } }

eachDb('the card: doctor and police officer, grid workers and checkpoints of the community, who is on duty', async (t, ctx) => {
  const w = await world(ctx)
  const shift = await assign(ctx, w.admin, { checkpointId: w.cp.gate, userId: idOf(w, 'vol-chen'), from: iso(T0 + H), to: iso(T0 + 9 * H) })
  t.equal(shift.statusCode, 201, shift.body)
  // Beyond the card's next 24 hours: on the roster, not on the card.
  t.equal((await assign(ctx, w.admin, { checkpointId: w.cp.market, userId: idOf(w, 'vol-liu'), from: iso(T0 + 30 * H), to: iso(T0 + 38 * H) })).statusCode, 201)

  const empty = await get(ctx, tokenOf(w, 'gw-wang'), '/v1/areas/m1/team')
  t.equal(empty.statusCode, 200, empty.body)
  t.same({ doctor: empty.json().doctor, police: empty.json().police, updatedAt: empty.json().updatedAt }, { doctor: null, police: null, updatedAt: null }, 'no team set yet: both posts vacant')

  const put = await putTeam(ctx, w.admin, 'm1', TEAM)
  t.equal(put.statusCode, 200, put.body)
  const card = (await get(ctx, tokenOf(w, 'gw-wang'), '/v1/areas/m1/team')).json()
  t.same(put.json(), card, 'PUT answers the card GET shows')
  t.match(card, {
    areaId: 'm1',
    name: '桥河社区',
    doctor: { name: '刘 医生', phone: '13907171234' },
    police: { name: '周警官', phone: '0717-4812345' },
    counts: { gridWorkers: 2, checkpoints: 2 },
    updatedBy: 'admin'
  })
  t.same(card.gridWorkers, [
    { id: idOf(w, 'gw-li'), username: 'gw-li', gridIds: ['g2'] },
    { id: idOf(w, 'gw-wang'), username: 'gw-wang', gridIds: ['g1'] }
  ], 'enabled grid workers of the community, with only their grids in it')
  // By name in Chinese order (pinyin: 菜 cai before 东 dong).
  t.same(card.checkpoints.map((c: { name: string }) => c.name), ['桥河菜场', '桥河东门'], 'the checkpoints in its grids, not 清江卡口')
  const gate = card.checkpoints[1]
  t.match(gate, { id: w.cp.gate, kind: 'community', gridId: 'g1', lat: 30.38, lon: 111.45 })
  t.same(gate.onDuty, [{ userId: idOf(w, 'vol-chen'), username: 'vol-chen', from: iso(T0 + H), to: iso(T0 + 9 * H) }])
  t.same(card.checkpoints[0].onDuty, [], 'a shift more than 24 hours ahead is not on the card')

  // Vacating a post; the stored team is encrypted.
  const vacated = await putTeam(ctx, w.admin, 'm1', { doctor: { name: '刘医生' }, police: null })
  t.match(vacated.json(), { doctor: { name: '刘医生', phone: null }, police: null })
  const raw = await ctx.app.store.rows<{ doctor_enc: string }>(ctx.app.store.db, sql`SELECT doctor_enc FROM area_teams WHERE area_id = 'm1'`)
  t.notOk(JSON.stringify(raw).includes('刘医生'), 'the name is not stored in clear')
  t.match(await audited(ctx, w.admin, 'team.set', 'm1'), [{ actor: 'admin', purpose: null }, { actor: 'admin' }], 'each change audited, without names or phones')

  // Who else reads it: a volunteer of one of its checkpoints, an unscoped officer; the grid worker of another community does not.
  t.equal((await get(ctx, tokenOf(w, 'vol-chen'), '/v1/areas/m1/team')).statusCode, 200)
  t.equal((await get(ctx, tokenOf(w, 'officer-all'), '/v1/areas/m1/team')).statusCode, 200)
  t.equal((await get(ctx, tokenOf(w, 'gw-li'), '/v1/areas/m1/team')).statusCode, 200, 'a grid worker with one grid in it')
})

eachDb('team changes: only a community; names and phones checked; outside the scope is a 404 that is audited', async (t, ctx) => {
  const w = await world(ctx)
  const street = await putTeam(ctx, w.admin, 'lc', TEAM)
  t.equal(street.statusCode, 400)
  t.match(street.json(), { code: 'GP_VALIDATION', message: /params\.areaId: lc is a street/ })
  t.match((await get(ctx, w.admin, '/v1/areas/g1/team')).json(), { statusCode: 400, message: /g1 is a grid/ })
  t.match((await get(ctx, w.admin, '/v1/areas/nowhere/team')).json(), { statusCode: 404, code: 'GP_NOT_FOUND', message: /params\.areaId: no area nowhere/ })

  const bad = [
    [{ doctor: { name: '刘医生', phone: '12345' }, police: null }, /body\.doctor\.phone/],
    [{ doctor: { name: '   ' }, police: null }, /body\.doctor\.name: is blank/],
    [{ doctor: null }, /body\.police: is required/],
    [{ doctor: null, police: null, nurse: null }, /body\.nurse: is not a known field/],
    [{ doctor: { name: '刘医生', title: '主任' }, police: null }, /body\.doctor\.title: is not a known field/]
  ] as const
  for (const [payload, message] of bad) {
    const res = await putTeam(ctx, w.admin, 'm1', payload)
    t.equal(res.statusCode, 400, JSON.stringify(payload))
    t.match(res.json(), { code: 'GP_VALIDATION', message })
  }
  t.equal((await get(ctx, w.admin, '/v1/areas/m1/team')).json().updatedAt, null, 'nothing was written')

  t.equal((await putTeam(ctx, tokenOf(w, 'gw-wang'), 'm1', TEAM)).statusCode, 403, 'grid workers read the card, they do not set it')
  const outside = await putTeam(ctx, tokenOf(w, 'officer-m2'), 'm1', TEAM)
  t.equal(outside.statusCode, 404)
  t.same(outside.json(), { statusCode: 404, code: 'GP_NOT_FOUND', error: 'Not Found', message: 'params.areaId: no area m1' }, 'worded like a missing area')
  t.match(await audited(ctx, w.admin, 'team.set.out_of_scope', 'm1'), [{ actor: 'officer-m2' }])
  const inside = await putTeam(ctx, tokenOf(w, 'officer-m2'), 'm2', { doctor: { name: ' 吴  医生 ' }, police: { name: '郑警官', phone: '+8613900001111' } })
  t.equal(inside.statusCode, 200, 'inside their scope')
  t.match(inside.json(), { areaId: 'm2', doctor: { name: '吴 医生', phone: null }, police: { name: '郑警官', phone: '13900001111' }, updatedBy: 'officer-m2' }, 'names tidied, +86 dropped')

  const read = await get(ctx, tokenOf(w, 'gw-zhao'), '/v1/areas/m1/team')
  t.equal(read.statusCode, 404, 'a grid worker of another community')
  t.match(await audited(ctx, w.admin, 'team.read.out_of_scope', 'm1'), [{ actor: 'gw-zhao' }])
})

eachDb('the duty roster: a volunteer of that checkpoint, one shift at a time, at most 24 hours; listed with names; removed', async (t, ctx) => {
  const w = await world(ctx)
  const chen = idOf(w, 'vol-chen')
  const first = await assign(ctx, tokenOf(w, 'officer-all'), { checkpointId: w.cp.gate, userId: chen, from: iso(T0), to: iso(T0 + 8 * H) })
  t.equal(first.statusCode, 201, first.body)
  t.match(first.json(), { id: /.+/, checkpointId: w.cp.gate, checkpointName: '桥河东门', userId: chen, username: 'vol-chen', from: iso(T0), to: iso(T0 + 8 * H), createdBy: 'officer-all', createdAt: iso(T0) })

  const overlap = await assign(ctx, w.admin, { checkpointId: w.cp.gate, userId: chen, from: iso(T0 + 7 * H), to: iso(T0 + 12 * H) })
  t.equal(overlap.statusCode, 409)
  t.match(overlap.json(), { code: 'GP_CONFLICT', message: new RegExp(`body\\.from: vol-chen is already on duty at 桥河东门 from ${iso(T0)} to ${iso(T0 + 8 * H)}`) })
  const next = await assign(ctx, w.admin, { checkpointId: w.cp.gate, userId: chen, from: iso(T0 + 8 * H), to: iso(T0 + 16 * H) })
  t.equal(next.statusCode, 201, 'back to back is not an overlap')

  const refusals: Array<[Record<string, unknown>, number, RegExp]> = [
    [{ checkpointId: w.cp.gate, userId: idOf(w, 'vol-liu'), from: iso(T0), to: iso(T0 + H) }, 400, /body\.userId: vol-liu is not assigned to checkpoint 桥河东门/],
    [{ checkpointId: w.cp.gate, userId: idOf(w, 'gw-wang'), from: iso(T0), to: iso(T0 + H) }, 400, /body\.userId: gw-wang \(gridworker\) is not a volunteer/],
    [{ checkpointId: w.cp.gate, userId: 'no-such-user', from: iso(T0), to: iso(T0 + H) }, 404, /body\.userId: no user no-such-user/],
    [{ checkpointId: 'no-such-cp', userId: chen, from: iso(T0), to: iso(T0 + H) }, 404, /body\.checkpointId: no checkpoint no-such-cp/],
    [{ checkpointId: w.cp.gate, userId: chen, from: iso(T0 + 20 * H), to: iso(T0 + 20 * H) }, 400, /body\.to: must be after body\.from/],
    [{ checkpointId: w.cp.gate, userId: chen, from: iso(T0 + 20 * H), to: iso(T0 + 45 * H) }, 400, /body\.to: a shift lasts at most 24 hours/],
    [{ checkpointId: w.cp.gate, userId: chen, from: 'tomorrow', to: iso(T0 + 45 * H) }, 400, /body\.from/],
    [{ checkpointId: w.cp.gate, userId: chen, from: iso(T0 + 20 * H), to: iso(T0 + 21 * H), note: 'x' }, 400, /body\.note: is not a known field/]
  ]
  for (const [payload, status, message] of refusals) {
    const res = await assign(ctx, w.admin, payload)
    t.equal(res.statusCode, status, res.body)
    t.match(res.json(), { message })
  }
  const outside = await assign(ctx, tokenOf(w, 'officer-m2'), { checkpointId: w.cp.gate, userId: chen, from: iso(T0 + 20 * H), to: iso(T0 + 21 * H) })
  t.equal(outside.statusCode, 404, 'a checkpoint outside the officer\'s scope')
  t.match(outside.json(), { message: `body.checkpointId: no checkpoint ${w.cp.gate}` })
  t.match(await audited(ctx, w.admin, 'duty.assign.out_of_scope', w.cp.gate), [{ actor: 'officer-m2' }])
  t.equal((await assign(ctx, tokenOf(w, 'gw-wang'), { checkpointId: w.cp.gate, userId: chen, from: iso(T0 + 20 * H), to: iso(T0 + 21 * H) })).statusCode, 403)
  t.equal((await assign(ctx, tokenOf(w, 'officer-m2'), { checkpointId: w.cp.other, userId: idOf(w, 'vol-sun'), from: iso(T0), to: iso(T0 + 8 * H) })).statusCode, 201)

  // Two overlapping shifts of one volunteer asked at once: one is written, the other refused.
  const liu = idOf(w, 'vol-liu')
  const race = await Promise.all([6, 7].map((h) => assign(ctx, w.admin, { checkpointId: w.cp.market, userId: liu, from: iso(T0 + h * H), to: iso(T0 + (h + 8) * H) })))
  t.same(race.map((r) => r.statusCode).sort(), [201, 409], 'one of two concurrent overlapping shifts')
  const kept = race.find((r) => r.statusCode === 201)?.json().id as string
  t.equal((await ctx.inject({ method: 'DELETE', url: `/v1/duty-shifts/${kept}`, headers: bearerOf(w.admin) })).statusCode, 204)

  // The roster of the community, read by its grid worker: names, not only ids.
  const list = await get(ctx, tokenOf(w, 'gw-wang'), `/v1/duty-shifts?areaId=m1&from=${iso(T0)}&to=${iso(T0 + 24 * H)}`)
  t.equal(list.statusCode, 200, list.body)
  t.same(list.json().shifts.map((s: { username: string, checkpointName: string, from: string }) => [s.username, s.checkpointName, s.from]), [
    ['vol-chen', '桥河东门', iso(T0)],
    ['vol-chen', '桥河东门', iso(T0 + 8 * H)]
  ], '清江\'s shift is not in 桥河\'s roster')
  t.same((await get(ctx, tokenOf(w, 'vol-sun'), '/v1/duty-shifts')).json().shifts.map((s: { username: string }) => s.username), ['vol-sun'], 'without filters: the checkpoints in one\'s scope, from now on')
  t.equal((await get(ctx, tokenOf(w, 'officer-all'), '/v1/duty-shifts')).json().shifts.length, 3, 'an unscoped officer: everything')
  t.match((await get(ctx, w.admin, `/v1/duty-shifts?from=${iso(T0)}&to=${iso(T0 + 40 * 24 * H)}`)).json(), { statusCode: 400, message: /query\.to: at most 31 days/ })
  t.equal((await get(ctx, tokenOf(w, 'gw-zhao'), '/v1/duty-shifts?areaId=m1')).statusCode, 404, 'another community\'s roster')
  t.match(await audited(ctx, w.admin, 'duty.list.out_of_scope', 'm1'), [{ actor: 'gw-zhao' }])

  // Removing: out of scope is a 404 like a missing shift; then it is gone.
  const id = first.json().id as string
  const del = (token: string) => ctx.inject({ method: 'DELETE', url: `/v1/duty-shifts/${id}`, headers: bearerOf(token) })
  const refused = await del(tokenOf(w, 'officer-m2'))
  t.equal(refused.statusCode, 404)
  t.match(refused.json(), { message: `params.id: no duty shift ${id}` })
  t.match(await audited(ctx, w.admin, 'duty.remove.out_of_scope', id), [{ actor: 'officer-m2' }])
  t.equal((await del(tokenOf(w, 'officer-all'))).statusCode, 204)
  t.equal((await del(tokenOf(w, 'officer-all'))).statusCode, 404, 'gone')
  t.match(await audited(ctx, w.admin, 'duty.assign', id), [{ actor: 'officer-all', purpose: `vol-chen@${w.cp.gate} ${iso(T0)}/${iso(T0 + 8 * H)}` }])
  t.match(await audited(ctx, w.admin, 'duty.remove', id), [{ actor: 'officer-all', purpose: `vol-chen@${w.cp.gate} ${iso(T0)}/${iso(T0 + 8 * H)}` }])
  t.equal((await assign(ctx, w.admin, { checkpointId: w.cp.gate, userId: chen, from: iso(T0 + 2 * H), to: iso(T0 + 6 * H) })).statusCode, 201, 'its time is free again')
})

eachDb('the battle map: checkpoints by coordinates, the unplaced counted, who is on duty now', async (t, ctx) => {
  const w = await world(ctx)
  await assign(ctx, w.admin, { checkpointId: w.cp.gate, userId: idOf(w, 'vol-chen'), from: iso(T0 - 2 * H), to: iso(T0 + 6 * H) })
  await assign(ctx, w.admin, { checkpointId: w.cp.other, userId: idOf(w, 'vol-sun'), from: iso(T0 + 6 * H), to: iso(T0 + 14 * H) })

  // Two residents pass 桥河东门 an hour before: the map's scans in the last 24 hours.
  ctx.clock.set(T0 - H)
  for (let i = 0; i < 2; i++) {
    const resident = await ctx.resident()
    const code = (await get(ctx, resident.token, '/v1/me/code')).json().token as string
    const scan = await ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(tokenOf(w, 'vol-chen')), payload: { id: randomUUID(), token: code, checkpointId: w.cp.gate } })
    if (scan.json().recorded !== true) throw new Error(`scan failed: ${scan.body}`)
  }
  ctx.clock.set(T0)

  const street = await get(ctx, w.admin, '/v1/areas/lc/battle-map')
  t.equal(street.statusCode, 200, street.body)
  t.match(street.json(), {
    areaId: 'lc', name: '陆城街道', level: 'street', at: iso(T0),
    bounds: { minLat: 30.38, maxLat: 30.40, minLon: 111.42, maxLon: 111.45 },
    counts: { checkpoints: 3, placed: 2, unplaced: 1, onDutyNow: 1, scans24h: 2 }
  })
  const byName = Object.fromEntries(street.json().checkpoints.map((c: { name: string }) => [c.name, c]))
  t.same(byName['桥河东门'].onDutyNow, [{ userId: idOf(w, 'vol-chen'), username: 'vol-chen', until: iso(T0 + 6 * H) }])
  t.equal(byName['桥河东门'].scans24h, 2)
  t.match(byName['桥河菜场'], { lat: null, lon: null, onDutyNow: [], scans24h: 0 }, 'listed, not placed')
  t.same(byName['清江卡口'].onDutyNow, [], 'a shift that has not begun')

  ctx.clock.set(T0 + 7 * H)
  const later = (await get(ctx, tokenOf(w, 'gw-wang'), '/v1/areas/m1/battle-map')).json()
  t.match(later, { areaId: 'm1', level: 'community', bounds: { minLat: 30.38, maxLat: 30.38 }, counts: { checkpoints: 2, placed: 1, unplaced: 1, onDutyNow: 0 } }, 'the grid worker\'s own community; the shift has ended')
  t.equal((await get(ctx, w.admin, '/v1/areas/yd/battle-map')).json().counts.onDutyNow, 1, 'the city: vol-sun now')

  t.match((await get(ctx, w.admin, '/v1/areas/g1/battle-map')).json(), { statusCode: 400, message: /params\.areaId: g1 is a grid/ })
  const outside = await get(ctx, tokenOf(w, 'gw-wang'), '/v1/areas/lc/battle-map')
  t.equal(outside.statusCode, 404, 'a grid worker does not see the whole street')
  t.match(await audited(ctx, w.admin, 'battle_map.read.out_of_scope', 'lc'), [{ actor: 'gw-wang' }])
  t.equal((await get(ctx, tokenOf(w, 'officer-m2'), '/v1/areas/m1/battle-map')).statusCode, 404, 'an officer of another community')
  const empty = (await get(ctx, tokenOf(w, 'officer-m2'), '/v1/areas/m2/battle-map')).json()
  t.match(empty, { counts: { checkpoints: 1, placed: 1 } })
})

const lines: string[] = []
eachDb('phones of the team are never logged', async (t, ctx) => {
  const w = await world(ctx)
  t.equal((await putTeam(ctx, w.admin, 'm1', TEAM)).statusCode, 200)
  t.equal((await get(ctx, tokenOf(w, 'gw-wang'), '/v1/areas/m1/team')).statusCode, 200)
  t.equal((await putTeam(ctx, w.admin, 'm1', { doctor: { name: '刘医生', phone: '13907171234x' }, police: null })).statusCode, 400)
  const log = lines.join('')
  t.ok(log.includes('/v1/areas/m1/team'), 'requests are logged')
  t.notOk(log.includes('13907171234') || log.includes('4812345') || log.includes('周警官'), 'no phone or name in the log')
}, { config: { logger: true, logLevel: 'trace' }, build: { logStream: { write (line: string) { lines.push(line) } } } })

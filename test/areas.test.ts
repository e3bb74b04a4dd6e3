// The area tree (city → street → community → grid), its refusals, and the reach of scoped staff: inside their areas
// they see and act, outside it is 404 (as if unknown) and audited.
import { bearerOf, eachDb, idNumberFor, type Ctx } from './helper.ts'

let serial = 610_000 + Math.floor(Math.random() * 10_000)

async function tree (ctx: Ctx, admin: string) {
  const make = async (id: string, name: string, level: string, parentId?: string) => {
    const res = await ctx.inject({ method: 'POST', url: '/v1/areas', headers: bearerOf(admin), payload: { id, name, level, ...(parentId === undefined ? {} : { parentId }) } })
    if (res.statusCode !== 201) throw new Error(`area ${id}: ${res.body}`)
    return res.json() as { id: string, name: string, level: string, parentId: string | null }
  }
  const city = await make('yd', '宜都市', 'city')
  await make('lc', '陆城街道', 'street', 'yd')
  await make('hh', '红花套镇', 'street', 'yd')
  await make('lc-ql', '清江社区', 'community', 'lc')
  await make('hh-yz', '渔洋村', 'community', 'hh')
  await make('lc-ql-1', '清江第一网格', 'grid', 'lc-ql')
  await make('hh-yz-1', '渔洋第一网格', 'grid', 'hh-yz')
  return city
}

/** A person registered by the admin in a grid (a name, a fresh ID number). */
async function register (ctx: Ctx, admin: string, gridId: string, name: string): Promise<string> {
  const res = await ctx.inject({ method: 'POST', url: '/v1/people', headers: bearerOf(admin), payload: { name, idNumber: idNumberFor(++serial), gridId } })
  if (res.statusCode !== 201) throw new Error(res.body)
  return res.json().personId as string
}

async function auditActions (ctx: Ctx, admin: string): Promise<Array<{ action: string, target: string | null, actor: string }>> {
  return (await ctx.inject({ method: 'GET', url: '/v1/audit?limit=200', headers: bearerOf(admin) })).json().entries
}

eachDb('the area tree: levels, parents, moves, and the refusals that leave it as it was', async (t, ctx) => {
  const admin = await ctx.admin()
  const city = await tree(ctx, admin)
  t.same(city, { id: 'yd', name: '宜都市', level: 'city', parentId: null }, 'a city is a root')
  const list = async (parentId?: string) => (await ctx.inject({ method: 'GET', url: `/v1/areas${parentId === undefined ? '' : `?parentId=${parentId}`}`, headers: bearerOf(admin) })).json()
  t.same((await list('yd')).areas.map((a: { id: string, children: number }) => [a.id, a.children]), [['hh', 1], ['lc', 1]], 'the streets of the city, with how many children each has')
  const grids = (await ctx.inject({ method: 'GET', url: '/v1/grids', headers: bearerOf(admin) })).json().grids.map((g: { id: string }) => g.id)
  t.ok(grids.includes('lc-ql-1') && grids.includes('hh-yz-1'), 'a grid made as an area is a grid people and checkpoints can use')

  const refusals: Array<[Record<string, unknown>, RegExp, number?]> = [
    [{ id: 'x1', name: '街道', level: 'street' }, /body\.parentId: a street needs a parent city/],
    [{ id: 'x2', name: '社区', level: 'community', parentId: 'yd' }, /body\.parentId: yd is a city; a community belongs to a street/],
    [{ id: 'x3', name: '网格', level: 'grid', parentId: 'lc' }, /body\.parentId: lc is a street; a grid belongs to a community/],
    [{ id: 'x4', name: '市', level: 'city', parentId: 'yd' }, /body\.parentId: a city is the top of the tree/],
    [{ id: 'x5', name: '街道', level: 'street', parentId: 'nowhere' }, /body\.parentId: no area nowhere/],
    [{ id: 'x6', name: '区', level: 'district', parentId: 'yd' }, /^body\.level: must be equal to one of the allowed values/],
    [{ id: 'x7', name: '   ', level: 'city' }, /body\.name/],
    [{ id: 'lc', name: '又一个陆城', level: 'street', parentId: 'yd' }, /body\.id: an area or grid lc exists/, 409]
  ]
  for (const [payload, message, status] of refusals) {
    const res = await ctx.inject({ method: 'POST', url: '/v1/areas', headers: bearerOf(admin), payload })
    t.equal(res.statusCode, status ?? 400, `${JSON.stringify(payload)} → ${res.body}`)
    t.match(res.json().message, message)
  }
  t.same((await list()).areas.map((a: { id: string }) => a.id), ['yd'], 'nothing refused was written: one root')
  t.same((await list('yd')).areas.map((a: { id: string }) => a.id), ['hh', 'lc'])

  // Moves: under a parent of the right level only, and never into its own subtree.
  const patch = (id: string, payload: Record<string, unknown>) => ctx.inject({ method: 'PATCH', url: `/v1/areas/${id}`, headers: bearerOf(admin), payload })
  let res = await patch('lc', { parentId: 'lc' })
  t.equal(res.statusCode, 400)
  t.match(res.json().message, /body\.parentId: lc is this area itself; the tree would have a cycle/)
  res = await patch('lc', { parentId: 'lc-ql' })
  t.equal(res.statusCode, 400)
  t.match(res.json().message, /body\.parentId: lc-ql is below this area; the tree would have a cycle/)
  res = await patch('lc-ql', { parentId: 'yd' })
  t.equal(res.statusCode, 400, 'a community cannot hang from a city')
  t.match(res.json().message, /a community belongs to a street/)
  res = await patch('lc-ql', { parentId: 'hh', name: '清江新社区' })
  t.equal(res.statusCode, 200, res.body)
  t.same(res.json(), { id: 'lc-ql', name: '清江新社区', level: 'community', parentId: 'hh' })
  const one = (await ctx.inject({ method: 'GET', url: '/v1/areas/lc-ql-1', headers: bearerOf(admin) })).json()
  t.same(one.path.map((a: { id: string }) => a.id), ['yd', 'hh', 'lc-ql', 'lc-ql-1'], 'the grid moved with its community')
  t.equal(one.path[2].name, '清江新社区')

  // A grid made the old way, without a parent, is placed later.
  res = await ctx.inject({ method: 'POST', url: '/v1/grids', headers: bearerOf(admin), payload: { id: 'old-grid', name: '老网格' } })
  t.equal(res.statusCode, 201, res.body)
  t.same(res.json(), { id: 'old-grid', name: '老网格', parentId: null })
  res = await ctx.inject({ method: 'POST', url: '/v1/grids', headers: bearerOf(admin), payload: { id: 'bad-grid', name: '网格', parentId: 'yd' } })
  t.equal(res.statusCode, 400, 'POST /v1/grids checks the parent too')
  t.equal((await patch('old-grid', { parentId: 'hh-yz' })).statusCode, 200)
  t.same((await list('hh-yz')).areas.map((a: { id: string }) => a.id), ['hh-yz-1', 'old-grid'])
})

eachDb('reach: a scoped officer, a tracer and a grid worker see their part of the tree and of its people, and nothing else', async (t, ctx) => {
  const admin = await ctx.admin()
  await tree(ctx, admin)
  const mine = await register(ctx, admin, 'lc-ql-1', '王五')
  const theirs = await register(ctx, admin, 'hh-yz-1', '王五')

  const wrong = await ctx.inject({ method: 'POST', url: '/v1/users', headers: bearerOf(admin), payload: { username: 'vol-area', password: 'staff-password-123', role: 'volunteer', areaIds: ['lc'] } })
  t.equal(wrong.statusCode, 400, 'only tracers and officers have areas')
  t.match(wrong.json().message, /body\.areaIds/)
  const unknown = await ctx.inject({ method: 'POST', url: '/v1/users', headers: bearerOf(admin), payload: { username: 'off-area', password: 'staff-password-123', role: 'officer', areaIds: ['nowhere'] } })
  t.equal(unknown.statusCode, 400)
  t.match(unknown.json().message, /body\.areaIds: unknown areas: nowhere/)

  const officer = await ctx.staff('officer', { username: 'lc-officer', areaIds: ['lc'] })
  const tracer = await ctx.staff('tracer', { username: 'lc-tracer', areaIds: ['lc-ql'] })
  const worker = await ctx.staff('gridworker', { username: 'hh-worker', gridIds: ['hh-yz-1'] })
  const county = await ctx.staff('tracer', { username: 'county-tracer' })
  const account = (await ctx.inject({ method: 'GET', url: '/v1/me/account', headers: bearerOf(officer) })).json()
  t.same(account.areaIds, ['lc'], 'the account shows its areas')

  const get = (token: string, url: string) => ctx.inject({ method: 'GET', url, headers: bearerOf(token) })
  const ids = async (token: string, url: string): Promise<string[]> => (await get(token, url)).json().areas.map((a: { id: string }) => a.id)
  t.same(await ids(officer, '/v1/areas'), ['yd'], 'the way down: the city by name')
  t.same(await ids(officer, '/v1/areas?parentId=yd'), ['lc'], 'only their street')
  t.same(await ids(worker, '/v1/areas?parentId=hh-yz'), ['hh-yz-1'], 'a grid worker: their grid')
  t.equal((await get(officer, '/v1/areas/lc-ql-1')).statusCode, 200, 'below their street')
  const outside = await get(officer, '/v1/areas/hh')
  t.equal(outside.statusCode, 404, 'another street is not found')
  t.equal(outside.json().code, 'GP_NOT_FOUND')
  t.equal((await get(officer, '/v1/areas?parentId=hh')).statusCode, 404)

  const purpose = 'purpose=case-7'
  t.equal((await get(officer, `/v1/people/${mine}/trail?${purpose}`)).statusCode, 200, 'a trail inside the reach')
  const far = await get(officer, `/v1/people/${theirs}/trail?${purpose}`)
  t.equal(far.statusCode, 404, 'a trail outside the reach')
  t.match(far.json().message, /^personId: no person /, 'worded like an unknown person')
  t.equal((await get(tracer, `/v1/people/${theirs}/contacts?${purpose}`)).statusCode, 404, 'a community tracer: contacts outside it')
  t.equal((await get(tracer, `/v1/people/${mine}/exposure-sites?${purpose}`)).statusCode, 200)
  t.equal((await get(tracer, `/v1/people/${theirs}/trail.csv?${purpose}`)).statusCode, 404, 'files too')
  t.equal((await get(county, `/v1/people/${theirs}/trail?${purpose}`)).statusCode, 200, 'a tracer with no areas reaches the whole county')

  const lookup = await get(officer, `/v1/people?idNumber=${idNumberFor(serial)}&purpose=${'visit-12'}`)
  t.same(lookup.json(), { people: [] }, `an identity outside the reach is answered as unknown: ${lookup.body}`)
  t.equal((await get(county, `/v1/people?idNumber=${idNumberFor(serial)}&purpose=visit-12`)).json().people[0]?.personId, theirs, 'the same lookup by a county tracer finds the person')
  const red = await ctx.inject({ method: 'POST', url: `/v1/people/${theirs}/status`, headers: bearerOf(officer), payload: { color: 'yellow', reason: '复核身份信息' } })
  t.equal(red.statusCode, 404, 'no colour changes outside the reach')
  const opened = await ctx.inject({ method: 'POST', url: '/v1/cases', headers: bearerOf(officer), payload: { personId: theirs, note: 'x' } })
  t.equal(opened.statusCode, 404, 'no cases outside the reach')
  const inside = await ctx.inject({ method: 'POST', url: `/v1/people/${mine}/status`, headers: bearerOf(officer), payload: { color: 'yellow', reason: '复核身份信息' } })
  t.equal(inside.statusCode, 200, `inside the reach: ${inside.body}`)

  const entries = await auditActions(ctx, admin)
  const attempts = entries.filter((e) => e.action.endsWith('out_of_scope')).map((e) => `${e.actor} ${e.action} ${e.target ?? ''}`)
  for (const expected of [
    'lc-officer area.read.out_of_scope hh',
    `lc-officer trail.read.out_of_scope ${theirs}`,
    `lc-tracer contacts.read.out_of_scope ${theirs}`,
    `lc-tracer trail.export.out_of_scope ${theirs}`,
    `lc-officer identity.lookup_out_of_scope ${theirs}`,
    `lc-officer status.change.out_of_scope ${theirs}`,
    `lc-officer case.open.out_of_scope ${theirs}`
  ]) t.ok(attempts.includes(expected), `audited: ${expected}`)
  t.notOk(entries.some((e) => e.action === 'trail.read.refused' && e.target === theirs), 'an out-of-scope read is audited once, as such')
  const history = (await get(admin, `/v1/people/${theirs}/trail?${purpose}`)).statusCode
  t.equal(history, 200)
})

eachDb('reach: four-eyes changes and cases about people outside a scoped officer\'s areas are not listed, confirmed, rejected or acted on', async (t, ctx) => {
  const admin = await ctx.admin()
  await tree(ctx, admin)
  const mine = await register(ctx, admin, 'lc-ql-1', '赵六')
  const theirs = await register(ctx, admin, 'hh-yz-1', '赵六')
  // Both accounts exist before the requests, and neither created the other: either may confirm the other's change.
  const scoped = await ctx.staff('officer', { username: 'lc-officer-2', areaIds: ['lc'] })
  const county = await ctx.staff('officer', { username: 'county-officer' })
  ctx.clock.advance(60_000)
  const post = (token: string, url: string, payload?: Record<string, unknown>) => ctx.inject({ method: 'POST', url, headers: bearerOf(token), ...(payload === undefined ? {} : { payload }) })
  const ask = async (personId: string): Promise<string> => {
    ctx.clock.advance(1000) // pending changes are listed oldest first
    const res = await post(county, '/v1/cases', { personId, note: '发热门诊报告' })
    if (res.statusCode !== 202) throw new Error(res.body)
    return res.json().changeId as string
  }
  const askedMine = await ask(mine)
  const askedTheirs = await ask(theirs)
  const listed = async (token: string): Promise<string[]> => {
    const res = await ctx.inject({ method: 'GET', url: '/v1/changes?status=pending', headers: bearerOf(token) })
    t.equal(res.statusCode, 200, res.body)
    return res.json().changes.map((c: { changeId: string }) => c.changeId)
  }
  t.same(await listed(scoped), [askedMine], 'a scoped officer lists the changes about people below their areas only')
  t.same((await listed(county)).filter((id) => id === askedMine || id === askedTheirs), [askedMine, askedTheirs], 'an officer with no areas lists both')

  const unknownChange = (res: { statusCode: number, json: () => { code: string, message: string } }, name: string): void => {
    t.equal(res.statusCode, 404, name)
    t.equal(res.json().code, 'GP_NOT_FOUND', name)
    t.equal(res.json().message, `changeId: no change ${askedTheirs}`, `${name}: worded like an unknown change`)
  }
  unknownChange(await post(scoped, `/v1/changes/${askedTheirs}/confirm`), 'confirming a change outside the reach')
  unknownChange(await post(scoped, `/v1/changes/${askedTheirs}/reject`, { reason: '信息有误' }), 'rejecting a change outside the reach')
  t.ok((await listed(county)).includes(askedTheirs), 'the change outside the reach is still pending')
  const confirmedMine = await post(scoped, `/v1/changes/${askedMine}/confirm`)
  t.equal(confirmedMine.statusCode, 200, `inside the reach the scoped officer confirms: ${confirmedMine.body}`)
  const caseMine = confirmedMine.json().caseId as string
  const confirmedTheirs = await ctx.confirm(askedTheirs)
  t.equal(confirmedTheirs.statusCode, 200, confirmedTheirs.body)
  const caseTheirs = confirmedTheirs.json().caseId as string

  const cp = await ctx.checkpoint()
  const from = new Date(ctx.clock.now() - 3_600_000).toISOString()
  const to = new Date(ctx.clock.now()).toISOString()
  for (const [url, body, name] of [
    [`/v1/cases/${caseTheirs}/contacts`, { personIds: [mine], degree: 2 }, 'marking contacts'],
    [`/v1/cases/${caseTheirs}/sites`, { checkpointId: cp, from, to }, 'asking for an exposure site'],
    [`/v1/cases/${caseTheirs}/close`, {}, 'closing']
  ] as const) {
    const res = await post(scoped, url, body)
    t.equal(res.statusCode, 404, `${name} on a case outside the reach: ${res.body}`)
    t.equal(res.json().message, `caseId: no case ${caseTheirs}`, `${name}: worded like an unknown case`)
  }
  const marked = await post(scoped, `/v1/cases/${caseMine}/contacts`, { personIds: [theirs], degree: 2 })
  t.equal(marked.statusCode, 202, `on a case inside the reach the scoped officer asks to mark contacts (anywhere): ${marked.body}`)
  const closing = await post(county, `/v1/cases/${caseTheirs}/close`, {})
  t.equal(closing.statusCode, 202, `an officer with no areas may still ask to close it: ${closing.body}`)

  const entries = await auditActions(ctx, admin)
  const attempts = entries.filter((e) => e.actor === 'lc-officer-2' && e.action.endsWith('out_of_scope')).map((e) => `${e.action} ${e.target ?? ''}`).sort()
  t.same(attempts, [
    `case.close.out_of_scope ${theirs}`, `case.contacts.out_of_scope ${theirs}`, `case.site.out_of_scope ${theirs}`,
    `change.confirm.out_of_scope ${theirs}`, `change.reject.out_of_scope ${theirs}`
  ], 'each attempt audited once, as out of scope, against the person')
  t.notOk(entries.some((e) => e.actor === 'lc-officer-2' && e.action === 'case.site_requested.refused'), 'the site request outside the reach is not also a refused site request')
})

// Door-to-door screening: an officer keeps the high-risk-area list and opens a round for a community; the grid worker's
// task list holds their grids' households and shrinks as they are screened; a returnee from a listed area turns red
// (high_risk_travel) and a fever yellow (symptoms), each said in words on the resident's own status; closing ends it.
import { eachDb, bearerOf, DAY, T0, type Ctx } from './helper.ts'
import { audited, highRisk, household, member, openRound, screen, staffIn, tree } from './support/screening.ts'

const iso = (ms: number): string => new Date(ms).toISOString()
const get = async (ctx: Ctx, token: string, url: string) => ctx.inject({ method: 'GET', url, headers: bearerOf(token) })

eachDb('a round, the task list, a returnee turns red and a fever yellow, in words on their own status', async (t, ctx) => {
  await tree(ctx)
  const officer = await staffIn(ctx, 'officer', {}, 'officer-zhou')
  const worker = await staffIn(ctx, 'gridworker', { gridIds: ['g1'] }, 'worker-chen')
  const h1 = await household(ctx, 'g1', '桂花园小区 3 栋 2 单元 501')
  const h2 = await household(ctx, 'g1', '桂花园小区 5 栋 1 单元 102')
  await household(ctx, 'g2', '桂花园小区 9 栋 1 单元 301')
  await household(ctx, 'g3', '清江路 18 号')
  const zhang = await member(ctx, h1, 'g1', '张伟')
  const li = await member(ctx, h1, 'g1', '李娜')
  const wang = await member(ctx, h2, 'g1', '王强')

  // The list: 武汉市 (a city code: it covers its districts) since a month ago; 黄冈市 listed only from tomorrow.
  const put = await highRisk(ctx, officer, [
    { code: '420100', name: '武汉市', from: iso(T0 - 30 * DAY) },
    { code: '421100', name: '黄冈市', from: iso(T0 + DAY) }
  ])
  t.equal(put.statusCode, 200, put.body)
  t.match(put.json(), { areas: [{ code: '420100', name: '武汉市', to: null }, { code: '421100' }], updatedAt: iso(T0), updatedBy: 'officer-zhou' })
  const asResident = await get(ctx, zhang.token, '/v1/high-risk-areas')
  t.equal(asResident.statusCode, 200, 'residents may read the list: it is public')
  t.equal(asResident.json().areas.length, 2)
  t.notOk('updatedBy' in asResident.json(), 'a resident is not told which officer kept it')
  t.equal((await audited(ctx, 'high_risk_areas.replace')).length, 1, 'replacing the list is audited')

  const roundId = await openRound(ctx, officer, 'k1')
  t.equal((await audited(ctx, 'screening_round.open'))[0]?.target, roundId)

  // The worker's tasks: the round covers g1 and g2; the worker keeps g1: its two households, with addresses and members.
  let tasks = await get(ctx, worker, '/v1/me/tasks')
  t.equal(tasks.statusCode, 200, tasks.body)
  t.equal(tasks.json().rounds.length, 1)
  const task = tasks.json().rounds[0]
  t.match(task, { roundId, name: '第一轮入户排查', areaId: 'k1', openedAt: iso(T0), remaining: 2, total: 2 })
  const home = task.households.find((h: { id: string }) => h.id === h1)
  t.match(home, { gridId: 'g1', address: '桂花园小区 3 栋 2 单元 501' })
  t.same(home.members.map((m: { name: string }) => m.name).sort(), ['张伟', '李娜'].sort())
  t.ok(task.households.every((h: { gridId: string }) => h.gridId === 'g1'), 'only the worker\'s own grid')

  let rounds = await get(ctx, officer, '/v1/screening-rounds?status=open')
  t.match(rounds.json().rounds, [{ id: roundId, areaId: 'k1', areaName: '桂花园社区', households: 3, screened: 0, closedAt: null }])

  // 张伟 came back from 江岸区 (420102, in 武汉市) 3 days ago; 李娜 has a fever and a cough.
  ctx.clock.set(T0 + 2 * 3_600_000)
  const returnedAt = T0 - 3 * DAY
  const res = await screen(ctx, worker, h1, {
    roundId, present: true, note: '张伟自驾返回',
    members: [
      { personId: zhang.personId, temperature: 36.5, returnedFrom: '420102', returnedAt: iso(returnedAt), plate: '鄂E 12345' },
      { personId: li.personId, temperature: 38.2, symptoms: ['cough'] }
    ]
  })
  t.equal(res.statusCode, 201, res.body)
  const body = res.json()
  t.match(body, { id: /.+/, roundId, householdId: h1 })
  t.match(body.results, [
    { personId: zhang.personId, color: 'red', reasons: [{ rule: 'high_risk_travel', until: iso(returnedAt + 14 * DAY) }] },
    { personId: li.personId, color: 'yellow', reasons: [{ rule: 'symptoms', until: iso(ctx.clock.now() + 7 * DAY) }] }
  ])

  // Their own status says why in words (the resident page shows textZh / text), not a rule id.
  const zs = (await get(ctx, zhang.token, '/v1/me/status')).json()
  t.equal(zs.color, 'red')
  const why = zs.reasons.find((r: { rule: string }) => r.rule === 'high_risk_travel')
  t.match(why.textZh, /^入户排查：.*自武汉市.*返回/, 'the place, in Chinese')
  t.match(why.textZh, /2026-02-26/, 'the day of the return (Beijing time)')
  t.match(why.text, /Door-to-door screening: returned from 武汉市/)
  t.equal(why.until, iso(returnedAt + 14 * DAY), 'red until 14 days after the return')
  t.match(zs.history[zs.history.length - 1], { color: 'red', rule: 'high_risk_travel', actor: 'gridworker', reasonZh: /入户排查/ })
  const ls = (await get(ctx, li.token, '/v1/me/status')).json()
  t.equal(ls.color, 'yellow')
  t.match(ls.reasons[0].textZh, /入户排查发现体温 38\.2 °C、咳嗽/)

  // The household leaves the task list; the progress counts it; each member's access log names the screening.
  tasks = await get(ctx, worker, '/v1/me/tasks')
  t.match(tasks.json().rounds[0], { remaining: 1, total: 2 })
  t.same(tasks.json().rounds[0].households.map((h: { id: string }) => h.id), [h2])
  rounds = await get(ctx, worker, '/v1/screening-rounds')
  t.match(rounds.json().rounds, [{ id: roundId, households: 2, screened: 1 }], 'the worker sees the progress of their own grid')
  const records = await audited(ctx, 'screening.record')
  t.same(records.map((e) => e.target).sort(), [h1, zhang.personId, li.personId].sort(), 'audited for the household and each member')
  t.ok(records.every((e) => e.actor === 'worker-chen' && e.role === 'gridworker'))

  // 王强: back from 黄冈市 before it was listed, with a normal temperature → stays green; free text places are kept.
  const quiet = await screen(ctx, worker, h2, {
    roundId, present: true,
    members: [{ personId: wang.personId, temperature: 36.6, returnedFrom: '421100', returnedAt: iso(T0 - DAY) }]
  })
  t.equal(quiet.statusCode, 201, quiet.body)
  t.match(quiet.json().results, [{ personId: wang.personId, color: 'green', reasons: [] }])
  tasks = await get(ctx, worker, '/v1/me/tasks')
  t.match(tasks.json().rounds[0], { remaining: 0, total: 2, households: [] })

  // Closing: no tasks any more, a second close is a conflict.
  const closed = await ctx.inject({ method: 'POST', url: `/v1/screening-rounds/${roundId}/close`, headers: bearerOf(officer) })
  t.equal(closed.statusCode, 204, closed.body)
  t.same((await get(ctx, worker, '/v1/me/tasks')).json(), { rounds: [] })
  const again = await ctx.inject({ method: 'POST', url: `/v1/screening-rounds/${roundId}/close`, headers: bearerOf(officer) })
  t.match({ status: again.statusCode, code: again.json().code }, { status: 409, code: 'GP_CONFLICT' })
  t.match((await get(ctx, officer, '/v1/screening-rounds?status=closed')).json().rounds, [{ id: roundId, closedBy: 'officer-zhou', screened: 2 }])
  t.same((await get(ctx, officer, '/v1/screening-rounds?status=open')).json().rounds, [])
})

eachDb('a return more than 14 days ago, or from a place not listed, sets no colour; a listed name matches too', async (t, ctx) => {
  await tree(ctx)
  const officer = await staffIn(ctx, 'officer')
  const h = await household(ctx, 'g3', '清江路 20 号')
  const a = await member(ctx, h, 'g3', '赵敏')
  const b = await member(ctx, h, 'g3', '钱进')
  const c = await member(ctx, h, 'g3', '孙丽')
  t.equal((await highRisk(ctx, officer, [{ code: 'XG-1', name: '某高风险小区', from: iso(T0 - 60 * DAY), to: iso(T0 - 10 * DAY) }])).statusCode, 200)
  const roundId = await openRound(ctx, officer, 'c1')
  const res = await screen(ctx, officer, h, {
    roundId, present: true,
    members: [
      { personId: a.personId, returnedFrom: 'XG-1', returnedAt: iso(T0 - 15 * DAY) },
      { personId: b.personId, returnedFrom: '上海市', returnedAt: iso(T0 - DAY) },
      { personId: c.personId, returnedFrom: '某高风险小区', returnedAt: iso(T0 - 12 * DAY) }
    ]
  })
  t.equal(res.statusCode, 201, res.body)
  t.match(res.json().results, [
    { personId: a.personId, color: 'green' },
    { personId: b.personId, color: 'green' },
    { personId: c.personId, color: 'red', reasons: [{ rule: 'high_risk_travel', until: iso(T0 + 2 * DAY) }] }
  ], 'back 15 days ago: over; unlisted place: nothing; by name, while listed, 12 days ago: red 2 more days')
})

// Screening refusals: a household of another grid (404, audited), members who do not live there, twice, a second
// screening, a closed or unknown round, bad returns, a bad high-risk list, rounds outside the scope — each a clear error
// naming the field, and nothing written.
import { eachDb, bearerOf, DAY, T0, type Ctx } from './helper.ts'
import { audited, highRisk, household, member, openRound, screen, staffIn, tree } from './support/screening.ts'

const iso = (ms: number): string => new Date(ms).toISOString()
const refusal = (res: { statusCode: number, json: () => { code: string, message: string } }) => ({ status: res.statusCode, code: res.json().code, message: res.json().message })
const colorOf = async (ctx: Ctx, token: string): Promise<{ color: string, reasons: unknown[] }> =>
  (await ctx.inject({ method: 'GET', url: '/v1/me/status', headers: bearerOf(token) })).json()

eachDb('a screening refused is written nowhere: no screening, no colour, the household still a task', async (t, ctx) => {
  await tree(ctx)
  const officer = await staffIn(ctx, 'officer')
  const worker = await staffIn(ctx, 'gridworker', { gridIds: ['g1'] }, 'worker-g1')
  const mine = await household(ctx, 'g1', '桂花园小区 1 栋 101')
  const theirs = await household(ctx, 'g2', '桂花园小区 8 栋 808')
  const far = await household(ctx, 'g3', '清江路 1 号')
  const a = await member(ctx, mine, 'g1', '周一')
  const b = await member(ctx, mine, 'g1', '吴二')
  const other = await member(ctx, theirs, 'g2', '郑三')
  await highRisk(ctx, officer, [{ code: '420100', name: '武汉市', from: iso(T0 - 30 * DAY) }])
  const roundId = await openRound(ctx, officer, 'k1')
  const red = { personId: a.personId, returnedFrom: '420100', returnedAt: iso(T0 - DAY) }

  // A household of another grid: 404 worded like a missing one, the attempt audited against it.
  let res = await screen(ctx, worker, theirs, { roundId, present: true, members: [{ personId: other.personId, temperature: 39 }] })
  t.match(refusal(res), { status: 404, code: 'GP_NOT_FOUND', message: `householdId: no household ${theirs}` })
  const unknown = await screen(ctx, worker, 'no-such-household', { roundId, present: true, members: [{ personId: other.personId }] })
  t.match(refusal(unknown), { status: 404, code: 'GP_NOT_FOUND', message: 'householdId: no household no-such-household' }, 'the same answer as an unknown one')
  t.match(await audited(ctx, 'screening.record.out_of_scope'), [{ actor: 'worker-g1', role: 'gridworker', target: theirs }])
  t.equal((await colorOf(ctx, other.token)).color, 'green')

  const refusals: Array<[string, Record<string, unknown>, number, RegExp]> = [
    ['a person of another household', { roundId, present: true, members: [red, { personId: other.personId }] }, 400, /^body\.members\[1\]\.personId: .* is not a member of household/],
    ['a member twice', { roundId, present: true, members: [red, { personId: b.personId }, { personId: a.personId }] }, 400, /^body\.members\[2\]\.personId: .* listed twice \(also body\.members\[0\]\)/],
    ['nobody listed though present', { roundId, present: true, members: [] }, 400, /^body\.members: /],
    ['a return in the future', { roundId, present: true, members: [{ personId: a.personId, returnedFrom: '420100', returnedAt: iso(T0 + 3_600_000) }] }, 400, /^body\.members\[0\]\.returnedAt: is in the future/],
    ['a place without a time', { roundId, present: true, members: [{ personId: a.personId, returnedFrom: '420100' }] }, 400, /^body\.members\[0\]\.returnedAt: is required with returnedFrom/],
    ['a time without a place', { roundId, present: true, members: [{ personId: a.personId, returnedAt: iso(T0 - DAY) }] }, 400, /^body\.members\[0\]\.returnedFrom: is required with returnedAt/],
    ['a temperature out of range', { roundId, present: true, members: [{ personId: a.personId, temperature: 44 }] }, 400, /^body\.members\.0\.temperature: /],
    ['an unknown symptom', { roundId, present: true, members: [{ personId: a.personId, symptoms: ['sneezing'] }] }, 400, /^body\.members\.0\.symptoms\.0: /],
    ['an unknown round', { roundId: 'no-such-round', present: true, members: [red] }, 400, /^body\.roundId: no screening round no-such-round/],
    ['an unknown field', { roundId, present: true, members: [red], colour: 'red' }, 400, /^body\.colour: is not a known field/]
  ]
  for (const [what, payload, status, message] of refusals) {
    res = await screen(ctx, worker, mine, payload)
    t.equal(res.statusCode, status, `${what}: ${res.body}`)
    t.match(res.json(), { code: 'GP_VALIDATION', message }, what)
  }

  // A round that does not cover the household's grid.
  const elsewhere = await openRound(ctx, officer, 'k2', '清江社区排查')
  t.match(refusal(await screen(ctx, worker, mine, { roundId: elsewhere, present: true, members: [red] })),
    { status: 400, code: 'GP_VALIDATION', message: new RegExp(`^body\\.roundId: screening round ${elsewhere} \\(area k2\\) does not cover grid g1`) })

  // Nothing of the above was written: no colour, the household still a task, no screening counted.
  t.same(await colorOf(ctx, a.token), { ...(await colorOf(ctx, a.token)), color: 'green', reasons: [] })
  const tasks = (await ctx.inject({ method: 'GET', url: '/v1/me/tasks', headers: bearerOf(worker) })).json()
  t.match(tasks.rounds, [{ roundId, remaining: 1, total: 1 }])
  t.same(await audited(ctx, 'screening.record'), [])

  // The first screening counts; a second of the same household in the round is a conflict and changes nothing.
  res = await screen(ctx, worker, mine, { roundId, present: true, members: [red] })
  t.equal(res.statusCode, 201, res.body)
  const before = await colorOf(ctx, a.token)
  res = await screen(ctx, worker, mine, { roundId, present: true, members: [{ personId: b.personId, temperature: 39.5 }] })
  t.match(refusal(res), { status: 409, code: 'GP_CONFLICT', message: new RegExp(`^householdId: household ${mine} was already screened in round ${roundId}`) })
  t.equal((await colorOf(ctx, b.token)).color, 'green', 'the refused screening set no colour')
  t.same((await colorOf(ctx, a.token)).reasons, before.reasons)

  // A closed round takes no screening.
  const later = await openRound(ctx, officer, 'c1', '第二轮')
  t.equal((await ctx.inject({ method: 'POST', url: `/v1/screening-rounds/${later}/close`, headers: bearerOf(officer) })).statusCode, 204)
  t.match(refusal(await screen(ctx, officer, far, { roundId: later, present: false, members: [] })),
    { status: 409, code: 'GP_CONFLICT', message: `body.roundId: screening round ${later} is closed` })

  // Roles: a volunteer or tracer records no screening.
  const tracer = await staffIn(ctx, 'tracer')
  t.equal((await screen(ctx, tracer, far, { roundId, present: false, members: [] })).statusCode, 403)
})

eachDb('a bad high-risk list is refused whole and the list stays as it was', async (t, ctx) => {
  const officer = await staffIn(ctx, 'officer')
  const good = [{ code: '420100', name: '武汉市', from: iso(T0 - DAY) }]
  t.equal((await highRisk(ctx, officer, good)).statusCode, 200)
  const area = (code: string, extra: Record<string, unknown> = {}) => ({ code, name: '某地', from: iso(T0), ...extra })
  const bad: Array<[string, unknown[], RegExp]> = [
    ['to before from', [area('A1'), area('A2', { to: iso(T0 - 1) })], /^body\.areas\[1\]\.to: must not be before body\.areas\[1\]\.from/],
    ['a duplicate code', [area('A1'), area('A2'), area('A1')], /^body\.areas\[2\]\.code: A1 is listed twice \(also body\.areas\[0\]\.code\)/],
    ['a code with other characters', [area('武汉')], /^body\.areas\.0\.code: /],
    ['a code too long', [area('A'.repeat(33))], /^body\.areas\.0\.code: /],
    ['a date that is not ISO', [area('A1', { from: '2026-03-01 08:00' })], /^body\.areas\.0\.from: /],
    ['an empty name', [area('A1', { name: '' })], /^body\.areas\.0\.name: /],
    ['a blank name', [area('A1', { name: '   ' })], /^body\.areas\[0\]\.name: must not be blank/],
    ['more than 1000', Array.from({ length: 1001 }, (_, i) => area(`A${i}`)), /^body\.areas: /]
  ]
  for (const [what, areas, message] of bad) {
    const res = await highRisk(ctx, officer, areas as Array<Record<string, unknown>>)
    t.equal(res.statusCode, 400, `${what}: ${res.body.slice(0, 200)}`)
    t.match(res.json(), { code: 'GP_VALIDATION', message }, what)
  }
  const list = (await ctx.inject({ method: 'GET', url: '/v1/high-risk-areas', headers: bearerOf(officer) })).json()
  t.match(list, { areas: [{ code: '420100', name: '武汉市' }], updatedAt: iso(T0) }, 'the list as it was')
  t.equal(list.areas.length, 1)
  t.equal((await audited(ctx, 'high_risk_areas.replace')).length, 1, 'only the accepted list is audited')

  // 1000 areas are accepted; an empty list empties it.
  const many = await highRisk(ctx, officer, Array.from({ length: 1000 }, (_, i) => area(`A${i}`)))
  t.equal(many.statusCode, 200, many.body.slice(0, 200))
  t.equal(many.json().areas.length, 1000)
  const empty = await highRisk(ctx, officer, [])
  t.same(empty.json(), { areas: [], updatedAt: null })

  const worker = await staffIn(ctx, 'gridworker')
  t.equal((await highRisk(ctx, worker, good)).statusCode, 403, 'grid workers read the list, officers keep it')
})

eachDb('rounds: an unknown area is 400, an area outside the officer\'s scope 404 and audited', async (t, ctx) => {
  await tree(ctx)
  const admin = await ctx.admin()
  const scoped = await staffIn(ctx, 'officer', { areaIds: ['k2'] }, 'officer-k2')
  const open = async (token: string, areaId: string) => ctx.inject({ method: 'POST', url: '/v1/screening-rounds', headers: bearerOf(token), payload: { areaId, name: '排查' } })

  t.match(refusal(await open(admin, 'nowhere')), { status: 400, code: 'GP_VALIDATION', message: 'body.areaId: no area nowhere' })
  t.match(refusal(await open(scoped, 'k1')), { status: 404, code: 'GP_NOT_FOUND', message: 'body.areaId: no area k1' })
  t.match(await audited(ctx, 'screening_round.open.out_of_scope'), [{ actor: 'officer-k2', target: 'k1' }])
  t.equal((await open(scoped, 'g3')).statusCode, 201, 'a grid inside the scope')
  const k1 = await openRound(ctx, admin, 'k1')

  // The scoped officer neither lists, closes nor screens in the other community's round.
  const listed = (await ctx.inject({ method: 'GET', url: '/v1/screening-rounds', headers: bearerOf(scoped) })).json().rounds
  t.notOk(listed.some((r: { id: string }) => r.id === k1), 'a round outside the scope is not listed')
  const close = await ctx.inject({ method: 'POST', url: `/v1/screening-rounds/${k1}/close`, headers: bearerOf(scoped) })
  t.match(refusal(close), { status: 404, code: 'GP_NOT_FOUND' })
  t.match(await audited(ctx, 'screening_round.close.out_of_scope'), [{ target: k1 }])
  const h = await household(ctx, 'g1', '桂花园小区 2 栋 202')
  t.match(refusal(await screen(ctx, scoped, h, { roundId: k1, present: false, members: [] })), { status: 404, code: 'GP_NOT_FOUND' })

  const worker = await staffIn(ctx, 'gridworker', { gridIds: ['g1'] })
  t.equal((await open(worker, 'g1')).statusCode, 403, 'grid workers do not open rounds')
  t.equal((await ctx.inject({ method: 'POST', url: `/v1/screening-rounds/${k1}/close`, headers: bearerOf(worker) })).statusCode, 403)
  t.equal((await ctx.inject({ method: 'POST', url: '/v1/screening-rounds/nope/close', headers: bearerOf(admin) })).statusCode, 404)
  t.equal((await ctx.inject({ method: 'GET', url: '/v1/me/tasks', headers: bearerOf(scoped) })).statusCode, 403, 'tasks are a grid worker\'s')
})

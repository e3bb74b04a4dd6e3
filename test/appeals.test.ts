// Appeals: a resident appeals against the colour, an officer answers within 48 hours, the resident sees the answer.
import { eachDb, bearerOf, T0, type Ctx } from './helper.ts'

const H = 3_600_000
const iso = (ms: number): string => new Date(ms).toISOString()

async function appeal (ctx: Ctx, token: string, payload: unknown) {
  return ctx.inject({ method: 'POST', url: '/v1/me/appeals', headers: bearerOf(token), payload: payload as Record<string, unknown> })
}
async function openAppeals (ctx: Ctx, token: string, status = 'open') {
  const res = await ctx.inject({ method: 'GET', url: `/v1/appeals?status=${status}`, headers: bearerOf(token) })
  if (res.statusCode !== 200) throw new Error(`list failed: ${res.body}`)
  return res.json().appeals as Array<Record<string, unknown>>
}

eachDb('a resident appeals, an officer upholds, the resident sees the answer', async (t, ctx) => {
  const r = await ctx.resident()
  await ctx.inject({ method: 'POST', url: '/v1/me/declarations', headers: bearerOf(r.token), payload: { temperature: 38, symptoms: [], visitedHighRiskArea: false, contactWithConfirmed: false } })
  const officer = await ctx.staff('officer')

  ctx.clock.set(T0 + 1234)
  const created = await appeal(ctx, r.token, { message: '我没有发烧，是体温计坏了' })
  t.equal(created.statusCode, 201, created.body)
  t.same(Object.keys(created.json()).sort(), ['appealId', 'dueAt'])
  t.match(created.json().appealId, /^.{8,}$/)
  t.equal(created.json().dueAt, iso(T0 + 1234 + 48 * H), 'due exactly 48 hours later')
  const appealId = created.json().appealId as string

  const mine = await ctx.inject({ method: 'GET', url: '/v1/me/status', headers: bearerOf(r.token) })
  t.match(mine.json().appeals, [{ appealId, status: 'open', message: '我没有发烧，是体温计坏了', dueAt: iso(T0 + 1234 + 48 * H), outcome: null, note: null, resolvedAt: null }])

  const open = await openAppeals(ctx, officer)
  t.equal(open.length, 1)
  t.match(open[0], { appealId, personId: r.personId, message: '我没有发烧，是体温计坏了', status: 'open', createdAt: iso(T0 + 1234), dueAt: iso(T0 + 1234 + 48 * H) })
  t.same(await openAppeals(ctx, await ctx.admin()), open, 'an admin sees the same list')
  t.same(await openAppeals(ctx, officer, 'resolved'), [])

  ctx.clock.set(T0 + 5 * H)
  const resolved = await ctx.inject({ method: 'POST', url: `/v1/appeals/${appealId}/resolve`, headers: bearerOf(officer), payload: { outcome: 'upheld', note: 'The declaration was 38.0 °C; it stands.' } })
  t.equal(resolved.statusCode, 200, resolved.body)
  t.match(resolved.json(), { appealId, personId: r.personId, status: 'resolved', outcome: 'upheld', note: 'The declaration was 38.0 °C; it stands.', resolvedAt: iso(T0 + 5 * H) })

  const again = await ctx.inject({ method: 'POST', url: `/v1/appeals/${appealId}/resolve`, headers: bearerOf(officer), payload: { outcome: 'changed', note: 'second thoughts' } })
  t.equal(again.statusCode, 409)
  t.equal(again.json().code, 'GP_CONFLICT')
  t.match(again.json().message, 'appealId')

  const status = await ctx.inject({ method: 'GET', url: '/v1/me/status', headers: bearerOf(r.token) })
  t.equal(status.json().color, 'yellow', 'upheld: the colour stays')
  t.match(status.json().appeals, [{ appealId, status: 'resolved', outcome: 'upheld', note: 'The declaration was 38.0 °C; it stands.', resolvedAt: iso(T0 + 5 * H) }])
  t.same(await openAppeals(ctx, officer), [], 'no longer open')
  t.match(await openAppeals(ctx, officer, 'resolved'), [{ appealId, outcome: 'upheld' }])

  const other = await ctx.resident()
  const otherStatus = await ctx.inject({ method: 'GET', url: '/v1/me/status', headers: bearerOf(other.token) })
  t.same(otherStatus.json().appeals, [], 'another resident does not see it')
})

eachDb('appeals: open ones are listed oldest due first', async (t, ctx) => {
  const a = await ctx.resident()
  const b = await ctx.resident()
  const officer = await ctx.staff('officer')
  const first = (await appeal(ctx, a.token, { message: 'first' })).json().appealId as string
  ctx.clock.advance(H)
  const second = (await appeal(ctx, b.token, { message: 'second' })).json().appealId as string
  ctx.clock.advance(H)
  const third = (await appeal(ctx, a.token, { message: 'third' })).json().appealId as string
  t.same((await openAppeals(ctx, officer)).map((x) => x.appealId), [first, second, third])
  await ctx.inject({ method: 'POST', url: `/v1/appeals/${second}/resolve`, headers: bearerOf(officer), payload: { outcome: 'changed', note: 'set to green by hand' } })
  t.same((await openAppeals(ctx, officer)).map((x) => x.appealId), [first, third])
  const mine = await ctx.inject({ method: 'GET', url: '/v1/me/status', headers: bearerOf(a.token) })
  t.same(mine.json().appeals.map((x: { appealId: string }) => x.appealId).sort(), [first, third].sort(), 'a resident sees only their own appeals')
})

eachDb('appeals: refusals', async (t, ctx) => {
  const r = await ctx.resident()
  const officer = await ctx.staff('officer')

  for (const [name, payload, field] of [
    ['empty message', { message: '' }, 'message'],
    ['missing message', {}, 'message'],
    ['message not a string', { message: 42 }, 'message'],
    ['extra field', { message: 'please', color: 'green' }, 'color']
  ] as Array<[string, unknown, string]>) {
    const res = await appeal(ctx, r.token, payload)
    t.equal(res.statusCode, 400, `${name}: ${res.body}`)
    t.equal(res.json().code, 'GP_VALIDATION', name)
    t.match(res.json().message, field, `${name}: names ${field}`)
  }
  const asOfficer = await appeal(ctx, officer, { message: 'staff cannot appeal' })
  t.equal(asOfficer.statusCode, 403)
  t.equal(asOfficer.json().code, 'GP_FORBIDDEN')
  t.equal((await appeal(ctx, '', { message: 'x' })).statusCode, 401)

  const appealId = (await appeal(ctx, r.token, { message: 'please check' })).json().appealId as string
  for (const role of ['resident', 'volunteer', 'tracer', 'gridworker']) {
    const token = role === 'resident' ? r.token : await ctx.staff(role)
    const list = await ctx.inject({ method: 'GET', url: '/v1/appeals?status=open', headers: bearerOf(token) })
    t.equal(list.statusCode, 403, `${role} cannot list appeals`)
    t.equal(list.json().code, 'GP_FORBIDDEN')
    const resolve = await ctx.inject({ method: 'POST', url: `/v1/appeals/${appealId}/resolve`, headers: bearerOf(token), payload: { outcome: 'upheld', note: 'n' } })
    t.equal(resolve.statusCode, 403, `${role} cannot resolve`)
  }
  const badStatus = await ctx.inject({ method: 'GET', url: '/v1/appeals?status=closed', headers: bearerOf(officer) })
  t.equal(badStatus.statusCode, 400)
  t.match(badStatus.json().message, 'status')

  const unknown = await ctx.inject({ method: 'POST', url: '/v1/appeals/no-such-appeal/resolve', headers: bearerOf(officer), payload: { outcome: 'upheld', note: 'n' } })
  t.equal(unknown.statusCode, 404)
  t.equal(unknown.json().code, 'GP_NOT_FOUND')
  t.match(unknown.json().message, 'appealId')

  for (const [name, payload, field] of [
    ['bad outcome', { outcome: 'rejected', note: 'n' }, 'outcome'],
    ['missing note', { outcome: 'upheld' }, 'note'],
    ['empty note', { outcome: 'upheld', note: '' }, 'note'],
    ['extra field', { outcome: 'upheld', note: 'n', color: 'green' }, 'color']
  ] as Array<[string, Record<string, unknown>, string]>) {
    const res = await ctx.inject({ method: 'POST', url: `/v1/appeals/${appealId}/resolve`, headers: bearerOf(officer), payload })
    t.equal(res.statusCode, 400, `${name}: ${res.body}`)
    t.equal(res.json().code, 'GP_VALIDATION', name)
    t.match(res.json().message, field, `${name}: names ${field}`)
  }
  t.match(await openAppeals(ctx, officer), [{ appealId, status: 'open' }], 'nothing refused resolved it')
})

eachDb('appeals: of two resolutions at once, exactly one wins', async (t, ctx) => {
  const r = await ctx.resident()
  const officers = [await ctx.staff('officer'), await ctx.admin()]
  const appealId = (await appeal(ctx, r.token, { message: 'please check' })).json().appealId as string
  const answers = await Promise.all(officers.map(async (token, i) =>
    ctx.inject({ method: 'POST', url: `/v1/appeals/${appealId}/resolve`, headers: bearerOf(token), payload: { outcome: i === 0 ? 'upheld' : 'changed', note: `answer ${i}` } })))
  t.same(answers.map((a) => a.statusCode).sort(), [200, 409])
  const winner = answers.find((a) => a.statusCode === 200)?.json()
  const mine = await ctx.inject({ method: 'GET', url: '/v1/me/status', headers: bearerOf(r.token) })
  t.match(mine.json().appeals, [{ appealId, outcome: winner.outcome, note: winner.note }], 'the resident sees the answer that won')
})

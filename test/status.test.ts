// Declarations, GET /v1/me/status over time, and manual colour changes with a second confirmation.
import { eachDb, bearerOf, DAY, T0, type Ctx } from './helper.ts'

const HEALTHY = { temperature: 36.6, symptoms: [] as string[], visitedHighRiskArea: false, contactWithConfirmed: false }
const iso = (ms: number): string => new Date(ms).toISOString()
const LAST_MS_OF_DAY = DAY - 1
const H = 3_600_000

// Sessions expire (residents after 7 days) on the same clock: log in again after moving it.
async function relogin (ctx: Ctx, phone: string): Promise<string> {
  const otp = await ctx.inject({ method: 'POST', url: '/v1/auth/otp', payload: { phone } })
  const res = await ctx.inject({ method: 'POST', url: '/v1/auth/otp/verify', payload: { phone, code: otp.json().devCode } })
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`)
  return res.json().accessToken as string
}

async function declare (ctx: Ctx, token: string, body: Record<string, unknown>) {
  return ctx.inject({ method: 'POST', url: '/v1/me/declarations', headers: bearerOf(token), payload: { ...HEALTHY, ...body } })
}
async function statusOf (ctx: Ctx, token: string) {
  const res = await ctx.inject({ method: 'GET', url: '/v1/me/status', headers: bearerOf(token) })
  if (res.statusCode !== 200) throw new Error(`status failed: ${res.body}`)
  return res.json()
}

eachDb('declarations set the colour the rules table says', async (t, ctx) => {
  const cases: Array<[string, Record<string, unknown>, string, string[]]> = [
    ['healthy', {}, 'green', []],
    ['37.3 °C', { temperature: 37.3 }, 'yellow', ['symptoms']],
    ['37.2 °C, no symptom', { temperature: 37.2 }, 'green', []],
    ['a cough', { symptoms: ['cough'] }, 'yellow', ['symptoms']],
    ['contact with a confirmed case', { contactWithConfirmed: true }, 'red', ['declared_contact']],
    ['a visit to a high-risk area', { visitedHighRiskArea: true }, 'red', ['high_risk_travel']],
    ['everything at once', { temperature: 39, symptoms: ['fever', 'loss_of_taste_smell'], contactWithConfirmed: true, visitedHighRiskArea: true }, 'red', ['declared_contact', 'high_risk_travel', 'symptoms']]
  ]
  for (const [name, body, color, rules] of cases) {
    const r = await ctx.resident()
    const res = await declare(ctx, r.token, body)
    t.equal(res.statusCode, 201, `${name}: ${res.body}`)
    t.equal(res.json().color, color, name)
    t.same(res.json().reasons.map((x: { rule: string }) => x.rule).sort(), rules, `${name}: reasons`)
    for (const reason of res.json().reasons) {
      t.equal(reason.since, iso(T0), `${name}: ${reason.rule} since now`)
      t.equal(reason.until, iso(T0 + (reason.rule === 'symptoms' ? 7 : 14) * DAY), `${name}: ${reason.rule} until`)
      t.ok(reason.text.length > 0, `${name}: ${reason.rule} has a text`)
    }
    if (color === 'green') t.same(res.json(), { color: 'green', reasons: [] }, `${name}: exact body`)
  }
})

eachDb('symptoms: yellow through day 6, green at exactly day 7', async (t, ctx) => {
  const r = await ctx.resident()
  t.equal((await declare(ctx, r.token, { symptoms: ['sore_throat'] })).json().color, 'yellow')
  ctx.clock.set(T0 + 6 * DAY + LAST_MS_OF_DAY)
  const day6 = await statusOf(ctx, r.token)
  t.equal(day6.color, 'yellow', 'last millisecond of day 7 of the rule')
  t.equal(day6.until, iso(T0 + 7 * DAY))
  ctx.clock.advance(1)
  const day7 = await statusOf(ctx, await relogin(ctx, r.phone))
  t.equal(day7.color, 'green', 'exactly 7 days later')
  t.equal(day7.until, null)
  t.same(day7.reasons, [])
  t.equal(day7.since, iso(T0 + 7 * DAY))
})

eachDb('red declarations: red through day 13, green at exactly day 14', async (t, ctx) => {
  const r = await ctx.resident()
  t.equal((await declare(ctx, r.token, { visitedHighRiskArea: true })).json().color, 'red')
  ctx.clock.set(T0 + 13 * DAY + LAST_MS_OF_DAY)
  const day13 = await statusOf(ctx, await relogin(ctx, r.phone))
  t.equal(day13.color, 'red')
  t.equal(day13.until, iso(T0 + 14 * DAY))
  ctx.clock.set(T0 + 14 * DAY)
  t.equal((await statusOf(ctx, await relogin(ctx, r.phone))).color, 'green')
})

eachDb('a second symptomatic declaration on day 5 keeps yellow to day 12', async (t, ctx) => {
  const r = await ctx.resident()
  await declare(ctx, r.token, { temperature: 37.8 })
  ctx.clock.set(T0 + 5 * DAY)
  const again = await declare(ctx, r.token, { symptoms: ['fatigue'] })
  t.equal(again.json().color, 'yellow')
  t.equal(again.json().reasons[0].until, iso(T0 + 12 * DAY), 'counted from the last such declaration')
  ctx.clock.set(T0 + 7 * DAY)
  const day7 = await statusOf(ctx, await relogin(ctx, r.phone))
  t.equal(day7.color, 'yellow', 'still yellow on day 7')
  t.equal(day7.until, iso(T0 + 12 * DAY))
  t.equal(day7.since, iso(T0), 'yellow without a break since the first declaration')
  ctx.clock.set(T0 + 12 * DAY - 1)
  t.equal((await statusOf(ctx, await relogin(ctx, r.phone))).color, 'yellow')
  ctx.clock.set(T0 + 12 * DAY)
  t.equal((await statusOf(ctx, await relogin(ctx, r.phone))).color, 'green')
})

eachDb('a healthy declaration does not end an active yellow', async (t, ctx) => {
  const r = await ctx.resident()
  await declare(ctx, r.token, { symptoms: ['diarrhea'] })
  ctx.clock.set(T0 + 3 * DAY)
  const healthy = await declare(ctx, r.token, {})
  t.equal(healthy.json().color, 'yellow')
  t.equal(healthy.json().reasons[0].until, iso(T0 + 7 * DAY))
})

eachDb('declarations: bad bodies are refused with the field named', async (t, ctx) => {
  const r = await ctx.resident()
  const bad: Array<[string, unknown, string]> = [
    ['too cold', { ...HEALTHY, temperature: 33.9 }, 'temperature'],
    ['too hot', { ...HEALTHY, temperature: 43.1 }, 'temperature'],
    ['temperature as a string', { ...HEALTHY, temperature: '37' }, 'temperature'],
    ['unknown symptom', { ...HEALTHY, symptoms: ['headache'] }, 'symptoms'],
    ['duplicate symptom', { ...HEALTHY, symptoms: ['cough', 'cough'] }, 'symptoms'],
    ['symptoms not an array', { ...HEALTHY, symptoms: 'cough' }, 'symptoms'],
    ['boolean as a string', { ...HEALTHY, visitedHighRiskArea: 'false' }, 'visitedHighRiskArea'],
    ['missing field', { temperature: 36.5, symptoms: [], visitedHighRiskArea: false }, 'contactWithConfirmed'],
    ['extra field', { ...HEALTHY, mood: 'fine' }, 'mood']
  ]
  for (const [name, payload, field] of bad) {
    const res = await ctx.inject({ method: 'POST', url: '/v1/me/declarations', headers: bearerOf(r.token), payload: payload as Record<string, unknown> })
    t.equal(res.statusCode, 400, `${name}: ${res.body}`)
    t.equal(res.json().code, 'GP_VALIDATION', name)
    t.match(res.json().message, field, `${name}: the message names ${field}`)
  }
  const text = await ctx.inject({ method: 'POST', url: '/v1/me/declarations', headers: { ...bearerOf(r.token), 'content-type': 'text/plain' }, payload: 'hello' })
  t.equal(text.statusCode, 415)
  t.equal(text.json().code, 'GP_UNSUPPORTED_MEDIA_TYPE')
  t.equal((await statusOf(ctx, r.token)).history.length, 1, 'nothing refused changed the status')
  const low = await declare(ctx, r.token, { temperature: 34 })
  t.equal(low.statusCode, 201, '34.0 is within range')
  t.equal(low.json().color, 'green')
  const high = await declare(ctx, r.token, { temperature: 43 })
  t.equal(high.statusCode, 201, '43.0 is within range')
  t.equal(high.json().color, 'yellow')

  const officer = await ctx.staff('officer')
  const asStaff = await ctx.inject({ method: 'POST', url: '/v1/me/declarations', headers: bearerOf(officer), payload: HEALTHY })
  t.equal(asStaff.statusCode, 403)
  t.equal(asStaff.json().code, 'GP_FORBIDDEN')
  const anon = await ctx.inject({ method: 'POST', url: '/v1/me/declarations', payload: HEALTHY })
  t.equal(anon.statusCode, 401)
  t.equal(anon.json().code, 'GP_UNAUTHENTICATED')
})

eachDb('GET /v1/me/status: shape, reasons and the whole history', async (t, ctx) => {
  const r = await ctx.resident()
  const fresh = await statusOf(ctx, r.token)
  t.same(fresh, {
    personId: r.personId,
    color: 'green',
    since: iso(T0),
    until: null,
    reasons: [],
    history: [{ at: iso(T0), color: 'green', rule: 'default', actor: 'system', reason: 'no rule active', reasonZh: '没有生效的规则' }],
    appeals: []
  })

  ctx.clock.set(T0 + DAY)
  await declare(ctx, r.token, { symptoms: ['cough'] })
  ctx.clock.set(T0 + 3 * DAY)
  await declare(ctx, r.token, { contactWithConfirmed: true })
  ctx.clock.set(T0 + 4 * DAY)
  const red = await statusOf(ctx, r.token)
  t.equal(red.color, 'red')
  t.equal(red.since, iso(T0 + 3 * DAY))
  t.equal(red.until, iso(T0 + 17 * DAY))
  t.same(red.reasons.map((x: { rule: string }) => x.rule), ['declared_contact', 'symptoms'], 'the most severe reason first')
  t.match(red.reasons[0], { rule: 'declared_contact', since: iso(T0 + 3 * DAY), until: iso(T0 + 17 * DAY), text: /14 days/ })
  t.match(red.reasons[1], { rule: 'symptoms', since: iso(T0 + DAY), until: iso(T0 + 8 * DAY) })

  ctx.clock.set(T0 + 20 * DAY)
  const later = await statusOf(ctx, await relogin(ctx, r.phone))
  t.equal(later.color, 'green')
  t.same(later.history.map((h: { at: string, color: string, rule: string }) => [h.at, h.color, h.rule]), [
    [iso(T0), 'green', 'default'],
    [iso(T0 + DAY), 'yellow', 'symptoms'],
    [iso(T0 + 3 * DAY), 'red', 'declared_contact'],
    [iso(T0 + 17 * DAY), 'green', 'declared_contact']
  ], 'every colour the person had, with the rule that set it')
  t.match(later.history[1], { actor: 'self-declaration', reason: /cough/ })
  t.match(later.history[3], { actor: 'system' })
})

eachDb('manual changes: immediate to yellow, to and from red only with a second officer', async (t, ctx) => {
  const r = await ctx.resident()
  const officer1 = await ctx.staff('officer', { username: 'officer-wang' })
  const officer2 = await ctx.staff('officer', { username: 'officer-li' })
  const change = async (token: string, body: Record<string, unknown>, personId = r.personId) =>
    ctx.inject({ method: 'POST', url: `/v1/people/${personId}/status`, headers: bearerOf(token), payload: body })
  const confirm = async (token: string, changeId: string, personId = r.personId) =>
    ctx.inject({ method: 'POST', url: `/v1/people/${personId}/status/${changeId}/confirm`, headers: bearerOf(token) })

  // green → yellow: applied at once
  ctx.clock.set(T0 + H)
  const yellow = await change(officer1, { color: 'yellow', reason: 'positive antigen test' })
  t.equal(yellow.statusCode, 200, yellow.body)
  t.equal(yellow.json().personId, r.personId)
  t.equal(yellow.json().color, 'yellow')
  t.equal(yellow.json().since, iso(T0 + H))
  t.equal(yellow.json().until, null, 'a manual colour has no end date')
  t.match(yellow.json().reasons, [{ rule: 'manual', text: /positive antigen test/, since: iso(T0 + H), until: null }])
  t.equal((await statusOf(ctx, r.token)).color, 'yellow', 'the resident sees it at once')

  // yellow → red: pending, colour unchanged
  ctx.clock.set(T0 + 2 * H)
  const toRed = await change(officer1, { color: 'red', reason: 'PCR positive' })
  t.equal(toRed.statusCode, 202, toRed.body)
  t.match(toRed.json(), { changeId: /.+/, status: 'pending', action: 'status.set', confirmationsNeeded: 1, confirmations: 0, personId: r.personId, color: 'red', state: 'pending', reason: 'PCR positive', requestedBy: 'officer-wang', requestedAt: iso(T0 + 2 * H) })
  const redId = toRed.json().changeId as string
  t.equal((await statusOf(ctx, r.token)).color, 'yellow', 'still yellow while pending')

  const self = await confirm(officer1, redId)
  t.equal(self.statusCode, 403, 'the requester cannot confirm')
  t.equal(self.json().code, 'GP_FORBIDDEN')
  t.equal((await statusOf(ctx, r.token)).color, 'yellow')

  const residentConfirm = await confirm(r.token, redId)
  t.equal(residentConfirm.statusCode, 403)

  ctx.clock.set(T0 + 3 * H)
  const confirmed = await confirm(officer2, redId)
  t.equal(confirmed.statusCode, 200, confirmed.body)
  t.equal(confirmed.json().color, 'red')
  t.equal(confirmed.json().since, iso(T0 + 3 * H), 'red from the confirmation')
  t.match(confirmed.json().reasons, [{ rule: 'manual', text: /PCR positive/ }])
  t.equal(confirmed.json().reasons.length, 1, 'the manual yellow was replaced')
  t.match(confirmed.json().history.at(-1), { color: 'red', actor: 'officer-wang+officer-li' }, 'staff see the usernames')
  t.equal((await statusOf(ctx, r.token)).color, 'red')

  const twice = await confirm(officer2, redId)
  t.equal(twice.statusCode, 409)
  t.equal(twice.json().code, 'GP_CONFLICT')
  t.match(twice.json().message, 'changeId')

  // red → green: pending, then an admin confirms
  ctx.clock.set(T0 + 5 * H)
  const toGreen = await change(officer2, { color: 'green', reason: 'two negative PCR tests' })
  t.equal(toGreen.statusCode, 202, toGreen.body)
  t.equal(toGreen.json().state, 'pending')
  t.equal((await statusOf(ctx, r.token)).color, 'red')
  const greenDone = await confirm(await ctx.admin(), toGreen.json().changeId as string)
  t.equal(greenDone.statusCode, 200, greenDone.body)
  t.equal(greenDone.json().color, 'green')
  t.same(greenDone.json().reasons, [])

  const status = await statusOf(ctx, r.token)
  t.equal(status.color, 'green')
  t.same(status.history.map((h: { at: string, color: string, rule: string, actor: string }) => [h.at, h.color, h.rule, h.actor]), [
    [iso(T0), 'green', 'default', 'system'],
    [iso(T0 + H), 'yellow', 'manual', 'officer'],
    [iso(T0 + 3 * H), 'red', 'manual', 'officer, confirmed by officer'],
    [iso(T0 + 5 * H), 'green', 'manual', 'officer, confirmed by admin']
  ], 'each manual change with who requested and who confirmed, by role: the resident sees no username')
  t.equal(status.history[1].reason, 'positive antigen test')
  t.equal(status.history[2].reason, 'PCR positive')

  // the resident's access log shows the officers' changes
  const log = await ctx.inject({ method: 'GET', url: '/v1/me/access-log', headers: bearerOf(r.token) })
  t.equal(log.statusCode, 200)
  const entries = log.json().entries as Array<{ at: string, role: string, action: string, purpose: string | null }>
  t.ok(entries.some((e) => e.role === 'officer' && e.at === iso(T0 + H) && /^change \S+: manual change to yellow$/.test(String(e.purpose))), 'the immediate change by an officer, named by its change, not its reason')
  t.ok(entries.some((e) => e.role === 'officer' && e.at === iso(T0 + 2 * H) && /^change \S+: manual change to red$/.test(String(e.purpose))), 'the request to turn red')
  t.notOk(entries.some((e) => /PCR positive|antigen/.test(String(e.purpose))), 'no reason in the audit log')
  t.ok(entries.some((e) => e.role === 'officer' && e.at === iso(T0 + 3 * H)), 'the confirmation')
  t.ok(entries.some((e) => e.role === 'admin' && e.at === iso(T0 + 5 * H)), 'the admin confirmation')
  t.notOk(JSON.stringify(entries).includes('officer-wang'), 'staff names are not shown to the resident')
})

eachDb('manual changes: a manual change ends the rules active now', async (t, ctx) => {
  const r = await ctx.resident()
  await declare(ctx, r.token, { symptoms: ['cough'] })
  ctx.clock.set(T0 + DAY)
  const officer = await ctx.staff('officer', { username: 'officer-zhao' })
  const green = await ctx.inject({ method: 'POST', url: `/v1/people/${r.personId}/status`, headers: bearerOf(officer), payload: { color: 'green', reason: 'fever was from a cold' } })
  t.equal(green.statusCode, 200, 'yellow → green is immediate')
  t.equal(green.json().color, 'green')
  t.same(green.json().reasons, [])
  t.match(green.json().history[2], { at: iso(T0 + DAY), color: 'green', rule: 'manual', actor: 'officer-zhao' })
  ctx.clock.set(T0 + 3 * DAY)
  t.equal((await statusOf(ctx, r.token)).color, 'green', 'the ended symptoms entry does not come back')
})

eachDb('manual changes: refusals', async (t, ctx) => {
  const r = await ctx.resident()
  const officer = await ctx.staff('officer')
  const url = `/v1/people/${r.personId}/status`
  const body = { color: 'yellow', reason: 'positive antigen test' }

  const unknown = await ctx.inject({ method: 'POST', url: '/v1/people/AAAAAAAAAAAAAAAAAAAAAA/status', headers: bearerOf(officer), payload: body })
  t.equal(unknown.statusCode, 404)
  t.equal(unknown.json().code, 'GP_NOT_FOUND')
  t.match(unknown.json().message, 'personId')

  const unknownChange = await ctx.inject({ method: 'POST', url: `${url}/nosuchchange/confirm`, headers: bearerOf(officer) })
  t.equal(unknownChange.statusCode, 404)
  t.equal(unknownChange.json().code, 'GP_NOT_FOUND')
  t.match(unknownChange.json().message, 'changeId')

  // a change confirmed under another person's id is not found
  const pending = await ctx.inject({ method: 'POST', url, headers: bearerOf(officer), payload: { color: 'red', reason: 'PCR positive' } })
  t.equal(pending.statusCode, 202)
  const other = await ctx.resident()
  const wrongPerson = await ctx.inject({ method: 'POST', url: `/v1/people/${other.personId}/status/${pending.json().changeId as string}/confirm`, headers: bearerOf(await ctx.admin()) })
  t.equal(wrongPerson.statusCode, 404)
  t.equal((await statusOf(ctx, other.token)).color, 'green')

  for (const role of ['volunteer', 'tracer', 'gridworker']) {
    const token = await ctx.staff(role)
    const res = await ctx.inject({ method: 'POST', url, headers: bearerOf(token), payload: body })
    t.equal(res.statusCode, 403, `${role} cannot change a colour`)
    t.equal(res.json().code, 'GP_FORBIDDEN')
    const c = await ctx.inject({ method: 'POST', url: `${url}/${pending.json().changeId as string}/confirm`, headers: bearerOf(token) })
    t.equal(c.statusCode, 403, `${role} cannot confirm`)
  }
  const asResident = await ctx.inject({ method: 'POST', url, headers: bearerOf(r.token), payload: body })
  t.equal(asResident.statusCode, 403, 'a resident cannot change a colour')
  t.equal(asResident.json().code, 'GP_FORBIDDEN')
  t.equal((await ctx.inject({ method: 'POST', url, payload: body })).statusCode, 401)

  const bad: Array<[string, Record<string, unknown>, string]> = [
    ['bad colour', { color: 'blue', reason: 'a reason' }, 'color'],
    ['colour token form', { color: 'r', reason: 'a reason' }, 'color'],
    ['missing reason', { color: 'yellow' }, 'reason'],
    ['extra field', { ...body, until: '2026-04-01T00:00:00.000Z' }, 'until']
  ]
  for (const [name, payload, field] of bad) {
    const res = await ctx.inject({ method: 'POST', url, headers: bearerOf(officer), payload })
    t.equal(res.statusCode, 400, `${name}: ${res.body}`)
    t.equal(res.json().code, 'GP_VALIDATION', name)
    t.match(res.json().message, field, `${name}: names ${field}`)
  }
  t.equal((await statusOf(ctx, r.token)).color, 'green', 'nothing refused changed the colour')
})

eachDb('manual changes: of two confirmations at once, exactly one applies', async (t, ctx) => {
  const r = await ctx.resident()
  const requester = await ctx.staff('officer')
  const confirmers = [await ctx.staff('officer'), await ctx.admin()]
  // Accounts created before the requests may confirm them.
  ctx.clock.advance(60_000)
  for (const color of ['red', 'green', 'red']) {
    const pending = await ctx.inject({ method: 'POST', url: `/v1/people/${r.personId}/status`, headers: bearerOf(requester), payload: { color, reason: 'concurrent confirmation' } })
    t.equal(pending.statusCode, 202)
    const answers = await Promise.all(confirmers.map(async (token) =>
      ctx.inject({ method: 'POST', url: `/v1/people/${r.personId}/status/${pending.json().changeId as string}/confirm`, headers: bearerOf(token) })))
    t.same(answers.map((a) => a.statusCode).sort(), [200, 409], `to ${color}: one 200, one 409`)
  }
  const status = await statusOf(ctx, r.token)
  t.equal(status.color, 'red')
  t.equal(status.reasons.length, 1, 'one manual entry, not two')
  const log = (await ctx.inject({ method: 'GET', url: '/v1/me/access-log', headers: bearerOf(r.token) })).json().entries as Array<{ action: string }>
  t.equal(log.filter((e) => e.action === 'status.change_confirmed').length, 3, 'one confirmation recorded per change')
})

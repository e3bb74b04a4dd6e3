// Cases: opening turns the person red, marked contacts turn red (degree 1) or yellow (degree 2) for as long as the
// rules say, closing lets the colour follow the remaining rules. Encounters come from real scans. Each of these is a
// four-eyes change (202, then a second officer confirms: ctx.confirm); test/four-eyes.test.ts tests the rules of that.
import { randomUUID } from 'node:crypto'
import type { LightMyRequestResponse } from 'fastify'
import { eachDb, bearerOf, ADMIN_PASSWORD, DAY, T0, type Ctx, type Test } from './helper.ts'

const H = 3_600_000
const MIN = 60_000
const iso = (ms: number): string => new Date(ms).toISOString()
const STAFF_PASSWORD = 'staff-password-123'

// Sessions expire on the same clock (staff after 12 hours, residents after 7 days): log in again after moving it.
async function staffLogin (ctx: Ctx, username: string): Promise<string> {
  const res = await ctx.inject({ method: 'POST', url: '/v1/auth/login', payload: { username, password: username === 'admin' ? ADMIN_PASSWORD : STAFF_PASSWORD } })
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`)
  return res.json().accessToken as string
}
async function residentLogin (ctx: Ctx, phone: string): Promise<string> {
  const otp = await ctx.inject({ method: 'POST', url: '/v1/auth/otp', payload: { phone } })
  const res = await ctx.inject({ method: 'POST', url: '/v1/auth/otp/verify', payload: { phone, code: otp.json().devCode } })
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`)
  return res.json().accessToken as string
}
async function statusOf (ctx: Ctx, phone: string) {
  const res = await ctx.inject({ method: 'GET', url: '/v1/me/status', headers: bearerOf(await residentLogin(ctx, phone)) })
  if (res.statusCode !== 200) throw new Error(`status failed: ${res.body}`)
  return res.json()
}
/** A volunteer scans the resident's live code at the checkpoint, now. */
async function scan (ctx: Ctx, volunteer: string, residentToken: string, checkpointId: string): Promise<void> {
  const token = (await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(residentToken) })).json().token as string
  const res = await ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(volunteer), payload: { id: randomUUID(), token, checkpointId } })
  if (res.statusCode !== 200 || res.json().recorded !== true) throw new Error(`scan failed: ${res.body}`)
}
const openCase = (ctx: Ctx, token: string, payload: Record<string, unknown>) => ctx.inject({ method: 'POST', url: '/v1/cases', headers: bearerOf(token), payload })
const mark = (ctx: Ctx, token: string, caseId: string, payload: Record<string, unknown>) => ctx.inject({ method: 'POST', url: `/v1/cases/${caseId}/contacts`, headers: bearerOf(token), payload })
const closeCase = (ctx: Ctx, token: string, caseId: string, payload?: Record<string, unknown>) =>
  ctx.inject({ method: 'POST', url: `/v1/cases/${caseId}/close`, headers: bearerOf(token), ...(payload !== undefined ? { payload } : {}) })
/** A four-eyes request answered 202, then confirmed by a proper second officer: the confirmation's answer. */
async function confirmed (t: Test, ctx: Ctx, asked: Promise<LightMyRequestResponse>, action: string): Promise<LightMyRequestResponse> {
  const res = await asked
  t.equal(res.statusCode, 202, `${action}: pending first (${res.body})`)
  t.match(res.json(), { changeId: /.+/, status: 'pending', action })
  return ctx.confirm(res.json().changeId as string)
}
const getCase = (ctx: Ctx, token: string, caseId: string) => ctx.inject({ method: 'GET', url: `/v1/cases/${caseId}`, headers: bearerOf(token) })
async function accessLog (ctx: Ctx, phone: string): Promise<Array<{ role: string, action: string, purpose: string | null }>> {
  return (await ctx.inject({ method: 'GET', url: '/v1/me/access-log', headers: bearerOf(await residentLogin(ctx, phone)) })).json().entries
}

eachDb('a case turns its person red; degree-1 contacts are red 14 days after the last encounter, degree-2 yellow 7 days; closing follows the rules', async (t, ctx) => {
  const cp = await ctx.checkpoint()
  const volunteer = await ctx.staff('volunteer', { checkpointIds: [cp] })
  await ctx.staff('officer', { username: 'officer-li' })
  await ctx.staff('tracer', { username: 'tracer-wu' })
  const index = await ctx.resident({ profile: { name: '王芳' } })
  const close = await ctx.resident()
  const stranger = await ctx.resident()
  const interviewed = await ctx.resident()
  const secondary = await ctx.resident()

  // Encounters: the index person and `close` at the same checkpoint 5 minutes apart, and again 6 hours later,
  // 10 minutes apart (the last encounter). `stranger` passes 40 minutes after the index person: no encounter.
  await scan(ctx, volunteer, index.token, cp)
  ctx.clock.advance(5 * MIN)
  await scan(ctx, volunteer, close.token, cp)
  ctx.clock.set(T0 + 6 * H)
  await scan(ctx, volunteer, index.token, cp)
  ctx.clock.advance(10 * MIN)
  await scan(ctx, volunteer, close.token, cp)
  const lastEncounter = T0 + 6 * H + 10 * MIN
  ctx.clock.set(T0 + 6 * H + 40 * MIN)
  await scan(ctx, volunteer, stranger.token, cp)

  // Opening the case.
  const opened = T0 + 8 * H
  ctx.clock.set(opened)
  let officer = await staffLogin(ctx, 'officer-li')
  const created = await confirmed(t, ctx, openCase(ctx, officer, { personId: index.personId, note: '王芳, 确诊 2026-03-01, 住 3 栋 2 单元' }), 'case.open')
  t.equal(created.statusCode, 200, created.body)
  t.same(Object.keys(created.json()), ['caseId'])
  const caseId = created.json().caseId as string
  const indexStatus = await statusOf(ctx, index.phone)
  t.equal(indexStatus.color, 'red', 'the case person is red')
  t.equal(indexStatus.until, null, 'red until the case is closed')
  t.match(indexStatus.reasons, [{ rule: 'case_confirmed', since: iso(opened), until: null }])
  t.equal(indexStatus.reasons.length, 1)
  t.match(indexStatus.history.at(-1), { at: iso(opened), color: 'red', rule: 'case_confirmed', actor: 'officer, confirmed by officer' }, 'the history names the officers by role')
  const stored = await ctx.app.store.db.select().from(ctx.app.store.t.cases)
  t.equal(stored.length, 1)
  t.notOk(JSON.stringify(stored).includes('王芳'), 'the note is stored encrypted')

  // Degree 1: `close` met the index person (last at T0+6h10m), `interviewed` has no encounter on record.
  ctx.clock.set(opened + 30 * MIN)
  const marked = opened + 30 * MIN
  const d1 = await confirmed(t, ctx, mark(ctx, officer, caseId, { personIds: [close.personId, interviewed.personId], degree: 1 }), 'case.contacts')
  t.equal(d1.statusCode, 200, d1.body)
  t.same(d1.json(), {
    updated: [
      { personId: close.personId, color: 'red', until: iso(lastEncounter + 14 * DAY) },
      { personId: interviewed.personId, color: 'red', until: iso(marked + 14 * DAY) }
    ]
  })
  const closeStatus = await statusOf(ctx, close.phone)
  t.match(closeStatus.reasons, [{ rule: 'close_contact', since: iso(marked), until: iso(lastEncounter + 14 * DAY) }])
  t.match(closeStatus.history.at(-1), { at: iso(marked), color: 'red', rule: 'close_contact', actor: 'officer, confirmed by officer' })

  // Degree 2: yellow for 7 days after marking.
  const d2 = await confirmed(t, ctx, mark(ctx, officer, caseId, { personIds: [secondary.personId], degree: 2 }), 'case.contacts')
  t.equal(d2.statusCode, 200, d2.body)
  t.same(d2.json(), { updated: [{ personId: secondary.personId, color: 'yellow', until: iso(marked + 7 * DAY) }] })
  t.match((await statusOf(ctx, secondary.phone)).reasons, [{ rule: 'secondary_contact', until: iso(marked + 7 * DAY) }])

  // Marked again an hour later: updated, not doubled (the earlier mark ends, the new one runs 7 days from now).
  ctx.clock.advance(H)
  const again = await confirmed(t, ctx, mark(ctx, officer, caseId, { personIds: [secondary.personId], degree: 2 }), 'case.contacts')
  t.same(again.json(), { updated: [{ personId: secondary.personId, color: 'yellow', until: iso(marked + H + 7 * DAY) }] })
  const secondaryStatus = await statusOf(ctx, secondary.phone)
  t.equal(secondaryStatus.reasons.length, 1, 'one reason')
  t.equal(secondaryStatus.history.length, 2, 'default green, then yellow once')

  // The case as a tracer sees it.
  const tracer = await staffLogin(ctx, 'tracer-wu')
  const view = await getCase(ctx, tracer, caseId)
  t.equal(view.statusCode, 200, view.body)
  t.same(view.json(), {
    caseId,
    personId: index.personId,
    note: '王芳, 确诊 2026-03-01, 住 3 栋 2 单元',
    openedBy: 'officer-li+confirmer-1',
    openedAt: iso(opened),
    closedBy: null,
    closedAt: null,
    closeNote: null,
    contacts: [
      ...[{ personId: close.personId, degree: 1, markedBy: 'officer-li+confirmer-2', markedAt: iso(marked), until: iso(lastEncounter + 14 * DAY) },
        { personId: interviewed.personId, degree: 1, markedBy: 'officer-li+confirmer-2', markedAt: iso(marked), until: iso(marked + 14 * DAY) }].sort((a, b) => (a.personId < b.personId ? -1 : 1)),
      { personId: secondary.personId, degree: 2, markedBy: 'officer-li+confirmer-4', markedAt: iso(marked + H), until: iso(marked + H + 7 * DAY) }
    ],
    sites: []
  })

  // Every action is in the access log of the person concerned.
  // (newest first; the changes about the case are about its person: requested, then confirmed and applied)
  const requestedAndConfirmed = [['officer', 'change.confirmed'], ['officer', 'change.requested']]
  t.same((await accessLog(ctx, index.phone)).map((e) => [e.role, e.action]), [
    ['tracer', 'case.read'], ...requestedAndConfirmed, ...requestedAndConfirmed,
    ['officer', 'contacts.read'], ...requestedAndConfirmed,
    ['officer', 'case.opened'], ...requestedAndConfirmed
  ])
  t.same((await accessLog(ctx, close.phone)).map((e) => [e.action, e.purpose]), [['case.contact_marked', `case ${caseId}, degree 1`]])
  t.same((await accessLog(ctx, secondary.phone)).map((e) => e.action), ['case.contact_marked', 'case.contact_marked'])
  t.same(await accessLog(ctx, stranger.phone), [], 'nothing about a person not marked')

  // The clock passes the secondary contact's until: green again; the close contacts are still red.
  ctx.clock.set(marked + H + 7 * DAY)
  t.equal((await statusOf(ctx, secondary.phone)).color, 'green', 'secondary contact: green at exactly 7 days')
  t.equal((await statusOf(ctx, close.phone)).color, 'red')

  // The index person declares a fever, then the case is closed: the colour follows the remaining rule (yellow).
  ctx.clock.set(lastEncounter + 14 * DAY - 1)
  t.equal((await statusOf(ctx, close.phone)).color, 'red', 'close contact: red up to the last millisecond')
  const fever = await ctx.inject({ method: 'POST', url: '/v1/me/declarations', headers: bearerOf(await residentLogin(ctx, index.phone)), payload: { temperature: 38.2, symptoms: [], visitedHighRiskArea: false, contactWithConfirmed: false } })
  t.equal(fever.json().color, 'red', 'still red while the case is open')
  ctx.clock.advance(1)
  const closedAt = ctx.clock.now()
  t.equal((await statusOf(ctx, close.phone)).color, 'green', 'close contact: green 14 days after the last encounter')
  t.equal((await statusOf(ctx, interviewed.phone)).color, 'red', 'interviewed contact: counted from marking, still red')
  officer = await staffLogin(ctx, 'officer-li')
  const closed = await confirmed(t, ctx, closeCase(ctx, officer, caseId, { note: '治愈出院' }), 'case.close')
  t.equal(closed.statusCode, 200, closed.body)
  t.match(closed.json(), { caseId, closedBy: 'officer-li+confirmer-5', closedAt: iso(closedAt), closeNote: '治愈出院', note: '王芳, 确诊 2026-03-01, 住 3 栋 2 单元' })
  t.equal(closed.json().contacts.length, 3)
  const after = await statusOf(ctx, index.phone)
  t.equal(after.color, 'yellow', 'the fever rule remains')
  t.same(after.reasons.map((r: { rule: string }) => r.rule), ['symptoms'])
  t.match(after.history.at(-1), { at: iso(closedAt), color: 'yellow', rule: 'symptoms' })
  t.equal((await statusOf(ctx, interviewed.phone)).color, 'red', 'contacts\' entries run out on their own, not with the case')
  t.same((await accessLog(ctx, index.phone)).slice(0, 3).map((e) => e.action), ['case.closed', 'change.confirmed', 'change.requested'])
  t.equal((await getCase(ctx, officer, caseId)).json().closedAt, iso(closedAt))
})

eachDb('closing a case with nothing else active: green, the officers by role in the history; a new case may follow', async (t, ctx) => {
  const officer = await ctx.staff('officer', { username: 'officer-zhao' })
  const admin = await ctx.admin()
  const r = await ctx.resident()
  const caseId = (await confirmed(t, ctx, openCase(ctx, officer, { personId: r.personId, note: 'n' }), 'case.open')).json().caseId as string
  ctx.clock.advance(H)
  const closed = await confirmed(t, ctx, closeCase(ctx, admin, caseId), 'case.close')
  t.equal(closed.statusCode, 200, `no body at all is fine: ${closed.body}`)
  t.match(closed.json(), { closedBy: 'admin+confirmer-2', closeNote: null })
  const status = await statusOf(ctx, r.phone)
  t.equal(status.color, 'green')
  t.same(status.reasons, [])
  t.same(status.history.map((h: { color: string, actor: string }) => [h.color, h.actor]), [['green', 'system'], ['red', 'officer, confirmed by officer'], ['green', 'admin, confirmed by officer']])
  t.notOk(JSON.stringify(status).includes('officer-zhao') || JSON.stringify(status).includes('confirmer-'), 'no username reaches the resident')

  const notJson = await ctx.inject({ method: 'POST', url: `/v1/cases/${caseId}/close`, headers: { ...bearerOf(officer), 'content-type': 'text/plain' }, payload: 'done' })
  t.equal(notJson.statusCode, 415, 'a body that is sent must be JSON')
  t.equal((await closeCase(ctx, officer, caseId, { note: 'x', extra: true })).statusCode, 400, 'unknown fields are refused')
  const twice = await closeCase(ctx, officer, caseId, {})
  t.equal(twice.statusCode, 409, twice.body)
  t.equal(twice.json().code, 'GP_CONFLICT')
  const reopened = await confirmed(t, ctx, openCase(ctx, officer, { personId: r.personId, note: 'relapse' }), 'case.open')
  t.equal(reopened.statusCode, 200, 'a closed case does not block a new one')
  t.equal((await statusOf(ctx, r.phone)).color, 'red')
})

eachDb('refusals: unknown case or person, open case, closed case, bad contact lists, roles', async (t, ctx) => {
  const officer = await ctx.staff('officer')
  const tracer = await ctx.staff('tracer')
  const index = await ctx.resident()
  const other = await ctx.resident()
  const missing = 'nobody-here-0123456789'
  const expect = (res: { statusCode: number, json: () => { code: string, message: string } }, status: number, code: string, name: string): void => {
    t.equal(res.statusCode, status, `${name}: ${res.statusCode}`)
    t.equal(res.json().code, code, name)
  }

  expect(await openCase(ctx, officer, { personId: missing, note: 'x' }), 404, 'GP_NOT_FOUND', 'unknown person')
  expect(await openCase(ctx, officer, { personId: index.personId }), 400, 'GP_VALIDATION', 'no note')
  expect(await openCase(ctx, officer, { personId: index.personId, note: 'x', extra: 1 }), 400, 'GP_VALIDATION', 'unknown field')
  const asked = await openCase(ctx, officer, { personId: index.personId, note: 'x' })
  expect(await openCase(ctx, officer, { personId: index.personId, note: 'again' }), 409, 'GP_CONFLICT', 'a case waiting for confirmation')
  const caseId = (await ctx.confirm(asked.json().changeId as string)).json().caseId as string
  expect(await openCase(ctx, officer, { personId: index.personId, note: 'again' }), 409, 'GP_CONFLICT', 'already an open case')

  expect(await mark(ctx, officer, 'no-such-case', { personIds: [other.personId], degree: 1 }), 404, 'GP_NOT_FOUND', 'unknown case')
  const unknown = await mark(ctx, officer, caseId, { personIds: [other.personId, missing], degree: 2 })
  expect(unknown, 404, 'GP_NOT_FOUND', 'unknown contact')
  t.match(unknown.json().message, missing, 'the unknown personId is named')
  t.equal((await statusOf(ctx, other.phone)).color, 'green', 'a refused list marks no one')
  expect(await mark(ctx, officer, caseId, { personIds: [], degree: 1 }), 400, 'GP_VALIDATION', 'empty list')
  const many = Array.from({ length: 501 }, (_, i) => `person-${String(i).padStart(12, '0')}`)
  expect(await mark(ctx, officer, caseId, { personIds: many, degree: 2 }), 400, 'GP_VALIDATION', 'more than 500')
  expect(await mark(ctx, officer, caseId, { personIds: [other.personId, other.personId], degree: 2 }), 400, 'GP_VALIDATION', 'duplicates')
  expect(await mark(ctx, officer, caseId, { personIds: [index.personId], degree: 1 }), 400, 'GP_VALIDATION', 'the case person')
  expect(await mark(ctx, officer, caseId, { personIds: [other.personId], degree: 3 }), 400, 'GP_VALIDATION', 'degree 3')
  expect(await mark(ctx, officer, caseId, { personIds: [other.personId] }), 400, 'GP_VALIDATION', 'no degree')

  expect(await getCase(ctx, officer, 'no-such-case'), 404, 'GP_NOT_FOUND', 'GET unknown case')
  expect(await closeCase(ctx, officer, 'no-such-case'), 404, 'GP_NOT_FOUND', 'close unknown case')
  const closing = await closeCase(ctx, officer, caseId)
  t.equal(closing.statusCode, 202)
  expect(await closeCase(ctx, officer, caseId), 409, 'GP_CONFLICT', 'its closing waits for confirmation')
  t.equal((await ctx.confirm(closing.json().changeId as string)).statusCode, 200)
  expect(await closeCase(ctx, officer, caseId), 409, 'GP_CONFLICT', 'closed twice')
  expect(await mark(ctx, officer, caseId, { personIds: [other.personId], degree: 2 }), 409, 'GP_CONFLICT', 'marking on a closed case')

  // Roles: volunteers, residents and grid workers get 403 everywhere; tracers may only read.
  const refused = { volunteer: await ctx.staff('volunteer'), gridworker: await ctx.staff('gridworker'), resident: other.token, tracer }
  for (const [role, token] of Object.entries(refused)) {
    expect(await openCase(ctx, token, { personId: other.personId, note: 'x' }), 403, 'GP_FORBIDDEN', `${role} opens`)
    expect(await mark(ctx, token, caseId, { personIds: [other.personId], degree: 2 }), 403, 'GP_FORBIDDEN', `${role} marks`)
    expect(await closeCase(ctx, token, caseId), 403, 'GP_FORBIDDEN', `${role} closes`)
    if (role !== 'tracer') expect(await getCase(ctx, token, caseId), 403, 'GP_FORBIDDEN', `${role} reads`)
  }
  t.equal((await getCase(ctx, tracer, caseId)).statusCode, 200, 'a tracer reads a case')
  t.equal((await statusOf(ctx, other.phone)).color, 'green', 'refused calls changed nothing')
})

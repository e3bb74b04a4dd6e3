// Exposure sites on cases (POST /v1/cases/{caseId}/sites): a four-eyes change that, once a second officer confirms it,
// turns everyone present at the checkpoint in the window yellow (site_exposure) with the place and the window in their
// /v1/me/status, the case person excepted; the window must lie within the case person's own presences there widened by
// 240 minutes (422); refusals are audited; a case lists its contacts and sites; GET /v1/cases lists cases; closing the
// case ends site_exposure. Presences come from real scans.
import { randomUUID } from 'node:crypto'
import { eachDb, bearerOf, DAY, T0, type Ctx, type Test } from './helper.ts'

const H = 3_600_000
const MIN = 60_000
const iso = (ms: number): string => new Date(ms).toISOString()

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
async function accessLog (ctx: Ctx, phone: string): Promise<Array<{ role: string, action: string, purpose: string | null }>> {
  return (await ctx.inject({ method: 'GET', url: '/v1/me/access-log', headers: bearerOf(await residentLogin(ctx, phone)) })).json().entries
}
/** A volunteer scans the resident's live code at the checkpoint at `at`. */
async function scanAt (ctx: Ctx, volunteer: string, resident: { token: string }, checkpointId: string, at: number, direction?: 'in' | 'out'): Promise<void> {
  ctx.clock.set(at)
  const token = (await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(resident.token) })).json().token as string
  const res = await ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(volunteer), payload: { id: randomUUID(), token, checkpointId, ...(direction !== undefined ? { direction } : {}) } })
  if (res.statusCode !== 200 || res.json().recorded !== true) throw new Error(`scan failed: ${res.body}`)
}
const site = (ctx: Ctx, token: string, caseId: string, payload: Record<string, unknown>) =>
  ctx.inject({ method: 'POST', url: `/v1/cases/${caseId}/sites`, headers: bearerOf(token), payload })
const getCase = (ctx: Ctx, token: string, caseId: string) => ctx.inject({ method: 'GET', url: `/v1/cases/${caseId}`, headers: bearerOf(token) })

/** Opens a case for the person through four eyes; its id. */
async function openCase (t: Test, ctx: Ctx, officer: string, personId: string): Promise<string> {
  const asked = await ctx.inject({ method: 'POST', url: '/v1/cases', headers: bearerOf(officer), payload: { personId, note: '确诊' } })
  t.equal(asked.statusCode, 202, asked.body)
  const done = await ctx.confirm(asked.json().changeId as string)
  t.equal(done.statusCode, 200, done.body)
  return done.json().caseId as string
}
async function closeCase (t: Test, ctx: Ctx, officer: string, caseId: string) {
  const asked = await ctx.inject({ method: 'POST', url: `/v1/cases/${caseId}/close`, headers: bearerOf(officer) })
  t.equal(asked.statusCode, 202, asked.body)
  const done = await ctx.confirm(asked.json().changeId as string)
  t.equal(done.statusCode, 200, done.body)
  return done.json()
}

/**
 * A market (venue) and a gate. The index person stays in the market T0 to T0+30 min. `shopper` stays T0+10 to
 * T0+50 min, `passer` is scanned once at T0+55 min, `late` at T0+3 h (after the window), `gate` at the gate at T0+10 min.
 */
async function world (ctx: Ctx) {
  const market = await ctx.checkpoint({ name: '陆城农贸市场', kind: 'venue' })
  const gate = await ctx.checkpoint({ name: '陆城卡口', kind: 'traffic' })
  const volunteer = await ctx.staff('volunteer', { checkpointIds: [market, gate] })
  const index = await ctx.resident({ profile: { name: '王芳' } })
  const shopper = await ctx.resident()
  const passer = await ctx.resident()
  const late = await ctx.resident()
  const atGate = await ctx.resident()
  await scanAt(ctx, volunteer, index, market, T0, 'in')
  await scanAt(ctx, volunteer, shopper, market, T0 + 10 * MIN, 'in')
  await scanAt(ctx, volunteer, atGate, gate, T0 + 10 * MIN)
  await scanAt(ctx, volunteer, index, market, T0 + 30 * MIN, 'out')
  await scanAt(ctx, volunteer, shopper, market, T0 + 50 * MIN, 'out')
  await scanAt(ctx, volunteer, passer, market, T0 + 55 * MIN)
  await scanAt(ctx, volunteer, late, market, T0 + 3 * H)
  ctx.clock.set(T0 + 5 * H)
  return { market, gate, index, shopper, passer, late, atGate }
}

eachDb('a confirmed site turns the people present yellow with the place and window; the case person is excepted; closing ends it', async (t, ctx) => {
  const w = await world(ctx)
  const officer = await ctx.staff('officer', { username: 'officer-li' })
  const tracer = await ctx.staff('tracer', { username: 'tracer-wu' })
  const caseId = await openCase(t, ctx, officer, w.index.personId)
  // A contact marked on the case too, so the case lists both.
  const marked = await ctx.inject({ method: 'POST', url: `/v1/cases/${caseId}/contacts`, headers: bearerOf(officer), payload: { personIds: [w.atGate.personId], degree: 2 } })
  t.equal((await ctx.confirm(marked.json().changeId as string)).statusCode, 200)

  // The window: 15:00–17:00 Asia/Shanghai (T0 is 16:00 there).
  const from = T0 - H
  const to = T0 + H
  const asked = await site(ctx, tracer, caseId, { checkpointId: w.market, from: iso(from), to: iso(to) })
  t.equal(asked.statusCode, 202, asked.body)
  t.match(asked.json(), { changeId: /.+/, status: 'pending', action: 'case.site', confirmations: 0 })
  const changeId = asked.json().changeId as string
  t.equal((await statusOf(ctx, w.shopper.phone)).color, 'green', 'nothing changes before a second person confirms')

  // The pending queue shows it; its author (a tracer) may not confirm, nor may an officer confirm their own request.
  const queue = await ctx.inject({ method: 'GET', url: '/v1/changes?status=pending', headers: bearerOf(officer) })
  t.match(queue.json().changes, [{ changeId, action: 'case.site', caseId, personId: w.index.personId, payload: { caseId, checkpointId: w.market, from, to }, requestedBy: { username: 'tracer-wu', role: 'tracer' } }])
  const byTracer = await ctx.inject({ method: 'POST', url: `/v1/changes/${changeId}/confirm`, headers: bearerOf(tracer) })
  t.equal(byTracer.statusCode, 403, 'a tracer does not confirm')
  const own = await site(ctx, officer, caseId, { checkpointId: w.market, from: iso(from), to: iso(to) })
  t.equal(own.statusCode, 202)
  const ownConfirm = await ctx.inject({ method: 'POST', url: `/v1/changes/${own.json().changeId as string}/confirm`, headers: bearerOf(officer) })
  t.equal(ownConfirm.statusCode, 403, 'the requester cannot confirm')
  t.equal(ownConfirm.json().code, 'GP_FORBIDDEN')
  t.equal((await ctx.inject({ method: 'POST', url: `/v1/changes/${own.json().changeId as string}/reject`, headers: bearerOf(officer), payload: { reason: 'asked twice' } })).statusCode, 200, 'withdrawn')

  // A second officer confirms: the people present in the window turn yellow until 7 days after `to`.
  const confirmedAt = T0 + 6 * H
  ctx.clock.set(confirmedAt)
  const done = await ctx.confirm(changeId)
  t.equal(done.statusCode, 200, done.body)
  const until = iso(to + 7 * DAY)
  t.same(done.json(), {
    site: { checkpointId: w.market, from: iso(from), to: iso(to) },
    updated: [{ personId: w.shopper.personId, color: 'yellow', until }, { personId: w.passer.personId, color: 'yellow', until }].sort((a, b) => (a.personId < b.personId ? -1 : 1))
  })

  const place = { checkpointId: w.market, checkpointName: '陆城农贸市场', from: iso(from), to: iso(to) }
  const shopper = await statusOf(ctx, w.shopper.phone)
  t.equal(shopper.color, 'yellow')
  t.same(shopper.reasons, [{
    rule: 'site_exposure',
    text: 'Present at 陆城农贸市场 on 2026-03-01 15:00–17:00 (Beijing time), at the same time as a confirmed case: yellow for 7 days after the window ends',
    textZh: '2026-03-01 15:00–17:00 在 陆城农贸市场 与确诊病例同场：场所时段结束后 7 天内为黄码',
    since: iso(confirmedAt),
    until,
    site: place
  }])
  t.match(shopper.history.at(-1), { at: iso(confirmedAt), color: 'yellow', rule: 'site_exposure', actor: 'tracer, confirmed by officer', reasonZh: /2026-03-01 15:00–17:00 在 陆城农贸市场/, site: place })
  t.notOk(JSON.stringify(shopper).includes(caseId), 'the resident is not told the case id')
  const { statusEntries } = ctx.app.store.t
  const stored = (await ctx.app.store.db.select().from(statusEntries)).filter((r) => r.rule === 'site_exposure')
  t.equal(stored.length, 2, 'one entry per person present')
  t.ok(stored.every((r) => /^v1\./.test(r.detail ?? '') && !(r.detail ?? '').includes('陆城农贸市场') && r.sourceId === caseId), 'the place and window are sealed at rest; the source is the case')
  t.equal((await statusOf(ctx, w.passer.phone)).color, 'yellow', 'a single scan in the window counts')
  t.equal((await statusOf(ctx, w.late.phone)).color, 'green', 'after the window: not present')
  t.equal((await statusOf(ctx, w.atGate.phone)).reasons.some((r: { rule: string }) => r.rule === 'site_exposure'), false, 'another checkpoint: not present')
  const index = await statusOf(ctx, w.index.phone)
  t.same(index.reasons.map((r: { rule: string }) => r.rule), ['case_confirmed'], 'the case person is excepted')

  // Access logs: the case person sees the request and its confirmation; a person marked sees why.
  t.same((await accessLog(ctx, w.shopper.phone)).map((e) => [e.role, e.action, e.purpose]), [
    ['tracer', 'case.site_marked', `case ${caseId}: site 陆城农贸市场 ${iso(from)}/${iso(to)}`]
  ])
  const indexLog = (await accessLog(ctx, w.index.phone)).map((e) => [e.role, e.action])
  t.same(indexLog.slice(0, 3), [['tracer', 'case.site_confirmed'], ['officer', 'change.confirmed'], ['officer', 'change.rejected']])
  t.ok(indexLog.some(([role, action]) => role === 'tracer' && action === 'case.site_requested'), 'the request is in the case person\'s access log')

  // The case lists its contacts and its sites.
  const view = await getCase(ctx, tracer, caseId)
  t.equal(view.statusCode, 200, view.body)
  t.match(view.json(), {
    caseId,
    contacts: [{ personId: w.atGate.personId, degree: 2 }],
    sites: [{ siteId: /.+/, checkpointId: w.market, checkpointName: '陆城农贸市场', from: iso(from), to: iso(to), markedBy: /^tracer-wu\+confirmer-\d+$/, markedAt: iso(confirmedAt), people: 2 }]
  })
  t.equal(view.json().sites.length, 1)

  // A second site on the same person's day (the gate is not where the case person was: 422, see below) and a second
  // case, closed: the list, newest first, by status.
  const other = await ctx.resident()
  const otherCase = await openCase(t, ctx, officer, other.personId)
  await closeCase(t, ctx, officer, otherCase)
  const all = await ctx.inject({ method: 'GET', url: '/v1/cases', headers: bearerOf(tracer) })
  t.equal(all.statusCode, 200, all.body)
  t.match(all.json().cases, [
    { caseId: otherCase, personId: other.personId, closedAt: /.+/, contacts: 0, sites: 0 },
    { caseId, personId: w.index.personId, name: '王芳', closedAt: null, closedBy: null, contacts: 1, sites: 1, openedBy: /^officer-li\+confirmer-\d+$/ }
  ])
  t.same((await ctx.inject({ method: 'GET', url: '/v1/cases?status=open', headers: bearerOf(officer) })).json().cases.map((c: { caseId: string }) => c.caseId), [caseId])
  t.same((await ctx.inject({ method: 'GET', url: '/v1/cases?status=closed&limit=1', headers: bearerOf(officer) })).json().cases.map((c: { caseId: string }) => c.caseId), [otherCase])
  t.same((await ctx.inject({ method: 'GET', url: `/v1/cases?personId=${other.personId}`, headers: bearerOf(tracer) })).json().cases.map((c: { caseId: string }) => c.caseId), [otherCase], "one person's cases")
  t.same((await ctx.inject({ method: 'GET', url: `/v1/cases?status=open&personId=${other.personId}`, headers: bearerOf(tracer) })).json().cases, [], "one person's open cases: none")
  t.equal((await ctx.inject({ method: 'GET', url: '/v1/cases?status=pending', headers: bearerOf(officer) })).statusCode, 400, 'an unknown status')
  t.equal((await ctx.inject({ method: 'GET', url: '/v1/cases?limit=0', headers: bearerOf(officer) })).statusCode, 400, 'limit 0')
  for (const role of ['volunteer', 'gridworker']) {
    t.equal((await ctx.inject({ method: 'GET', url: '/v1/cases', headers: bearerOf(await ctx.staff(role)) })).statusCode, 403, `${role} lists no cases`)
  }

  // Closing the case ends site_exposure: the people present are green again, ended by the officers.
  const closedAt = confirmedAt + 5 * H
  ctx.clock.set(closedAt)
  const closed = await closeCase(t, ctx, officer, caseId)
  t.equal(closed.sites.length, 1, 'the closed case still lists its site')
  const after = await statusOf(ctx, w.shopper.phone)
  t.equal(after.color, 'green')
  t.same(after.reasons, [])
  t.match(after.history.at(-1), { at: iso(closedAt), color: 'green', actor: 'officer, confirmed by officer' })
  t.equal((await statusOf(ctx, w.passer.phone)).color, 'green')
  t.equal((await accessLog(ctx, w.shopper.phone))[0]?.action, 'case.site_ended')
  t.equal((await statusOf(ctx, w.atGate.phone)).color, 'yellow', 'contacts\' entries still run out on their own')
})

eachDb('site refusals: the window outside the case person\'s presences (422), bad windows, unknown case or checkpoint, a closed case, roles; each audited', async (t, ctx) => {
  const w = await world(ctx)
  const officer = await ctx.staff('officer')
  const tracer = await ctx.staff('tracer')
  const caseId = await openCase(t, ctx, officer, w.index.personId)
  const expect = (res: { statusCode: number, json: () => { code: string, message: string } }, status: number, code: string, name: string, field?: string): void => {
    t.equal(res.statusCode, status, `${name}: ${res.statusCode} ${res.json().message}`)
    t.equal(res.json().code, code, name)
    if (field !== undefined) t.match(res.json().message, field, `${name}: names ${field}`)
  }
  const body = (from: number, to: number, checkpointId = w.market) => ({ checkpointId, from: iso(from), to: iso(to) })

  // The case person was in the market T0 to T0+30 min: widened by 240 minutes that is T0−4h to T0+4h30.
  expect(await site(ctx, tracer, caseId, body(T0 + 5 * H, T0 + 6 * H)), 422, 'GP_SITE_OUTSIDE_PRESENCE', 'a window after the presences', 'presences')
  expect(await site(ctx, tracer, caseId, body(T0 + 4 * H, T0 + 5 * H)), 422, 'GP_SITE_OUTSIDE_PRESENCE', 'a window reaching past them')
  expect(await site(ctx, tracer, caseId, body(T0 - 5 * H, T0 - 3 * H)), 422, 'GP_SITE_OUTSIDE_PRESENCE', 'a window starting before them')
  expect(await site(ctx, tracer, caseId, body(T0, T0 + H, w.gate)), 422, 'GP_SITE_OUTSIDE_PRESENCE', 'a checkpoint the case person never passed')
  t.equal((await site(ctx, tracer, caseId, body(T0 - 4 * H, T0 + 4 * H + 30 * MIN))).statusCode, 202, 'exactly the widened presence is accepted')

  expect(await site(ctx, tracer, caseId, body(T0 + H, T0)), 400, 'GP_VALIDATION', 'from after to', 'body.to')
  expect(await site(ctx, tracer, caseId, body(T0, T0)), 400, 'GP_VALIDATION', 'an empty window', 'body.to')
  expect(await site(ctx, tracer, caseId, body(T0 - 20 * H, T0 + 5 * H)), 400, 'GP_VALIDATION', 'longer than 24 hours', 'body.to')
  expect(await site(ctx, tracer, caseId, { checkpointId: w.market, from: 'yesterday', to: iso(T0) }), 400, 'GP_VALIDATION', 'not a time', 'body.from')
  expect(await site(ctx, tracer, caseId, { ...body(T0, T0 + H), extra: 1 }), 400, 'GP_VALIDATION', 'an unknown field', 'body.extra')
  expect(await site(ctx, tracer, caseId, { from: iso(T0), to: iso(T0 + H) }), 400, 'GP_VALIDATION', 'no checkpoint', 'body.checkpointId')
  expect(await site(ctx, tracer, caseId, body(T0, T0 + H, 'no-such-checkpoint')), 404, 'GP_NOT_FOUND', 'an unknown checkpoint', 'checkpointId')
  expect(await site(ctx, tracer, 'no-such-case', body(T0, T0 + H)), 404, 'GP_NOT_FOUND', 'an unknown case', 'caseId')

  // Roles: residents, volunteers and grid workers get 403.
  const refused = { resident: w.shopper.token, volunteer: await ctx.staff('volunteer'), gridworker: await ctx.staff('gridworker') }
  for (const [role, token] of Object.entries(refused)) expect(await site(ctx, token, caseId, body(T0, T0 + H)), 403, 'GP_FORBIDDEN', role)

  // A site asked while the case is open but confirmed after it closed: 409 on confirmation, the change stays pending.
  const early = await site(ctx, tracer, caseId, body(T0, T0 + H))
  t.equal(early.statusCode, 202)
  await closeCase(t, ctx, officer, caseId)
  expect(await site(ctx, tracer, caseId, body(T0, T0 + H)), 409, 'GP_CONFLICT', 'a site on a closed case', 'closed')
  expect(await ctx.confirm(early.json().changeId as string), 409, 'GP_CONFLICT', 'confirmed after the case closed')
  t.equal((await statusOf(ctx, w.shopper.phone)).color, 'green', 'no refused or unconfirmed site changed a colour')

  // Every refusal is in the audit log with the case as purpose; staff refusals in the case person's access log.
  const audit = (await ctx.inject({ method: 'GET', url: '/v1/audit?limit=1000', headers: bearerOf(await ctx.admin()) })).json().entries as Array<{ role: string, action: string, target: string | null, purpose: string | null }>
  const refusals = audit.filter((e) => e.action === 'case.site_requested.refused')
  t.equal(refusals.length, 16, 'four 422, six 400, two 404, three 403, one 409 (the confirmation\'s 409 is the changes route\'s)')
  t.ok(refusals.every((e) => e.purpose === `case ${caseId}` || e.purpose === 'case no-such-case'), 'the case is the purpose')
  t.same(refusals.filter((e) => ['resident', 'volunteer', 'gridworker'].includes(e.role)).map((e) => e.role).sort(), ['gridworker', 'resident', 'volunteer'], 'the 403s are audited')
  t.equal(refusals.find((e) => e.role === 'resident')?.target, null, 'a resident\'s refused call is not put in the case person\'s access log')
  t.equal(refusals.find((e) => e.role === 'volunteer')?.target, w.index.personId)
  const indexLog = await accessLog(ctx, w.index.phone)
  t.ok(indexLog.some((e) => e.role === 'tracer' && e.action === 'case.site_requested.refused' && e.purpose === `case ${caseId}`), 'a refused request shows in the case person\'s access log')
})

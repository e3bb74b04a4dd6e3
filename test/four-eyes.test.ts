// Four eyes: no one person turns codes red or green. Opening a case, marking contacts, closing a case and manual
// changes to or from red wait (202) until a second officer or admin confirms; the author, an account the author
// created and an account created after the request cannot (403); a rejection needs a reason; past the author's daily
// reds two confirmers are needed; of racing confirmations exactly one applies. On both databases, through the API.
import type { LightMyRequestResponse } from 'fastify'
import t from 'tap'
import { eachDb, bearerOf, makeCtx, ADMIN_PASSWORD, METRICS_AUTH, T0, type Ctx, type Test } from './helper.ts'
import { actorWords } from '../src/web/resident/words.ts'
import { messages } from '../src/web/resident/messages.ts'

const MIN = 60_000
const H = 60 * MIN
const PASSWORD = 'staff-password-123'

async function login (ctx: Ctx, username: string): Promise<string> {
  const res = await ctx.inject({ method: 'POST', url: '/v1/auth/login', payload: { username, password: username === 'admin' ? ADMIN_PASSWORD : PASSWORD } })
  if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.body}`)
  return res.json().accessToken as string
}
/** An account created now by `creator` (a token of an admin). */
async function account (ctx: Ctx, creator: string, username: string, role: string): Promise<string> {
  const res = await ctx.inject({ method: 'POST', url: '/v1/users', headers: bearerOf(creator), payload: { username, password: PASSWORD, role } })
  if (res.statusCode !== 201) throw new Error(`create ${username} failed: ${res.body}`)
  return login(ctx, username)
}
const post = (ctx: Ctx, token: string, url: string, payload?: Record<string, unknown>) =>
  ctx.inject({ method: 'POST', url, headers: bearerOf(token), ...(payload !== undefined ? { payload } : {}) })
const confirm = (ctx: Ctx, token: string, changeId: string) => post(ctx, token, `/v1/changes/${changeId}/confirm`)
const reject = (ctx: Ctx, token: string, changeId: string, payload?: Record<string, unknown>) => post(ctx, token, `/v1/changes/${changeId}/reject`, payload)
async function colorOf (ctx: Ctx, token: string): Promise<string> {
  return (await ctx.inject({ method: 'GET', url: '/v1/me/status', headers: bearerOf(token) })).json().color as string
}
async function pending (ctx: Ctx, token: string): Promise<Array<Record<string, unknown>>> {
  const res = await ctx.inject({ method: 'GET', url: '/v1/changes?status=pending', headers: bearerOf(token) })
  if (res.statusCode !== 200) throw new Error(`list failed: ${res.body}`)
  return res.json().changes
}
function refused (t: Test, res: LightMyRequestResponse, status: number, message: RegExp | string, name: string): void {
  t.equal(res.statusCode, status, `${name}: ${res.statusCode} ${res.body}`)
  t.match(res.json().message, message, name)
}
async function metric (ctx: Ctx, name: string): Promise<string> {
  const body = (await ctx.inject({ method: 'GET', url: '/metrics', headers: METRICS_AUTH })).body
  return body.split('\n').filter((l) => l.startsWith(name)).join('\n')
}

/**
 * The cast, all made at T0 by the admin unless said: an admin "admin-b" (who may create accounts), "stooge", an officer
 * admin-b creates, two proper officers. The clock then moves on a minute: every request comes after them.
 */
async function cast (ctx: Ctx) {
  const admin = await ctx.admin()
  const adminB = await account(ctx, admin, 'admin-b', 'admin')
  const stooge = await account(ctx, adminB, 'officer-stooge', 'officer')
  const author = await account(ctx, admin, 'officer-author', 'officer')
  const second = await account(ctx, admin, 'officer-second', 'officer')
  const third = await account(ctx, admin, 'officer-third', 'officer')
  ctx.clock.advance(MIN)
  return { admin, adminB, stooge, author, second, third }
}

eachDb('opening a case: one officer cannot make anyone red alone', async (t, ctx) => {
  const c = await cast(ctx)
  const r = await ctx.resident({ profile: { name: '陈静' } })

  const asked = await post(ctx, c.adminB, '/v1/cases', { personId: r.personId, note: '陈静 PCR 阳性' })
  t.equal(asked.statusCode, 202, asked.body)
  t.same(asked.json(), { changeId: asked.json().changeId, status: 'pending', action: 'case.open', confirmationsNeeded: 1, confirmations: 0 })
  const changeId = asked.json().changeId as string
  t.equal(await colorOf(ctx, r.token), 'green', 'still green while pending')

  refused(t, await confirm(ctx, c.adminB, changeId), 403, 'author', 'the author confirming')
  refused(t, await confirm(ctx, c.stooge, changeId), 403, 'created by the author', 'an officer the author created')
  ctx.clock.advance(MIN)
  const late = await account(ctx, c.admin, 'officer-late', 'officer')
  refused(t, await confirm(ctx, late, changeId), 403, 'created after the change', 'an officer created after the request')
  const tracer = await account(ctx, c.admin, 'tracer-x', 'tracer')
  refused(t, await confirm(ctx, tracer, changeId), 403, 'officer, admin', 'a tracer')
  t.equal(await colorOf(ctx, r.token), 'green', 'no refused confirmation changed anything')

  // What waits, for the confirmer to judge: the payload, who asked, nothing confirmed yet.
  const list = await pending(ctx, c.second)
  t.equal(list.length, 1)
  t.match(list[0], {
    changeId, action: 'case.open', status: 'pending', personId: r.personId, payload: { personId: r.personId, note: '陈静 PCR 阳性' }, reds: 1,
    requestedBy: { username: 'admin-b', role: 'admin', at: new Date(T0 + MIN).toISOString() }, confirmationsNeeded: 1, confirmations: [], decidedAt: null, rejectReason: null
  })
  const stored = await ctx.app.store.db.select().from(ctx.app.store.t.changes)
  t.notOk(JSON.stringify(stored).includes('陈静'), 'the payload is stored encrypted')

  const done = await confirm(ctx, c.second, changeId)
  t.equal(done.statusCode, 200, done.body)
  t.same(Object.keys(done.json()), ['caseId'], 'the answer POST /v1/cases gave before four eyes')
  const caseId = done.json().caseId as string
  t.equal(await colorOf(ctx, r.token), 'red', 'red once a proper second officer confirmed')
  refused(t, await confirm(ctx, c.third, changeId), 409, 'already applied', 'confirming an applied change')
  t.same(await pending(ctx, c.second), [], 'nothing waits any more')
  const applied = (await ctx.inject({ method: 'GET', url: '/v1/changes?status=applied', headers: bearerOf(c.second) })).json().changes
  t.match(applied, [{ changeId, status: 'applied', confirmations: [{ username: 'officer-second', role: 'officer' }], decidedAt: new Date(T0 + 2 * MIN).toISOString() }])

  // The resident sees roles; staff see usernames.
  const status = (await ctx.inject({ method: 'GET', url: '/v1/me/status', headers: bearerOf(r.token) })).json()
  t.match(status.history.at(-1), { color: 'red', rule: 'case_confirmed', actor: 'admin, confirmed by officer' })
  t.notOk(JSON.stringify(status).match(/admin-b|officer-second/), 'no username in the resident\'s status')
  const view = (await ctx.inject({ method: 'GET', url: `/v1/cases/${caseId}`, headers: bearerOf(c.third) })).json()
  t.equal(view.openedBy, 'admin-b+officer-second', 'the case view names both by username')

  // The audit shows who asked and who confirmed; the resident's access log shows roles only.
  const audit = (await ctx.inject({ method: 'GET', url: '/v1/audit?limit=20', headers: bearerOf(c.admin) })).json().entries as Array<Record<string, string>>
  const about = audit.filter((e) => e.target === r.personId).map((e) => [e.actor, e.role, e.action])
  t.same(about.slice(0, 4), [['officer-third', 'officer', 'case.read'], ['admin-b', 'admin', 'case.opened'], ['officer-second', 'officer', 'change.confirmed'], ['admin-b', 'admin', 'change.requested']])
  t.match(audit.find((e) => e.action === 'change.confirmed')?.purpose, `change ${changeId}: case.open of case ${caseId}, confirmation 1 of 1, applied`)
  const log = (await ctx.inject({ method: 'GET', url: '/v1/me/access-log', headers: bearerOf(r.token) })).json().entries as Array<Record<string, string>>
  t.same(log.map((e) => [e.role, e.action]), [['officer', 'case.read'], ['admin', 'case.opened'], ['officer', 'change.confirmed'], ['admin', 'change.requested']])
  t.notOk(JSON.stringify(log).match(/admin-b|officer-second/), 'no username in the resident\'s access log')
})

eachDb('marking contacts and closing a case wait for a proper second officer too', async (t, ctx) => {
  const c = await cast(ctx)
  const index = await ctx.resident()
  const contact = await ctx.resident()
  const secondary = await ctx.resident()
  const caseId = (await ctx.confirm((await post(ctx, c.author, '/v1/cases', { personId: index.personId, note: 'n' })).json().changeId as string)).json().caseId as string

  /** The author, an account created after the request and the author's own creation are refused; then `second` confirms. */
  const guarded = async (asked: LightMyRequestResponse, action: string, target: { token: string }, before: string, after: string) => {
    t.equal(asked.statusCode, 202, `${action}: ${asked.body}`)
    t.match(asked.json(), { status: 'pending', action })
    const id = asked.json().changeId as string
    refused(t, await confirm(ctx, c.author, id), 403, 'author', `${action}: the author`)
    ctx.clock.advance(MIN)
    const late = await ctx.staff('officer')
    refused(t, await confirm(ctx, late, id), 403, 'created after', `${action}: an officer created after`)
    t.equal(await colorOf(ctx, target.token), before, `${action}: nothing changed while pending`)
    const done = await confirm(ctx, c.second, id)
    t.equal(done.statusCode, 200, done.body)
    t.equal(await colorOf(ctx, target.token), after, `${action}: applied by the second officer`)
    return done.json()
  }

  const d1 = await guarded(await post(ctx, c.author, `/v1/cases/${caseId}/contacts`, { personIds: [contact.personId], degree: 1 }), 'case.contacts', contact, 'green', 'red')
  t.match(d1, { updated: [{ personId: contact.personId, color: 'red' }] }, 'the answer marking gave before four eyes')
  const d2 = await guarded(await post(ctx, c.author, `/v1/cases/${caseId}/contacts`, { personIds: [secondary.personId], degree: 2 }), 'case.contacts', secondary, 'green', 'yellow')
  t.match(d2, { updated: [{ personId: secondary.personId, color: 'yellow' }] })
  // Asked for before the case is closed, confirmed after: refused then (409), and it stays pending until rejected.
  const stale = await post(ctx, c.author, `/v1/cases/${caseId}/contacts`, { personIds: [secondary.personId], degree: 1 })
  t.equal(stale.statusCode, 202)
  const closed = await guarded(await post(ctx, c.author, `/v1/cases/${caseId}/close`, { note: '治愈' }), 'case.close', index, 'red', 'green')
  t.match(closed, { caseId, closedBy: 'officer-author+officer-second', closeNote: '治愈' })
  const history = (await ctx.inject({ method: 'GET', url: '/v1/me/status', headers: bearerOf(index.token) })).json().history
  t.same(history.map((h: { color: string, actor: string }) => [h.color, h.actor]), [['green', 'system'], ['red', 'officer, confirmed by officer'], ['green', 'officer, confirmed by officer']])

  const staleId = stale.json().changeId as string
  refused(t, await confirm(ctx, c.second, staleId), 409, 'closed', 'confirming a mark on a case closed meanwhile')
  t.equal(await colorOf(ctx, secondary.token), 'yellow', 'not marked red')
  t.match(await pending(ctx, c.second), [{ changeId: staleId }], 'still pending')
  t.equal((await reject(ctx, c.second, staleId, { reason: 'the case is closed' })).statusCode, 200)
  refused(t, await post(ctx, c.author, `/v1/cases/${caseId}/contacts`, { personIds: [secondary.personId], degree: 1 }), 409, 'closed', 'a closed case takes no marks: refused at once')
})

eachDb('manual changes to or from red: the same confirmer rules on their own path', async (t, ctx) => {
  const c = await cast(ctx)
  const r = await ctx.resident()
  const url = `/v1/people/${r.personId}/status`
  const asked = await post(ctx, c.adminB, url, { color: 'red', reason: 'PCR positive' })
  t.equal(asked.statusCode, 202, asked.body)
  t.match(asked.json(), { status: 'pending', action: 'status.set', state: 'pending', color: 'red' })
  const id = asked.json().changeId as string
  t.match(await pending(ctx, c.second), [{ changeId: id, action: 'status.set', payload: { color: 'red', reason: 'PCR positive' } }], 'listed with the other changes')
  refused(t, await post(ctx, c.adminB, `${url}/${id}/confirm`), 403, 'author', 'the author')
  refused(t, await post(ctx, c.stooge, `${url}/${id}/confirm`), 403, 'created by the author', 'an officer the author created')
  ctx.clock.advance(MIN)
  refused(t, await post(ctx, await ctx.staff('officer'), `${url}/${id}/confirm`), 403, 'created after', 'an officer created after')
  t.equal(await colorOf(ctx, r.token), 'green')
  const done = await post(ctx, c.second, `${url}/${id}/confirm`)
  t.equal(done.statusCode, 200, done.body)
  t.equal(done.json().color, 'red')
  t.equal(await colorOf(ctx, r.token), 'red')
  const row = (await ctx.app.store.db.select().from(ctx.app.store.t.statusChanges)).find((x) => x.id === id)
  t.match(row, { state: 'applied', requestedBy: 'admin-b', confirmedBy: 'officer-second' }, 'its status_changes row records both')

  // The generic path confirms manual changes too; a case's change is not found on the status path.
  const back = await post(ctx, c.author, url, { color: 'green', reason: 'negative twice' })
  t.equal(back.statusCode, 202)
  t.equal((await ctx.confirm(back.json().changeId as string)).json().color, 'green')
  const other = await ctx.resident()
  const caseAsked = await post(ctx, c.author, '/v1/cases', { personId: other.personId, note: 'n' })
  refused(t, await post(ctx, c.second, `/v1/people/${other.personId}/status/${caseAsked.json().changeId as string}/confirm`), 404, 'changeId', 'a case change on the status path')
})

eachDb('rejecting: a reason is required, stored encrypted and audited; nothing is applied', async (t, ctx) => {
  const c = await cast(ctx)
  const r = await ctx.resident()
  const asked = await post(ctx, c.author, '/v1/cases', { personId: r.personId, note: 'n' })
  const id = asked.json().changeId as string
  refused(t, await reject(ctx, c.second, id), 400, 'body', 'no reason')
  refused(t, await reject(ctx, c.second, id, { reason: 'x' }), 400, 'reason', 'too short a reason')
  refused(t, await reject(ctx, c.second, 'no-such-change', { reason: 'not this one' }), 404, 'changeId', 'unknown change')
  const rejected = await reject(ctx, c.second, id, { reason: '身份证号对不上：王某某' })
  t.equal(rejected.statusCode, 200, rejected.body)
  t.match(rejected.json(), { changeId: id, status: 'rejected', rejectReason: '身份证号对不上：王某某', decidedAt: new Date(T0 + MIN).toISOString() })
  t.equal(await colorOf(ctx, r.token), 'green', 'nothing applied')
  refused(t, await confirm(ctx, c.third, id), 409, 'rejected', 'confirming a rejected change')
  refused(t, await reject(ctx, c.third, id, { reason: 'again' }), 409, 'rejected', 'rejecting twice')
  const stored = await ctx.app.store.db.select().from(ctx.app.store.t.changes)
  t.notOk(JSON.stringify(stored).includes('王某某'), 'the reason is stored encrypted')
  const audit = (await ctx.inject({ method: 'GET', url: '/v1/audit?limit=5', headers: bearerOf(c.admin) })).json().entries
  t.match(audit.find((e: { action: string }) => e.action === 'change.rejected'), { actor: 'officer-second', role: 'officer', target: r.personId })
  t.notOk(JSON.stringify(audit).includes('王某某'), 'the reason is not in the audit log (the resident reads its purposes)')
  t.match((await ctx.inject({ method: 'GET', url: '/v1/changes?status=rejected', headers: bearerOf(c.second) })).json().changes, [{ changeId: id, rejectReason: '身份证号对不上：王某某' }])

  // The author may withdraw their own request; a rejected manual change settles its status_changes row.
  const again = await post(ctx, c.author, '/v1/cases', { personId: r.personId, note: 'n' })
  t.equal(again.statusCode, 202, 'a rejected request does not block a new one')
  t.equal((await reject(ctx, c.author, again.json().changeId as string, { reason: 'wrong person' })).statusCode, 200, 'the author withdraws')
  const manual = await post(ctx, c.author, `/v1/people/${r.personId}/status`, { color: 'red', reason: 'PCR positive' })
  t.equal((await reject(ctx, c.second, manual.json().changeId as string, { reason: 'the test was of someone else' })).statusCode, 200)
  t.match((await ctx.app.store.db.select().from(ctx.app.store.t.statusChanges))[0], { state: 'rejected' })
  t.equal(await colorOf(ctx, r.token), 'green')
})

eachDb('the daily reds: past the limit a third person must confirm; counted in /metrics; a new Asia/Shanghai day starts afresh', async (t, ctx) => {
  const c = await cast(ctx)
  const [p1, p2, p3, p4, p5] = [await ctx.resident(), await ctx.resident(), await ctx.resident(), await ctx.resident(), await ctx.resident()]
  const open = await post(ctx, c.author, '/v1/cases', { personId: p1.personId, note: 'n' })
  t.match(open.json(), { confirmationsNeeded: 1 }, '1 red of 2')
  t.match(await metric(ctx, 'gridpass_changes_pending'), /gridpass_changes_pending 1/)
  const caseId = (await confirm(ctx, c.second, open.json().changeId as string)).json().caseId as string
  const yellow = await post(ctx, c.author, `/v1/cases/${caseId}/contacts`, { personIds: [p4.personId], degree: 2 })
  t.match(yellow.json(), { confirmationsNeeded: 1 }, 'yellow marks are not reds')
  const withdrawn = await post(ctx, c.author, `/v1/cases/${caseId}/contacts`, { personIds: [p2.personId, p3.personId, p5.personId], degree: 1 })
  t.match(withdrawn.json(), { confirmationsNeeded: 2 }, '4 reds of 2')
  await reject(ctx, c.author, withdrawn.json().changeId as string, { reason: 'too many, split it' })

  const marked = await post(ctx, c.author, `/v1/cases/${caseId}/contacts`, { personIds: [p2.personId, p3.personId], degree: 1 })
  t.equal(marked.statusCode, 202)
  t.match(marked.json(), { confirmationsNeeded: 2 }, 'a rejected change does not count, this one takes the author to 3 of 2')
  t.match(await metric(ctx, 'gridpass_four_eyes_over_limit_total'), /gridpass_four_eyes_over_limit_total\{action="case.contacts"\} 2/)
  const id = marked.json().changeId as string
  const first = await confirm(ctx, c.second, id)
  t.equal(first.statusCode, 202, first.body)
  t.match(first.json(), { changeId: id, status: 'pending', action: 'case.contacts', confirmationsNeeded: 2, confirmations: 1 })
  t.equal(await colorOf(ctx, p2.token), 'green', 'one confirmation is not enough')
  refused(t, await confirm(ctx, c.second, id), 403, 'already', 'the same confirmer twice')
  refused(t, await confirm(ctx, c.author, id), 403, 'author', 'the author')
  const waiting = await pending(ctx, c.third)
  t.same(waiting.map((w) => w.changeId).sort(), [id, yellow.json().changeId].sort(), 'both wait')
  t.match(waiting.find((w) => w.changeId === id), { confirmationsNeeded: 2, confirmations: [{ username: 'officer-second', role: 'officer' }] })
  const second = await confirm(ctx, c.third, id)
  t.equal(second.statusCode, 200, second.body)
  t.match(second.json(), { updated: [{ color: 'red' }, { color: 'red' }] })
  t.equal(await colorOf(ctx, p2.token), 'red')
  const history = (await ctx.inject({ method: 'GET', url: '/v1/me/status', headers: bearerOf(p2.token) })).json().history
  t.equal(history.at(-1).actor, 'officer, confirmed by officer and officer', 'the resident sees the three roles')

  // 16:00 UTC is midnight in Shanghai: T0 is 16:00 there, so the next day starts 8 hours after T0.
  const dayStart = T0 + 8 * H
  ctx.clock.set(dayStart - 1)
  const late = await post(ctx, await login(ctx, 'officer-author'), `/v1/cases/${caseId}/contacts`, { personIds: [p5.personId], degree: 1 })
  t.match(late.json(), { confirmationsNeeded: 2 }, '23:59:59.999 in Shanghai: the same day')
  ctx.clock.set(dayStart)
  const fresh = await post(ctx, await login(ctx, 'officer-author'), `/v1/cases/${caseId}/contacts`, { personIds: [p5.personId], degree: 1 })
  t.match(fresh.json(), { confirmationsNeeded: 1 }, 'a new day in Shanghai')
  const others = await post(ctx, await login(ctx, 'officer-second'), '/v1/people/' + p4.personId + '/status', { color: 'red', reason: 'PCR positive' })
  t.match(others.json(), { confirmationsNeeded: 1 }, 'each author has a limit of their own')
  t.match(await metric(ctx, 'gridpass_changes_pending'), /gridpass_changes_pending 4/)
}, { config: { fourEyesDailyReds: 2 } })

eachDb('races: of two confirmations at once exactly one applies, once; a confirmation racing a rejection', async (t, ctx) => {
  const c = await cast(ctx)
  // PostgreSQL: a second copy of the service on the same database, as production runs several (SQLite runs one).
  const copy = ctx.dialect === 'pg' ? await makeCtx(t, 'pg', { share: ctx }) : ctx
  const index = await ctx.resident()
  const contact = await ctx.resident()
  const opened = await post(ctx, c.author, '/v1/cases', { personId: index.personId, note: 'n' })
  const answers = await Promise.all([confirm(ctx, c.second, opened.json().changeId as string), confirm(copy, c.third, opened.json().changeId as string)])
  t.same(answers.map((a) => a.statusCode).sort(), [200, 409], answers.map((a) => a.body).join(' | '))
  const cases = await ctx.app.store.db.select().from(ctx.app.store.t.cases)
  t.equal(cases.length, 1, 'one case')
  const caseId = cases[0]?.id as string

  const marked = await post(ctx, c.author, `/v1/cases/${caseId}/contacts`, { personIds: [contact.personId], degree: 1 })
  const both = await Promise.all([confirm(copy, c.second, marked.json().changeId as string), confirm(ctx, c.third, marked.json().changeId as string)])
  t.same(both.map((a) => a.statusCode).sort(), [200, 409])
  const entries = (await ctx.app.store.db.select().from(ctx.app.store.t.statusEntries)).filter((e) => e.personId === contact.personId)
  t.equal(entries.length, 1, 'one close_contact entry, not two')
  const audit = (await ctx.inject({ method: 'GET', url: '/v1/audit?limit=100', headers: bearerOf(c.admin) })).json().entries as Array<{ action: string }>
  t.equal(audit.filter((e) => e.action === 'case.contact_marked').length, 1, 'audited once')
  t.equal(audit.filter((e) => e.action === 'change.confirmed').length, 2, 'one confirmation recorded per change')

  const closing = await post(ctx, c.author, `/v1/cases/${caseId}/close`)
  const raced = await Promise.all([confirm(ctx, c.second, closing.json().changeId as string), reject(copy, c.third, closing.json().changeId as string, { reason: 'not yet cured' })])
  t.same(raced.map((a) => a.statusCode).sort(), [200, 409], 'a confirmation and a rejection: one wins')
  const state = (await ctx.app.store.db.select().from(ctx.app.store.t.changes)).find((x) => x.id === closing.json().changeId)?.state
  t.equal(await colorOf(ctx, index.token), state === 'applied' ? 'green' : 'red', `the colour follows the winner (${state})`)
})

// The resident page names who set a colour by role, in Chinese, never by username.
const lookup = (key: string): unknown => key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], messages['zh-CN'])
const tZh = (key: string, values: Record<string, unknown> = {}): string => (lookup(key) as string).replace(/\{(\w+)\}/g, (_, k: string) => String(values[k]))
const teZh = (key: string): boolean => typeof lookup(key) === 'string'
t.test('the resident page words for who set a colour', async (t) => {
  t.equal(actorWords(tZh, teZh, 'self-declaration'), '本人申报')
  t.equal(actorWords(tZh, teZh, 'officer'), '卫生健康人员')
  t.equal(actorWords(tZh, teZh, 'admin, confirmed by officer'), '管理员（经卫生健康人员复核）')
  t.equal(actorWords(tZh, teZh, 'officer, confirmed by officer and admin'), '卫生健康人员（经卫生健康人员、管理员复核）')
  t.equal(actorWords(tZh, teZh, 'alice+bob'), '工作人员', 'an old entry\'s usernames are never shown')
})

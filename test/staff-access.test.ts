// Staff access withdrawn at once: admins list, change, disable and enable accounts and set passwords; staff change
// their own password and log out everywhere; each ends the sessions it must, on every copy within 5 s, and is audited.
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { bearerOf, dialects, eachDb, makeCtx, type Ctx, type Test } from './helper.ts'

const PASSWORD = 'staff-password-123'
const ENDED = /your account was disabled or your session was ended; log in again/
/** The 5-second rule with a margin for a loaded machine: a copy that still accepts the token after this fails. */
const WITHIN_MS = 6_000

async function login (ctx: Ctx, username: string, password = PASSWORD) {
  return ctx.inject({ method: 'POST', url: '/v1/auth/login', payload: { username, password } })
}
async function tokenOf (ctx: Ctx, username: string, password = PASSWORD): Promise<string> {
  const res = await login(ctx, username, password)
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`)
  return res.json().accessToken as string
}
async function userId (ctx: Ctx, username: string): Promise<string> {
  const res = await ctx.inject({ method: 'GET', url: '/v1/users', headers: bearerOf(await ctx.admin()) })
  const user = (res.json().users as Array<{ id: string, username: string }>).find((u) => u.username === username)
  if (user === undefined) throw new Error(`no user ${username}`)
  return user.id
}
async function patch (ctx: Ctx, id: string, payload: Record<string, unknown>, token?: string) {
  return ctx.inject({ method: 'PATCH', url: `/v1/users/${id}`, headers: bearerOf(token ?? await ctx.admin()), payload })
}
async function auditActions (ctx: Ctx): Promise<Array<{ action: string, actor: string, target: string | null, purpose: string | null }>> {
  const res = await ctx.inject({ method: 'GET', url: '/v1/audit?limit=1000', headers: bearerOf(await ctx.admin()) })
  return res.json().entries
}
const me = (ctx: Ctx, token: string) => ctx.inject({ method: 'GET', url: '/v1/me/account', headers: bearerOf(token) })
function refused (test: Test, res: { statusCode: number, body: string, json: () => { code: string, message: string } }, what: string): void {
  test.equal(res.statusCode, 401, `${what}: ${res.body}`)
  test.equal(res.json().code, 'GP_UNAUTHENTICATED', what)
  test.match(res.json().message, ENDED, `${what}: says the session was ended`)
}
/** A person with one scan, and a purpose to read their trail with. */
async function trailOf (ctx: Ctx): Promise<string> {
  const resident = await ctx.resident()
  return `/v1/people/${resident.personId}/trail?purpose=case-42`
}
const scan = (ctx: Ctx, token: string, checkpointId: string) =>
  ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(token), payload: { id: randomUUID(), token: 'not-a-code', checkpointId } })

eachDb('an admin lists staff accounts, without password hashes', async (t, ctx) => {
  const cp = await ctx.checkpoint()
  await ctx.staff('volunteer', { username: 'vol-list', checkpointIds: [cp] })
  const res = await ctx.inject({ method: 'GET', url: '/v1/users', headers: bearerOf(await ctx.admin()) })
  t.equal(res.statusCode, 200, res.body)
  t.equal(res.headers['cache-control'], 'no-store')
  const users = res.json().users as Array<Record<string, unknown>>
  t.same(users.map((u) => u.username), ['admin', 'vol-list'], 'every account, by username')
  const vol = users[1] as Record<string, unknown>
  t.match(vol, { role: 'volunteer', checkpointIds: [cp], gridIds: [], disabled: false, disabledAt: null, createdAt: '2026-03-01T08:00:00.000Z', createdBy: users[0]?.id })
  t.notOk(/password|hash|scrypt/i.test(res.body), 'no password hash in the answer')
})

eachDb('a role change ends the sessions of the account; the new role needs a new login', async (t, ctx) => {
  const tracer = await ctx.staff('tracer', { username: 'tracer-role' })
  const id = await userId(ctx, 'tracer-role')
  const trail = await trailOf(ctx)
  t.equal((await ctx.inject({ method: 'GET', url: trail, headers: bearerOf(tracer) })).statusCode, 200, 'the tracer reads a trail')
  const changed = await patch(ctx, id, { role: 'volunteer' })
  t.equal(changed.statusCode, 200, changed.body)
  t.equal(changed.json().role, 'volunteer')
  refused(t, await ctx.inject({ method: 'GET', url: trail, headers: bearerOf(tracer) }), 'the old tracer token reads no trail')
  const again = await tokenOf(ctx, 'tracer-role')
  t.equal((await me(ctx, again)).json().role, 'volunteer', 'a new login carries the new role')
  t.equal((await ctx.inject({ method: 'GET', url: trail, headers: bearerOf(again) })).statusCode, 403, 'a volunteer reads no trail')
  const entry = (await auditActions(ctx)).find((e) => e.action === 'user.role_changed')
  t.match(entry, { actor: 'admin', target: id, purpose: 'role tracer → volunteer' }, 'audited with the roles')
})

eachDb('a disabled user is refused at once and cannot log in; enabled again, they can', async (t, ctx) => {
  const tracer = await ctx.staff('tracer', { username: 'tracer-off' })
  const id = await userId(ctx, 'tracer-off')
  const trail = await trailOf(ctx)
  t.equal((await ctx.inject({ method: 'GET', url: trail, headers: bearerOf(tracer) })).statusCode, 200)
  const off = await patch(ctx, id, { disabled: true })
  t.equal(off.statusCode, 200, off.body)
  t.match(off.json(), { disabled: true, disabledAt: '2026-03-01T08:00:00.000Z' })
  refused(t, await ctx.inject({ method: 'GET', url: trail, headers: bearerOf(tracer) }), 'a disabled tracer reads no trail')
  refused(t, await me(ctx, tracer), 'nor anything else')
  const denied = await login(ctx, 'tracer-off')
  t.equal(denied.statusCode, 401, denied.body)
  t.match(denied.json().message, /disabled/, 'login says the account is disabled')
  const on = await patch(ctx, id, { disabled: false })
  t.match(on.json(), { disabled: false, disabledAt: null })
  refused(t, await me(ctx, tracer), 'enabling does not bring the old session back')
  const fresh = await tokenOf(ctx, 'tracer-off')
  t.equal((await ctx.inject({ method: 'GET', url: trail, headers: bearerOf(fresh) })).statusCode, 200, 'a new login works')
  const actions = (await auditActions(ctx)).filter((e) => e.target === id).map((e) => e.action)
  t.ok(actions.includes('user.disabled') && actions.includes('user.enabled'), `audited: ${actions.join(', ')}`)
})

eachDb('a volunteer whose checkpoint is taken away is refused a scan there; scope changes are audited', async (t, ctx) => {
  const grid = await ctx.grid()
  const [a, b] = [await ctx.checkpoint(), await ctx.checkpoint({ name: '清江卡口' })]
  const vol = await ctx.staff('volunteer', { username: 'vol-scope', checkpointIds: [a as string] })
  const id = await userId(ctx, 'vol-scope')
  t.equal((await scan(ctx, vol, a as string)).statusCode, 200, 'scans at the assigned checkpoint')
  t.equal((await scan(ctx, vol, b as string)).statusCode, 403, 'not at another')
  const moved = await patch(ctx, id, { checkpointIds: [b], gridIds: [grid] })
  t.equal(moved.statusCode, 200, moved.body)
  t.match(moved.json(), { checkpointIds: [b], gridIds: [grid] })
  const there = await scan(ctx, vol, a as string)
  t.equal(there.statusCode, 403, `refused at the checkpoint taken away: ${there.body}`)
  t.equal((await scan(ctx, vol, b as string)).statusCode, 200, 'the same session scans at the new one (a scope change ends no session)')
  const bad = await patch(ctx, id, { checkpointIds: ['no-such-checkpoint'] })
  t.equal(bad.statusCode, 400)
  t.match(bad.json().message, /body\.checkpointIds: unknown checkpoints: no-such-checkpoint/)
  t.equal((await patch(ctx, id, {})).statusCode, 400, 'an empty change is refused')
  t.equal((await patch(ctx, id, { username: 'x' })).statusCode, 400, 'the username is not changed here')
  t.equal((await patch(ctx, 'no-such-user', { disabled: true })).statusCode, 404)
  const entry = (await auditActions(ctx)).find((e) => e.action === 'user.scope_changed')
  t.match(entry, { target: id, purpose: `checkpoints +${b as string} −${a as string}; grids +${grid}` }, 'audited with what was added and removed')
})

eachDb('logout ends this session and every other of the same user, and is audited', async (t, ctx) => {
  const first = await ctx.staff('officer', { username: 'off-out' })
  const second = await tokenOf(ctx, 'off-out')
  const other = await ctx.staff('officer', { username: 'off-stays' })
  const out = await ctx.inject({ method: 'POST', url: '/v1/auth/logout', headers: bearerOf(second) })
  t.equal(out.statusCode, 204, out.body)
  refused(t, await me(ctx, second), 'the session that logged out')
  refused(t, await me(ctx, first), 'the same user\'s other session')
  t.equal((await me(ctx, other)).statusCode, 200, 'another user stays signed in')
  refused(t, await ctx.inject({ method: 'POST', url: '/v1/auth/logout', headers: bearerOf(second) }), 'a second logout with the ended token')
  t.equal((await me(ctx, await tokenOf(ctx, 'off-out'))).statusCode, 200, 'logging in again works')
  const entry = (await auditActions(ctx)).find((e) => e.action === 'auth.logout')
  t.match(entry, { actor: 'off-out', target: await userId(ctx, 'off-out') })
  const resident = await ctx.resident({ profile: false })
  t.equal((await ctx.inject({ method: 'POST', url: '/v1/auth/logout', headers: bearerOf(resident.token) })).statusCode, 403, 'residents have no server-side logout')
})

eachDb('a password change ends the old sessions, by the user or by an admin', async (t, ctx) => {
  const first = await ctx.staff('gridworker', { username: 'gw-pw' })
  const second = await tokenOf(ctx, 'gw-pw')
  const id = await userId(ctx, 'gw-pw')
  const change = (token: string, payload: Record<string, unknown>) => ctx.inject({ method: 'POST', url: '/v1/me/password', headers: bearerOf(token), payload })

  const wrong = await change(first, { currentPassword: 'not-my-password', newPassword: 'a-new-password-1' })
  t.equal(wrong.statusCode, 400, wrong.body)
  t.match(wrong.json().message, /body\.currentPassword: is not your current password/)
  const short = await change(first, { currentPassword: PASSWORD, newPassword: 'short' })
  t.equal(short.statusCode, 400)
  t.match(short.json().message, /body\.newPassword/)
  t.equal((await me(ctx, first)).statusCode, 200, 'a refused change ends nothing')

  const ok = await change(first, { currentPassword: PASSWORD, newPassword: 'a-new-password-1' })
  t.equal(ok.statusCode, 204, ok.body)
  refused(t, await me(ctx, first), 'the session that changed it')
  refused(t, await me(ctx, second), 'another session of the user')
  t.equal((await login(ctx, 'gw-pw')).statusCode, 401, 'the old password no longer logs in')
  const third = await tokenOf(ctx, 'gw-pw', 'a-new-password-1')

  const reset = await ctx.inject({ method: 'POST', url: `/v1/users/${id}/password`, headers: bearerOf(await ctx.admin()), payload: { password: 'set-by-the-admin' } })
  t.equal(reset.statusCode, 204, reset.body)
  refused(t, await me(ctx, third), 'a reset by an admin ends the sessions too')
  t.equal((await login(ctx, 'gw-pw', 'a-new-password-1')).statusCode, 401)
  t.equal((await me(ctx, await tokenOf(ctx, 'gw-pw', 'set-by-the-admin'))).statusCode, 200, 'the new password logs in')
  const tooShort = await ctx.inject({ method: 'POST', url: `/v1/users/${id}/password`, headers: bearerOf(await ctx.admin()), payload: { password: '123456789' } })
  t.equal(tooShort.statusCode, 400, 'at least 10 characters')

  const entries = (await auditActions(ctx)).filter((e) => e.action === 'user.password_changed')
  t.same(entries.map((e) => [e.actor, e.target, e.purpose]), [['admin', id, 'set by an admin'], ['gw-pw', id, 'changed by the user']], 'both audited, newest first; no password in them')
})

eachDb('admins cannot lock themselves out; non-admins cannot manage accounts', async (t, ctx) => {
  const admin = await ctx.admin()
  const adminId = await userId(ctx, 'admin')
  const self = await patch(ctx, adminId, { disabled: true })
  t.equal(self.statusCode, 409, self.body)
  t.match(self.json().message, /you cannot disable your own account/)
  const demote = await patch(ctx, adminId, { role: 'officer' })
  t.equal(demote.statusCode, 409)
  t.match(demote.json().message, /you cannot change your own role/)
  t.equal((await me(ctx, admin)).statusCode, 200, 'still signed in, still an admin')
  t.equal((await patch(ctx, adminId, { checkpointIds: [] })).statusCode, 200, 'an admin may change their own assignments')

  const officer = await ctx.staff('officer')
  // Two admins disabling each other at once: one wins, the other is refused; an enabled admin always remains.
  await ctx.staff('admin', { username: 'admin-two' })
  const twoId = await userId(ctx, 'admin-two')
  const two = await tokenOf(ctx, 'admin-two')
  const answers = await Promise.all([patch(ctx, twoId, { disabled: true }, admin), patch(ctx, adminId, { disabled: true }, two)])
  const codes = answers.map((r) => r.statusCode).sort()
  t.equal(codes[0], 200, `one disable wins: ${answers.map((r) => r.body).join(' | ')}`)
  t.ok([401, 409].includes(codes[1] as number), `the other is refused (the last enabled admin, or its author already disabled): ${codes[1]}`)
  const loser = answers.find((r) => r.statusCode === 409)
  if (loser !== undefined) t.match(loser.json().message, /is the last enabled admin; make another admin first/)
  const winner = answers[0]?.statusCode === 200 ? admin : two
  const list = (await ctx.inject({ method: 'GET', url: '/v1/users', headers: bearerOf(winner) })).json().users as Array<{ role: string, disabled: boolean }>
  t.equal(list.filter((u) => u.role === 'admin' && !u.disabled).length, 1, 'one enabled admin remains')

  for (const [method, url, payload] of [['GET', '/v1/users', undefined], ['PATCH', `/v1/users/${adminId}`, { disabled: true }], ['POST', `/v1/users/${adminId}/password`, { password: 'taken-over-123' }]] as const) {
    const res = await ctx.inject({ method, url, headers: bearerOf(officer), ...(payload !== undefined ? { payload } : {}) })
    t.equal(res.statusCode, 403, `officer: ${method} ${url}`)
    t.equal(res.json().code, 'GP_FORBIDDEN')
  }
})

/**
 * Polls until the request gets `want` (any other answer than `meanwhile` fails at once), and fails when it has not
 * after WITHIN_MS: the 5-second rule with a margin for a loaded machine. Real time: the caches use Date.now.
 */
async function answersWithin (test: Test, what: string, call: () => Promise<{ statusCode: number, body: string }>, want: number, meanwhile: number): Promise<void> {
  const start = Date.now()
  for (;;) {
    const res = await call()
    if (res.statusCode === want) { test.pass(`${what}: ${want} after ${Date.now() - start} ms`); return }
    if (res.statusCode !== meanwhile) { test.fail(`${what}: ${res.statusCode} ${res.body}`); return }
    if (Date.now() - start > WITHIN_MS) { test.fail(`${what}: still ${meanwhile} after ${WITHIN_MS} ms`); return }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
const refusedWithin = async (test: Test, what: string, call: () => Promise<{ statusCode: number, body: string }>, status: number): Promise<void> =>
  answersWithin(test, what, call, status, 200)

for (const dialect of dialects().filter((d) => d === 'pg')) {
  void t.test(`two copies on one PostgreSQL refuse withdrawn access within 5 s [${dialect}]`, async (t) => {
    const one = await makeCtx(t, dialect)
    const two = await makeCtx(t, dialect, { share: one })
    const copies: Array<[string, Ctx]> = [['the copy that made the change', one], ['the other copy', two]]
    const cp = await one.checkpoint()
    const trail = await trailOf(one)
    const vol = await one.staff('volunteer', { username: 'vol-copies', checkpointIds: [cp] })
    let tracer = await one.staff('tracer', { username: 'tracer-copies' })
    let officer = await one.staff('officer', { username: 'officer-copies' })
    const warm = async (): Promise<void> => {
      // Every copy has each account's state in memory right before the change: the worst case.
      // A copy may still hold the state from before the account was enabled again: that too counts within 5 s.
      for (const [name, ctx] of copies) {
        t.equal((await scan(ctx, vol, cp)).statusCode, 200)
        await answersWithin(t, `tracer reads a trail on ${name}`, () => ctx.inject({ method: 'GET', url: trail, headers: bearerOf(tracer) }), 200, 401)
        await answersWithin(t, `officer signed in on ${name}`, () => me(ctx, officer), 200, 401)
      }
    }

    await warm()
    t.equal((await patch(one, await userId(one, 'officer-copies'), { disabled: true })).statusCode, 200)
    await Promise.all(copies.map(async ([name, ctx]) => { await refusedWithin(t, `disabled officer on ${name}`, () => me(ctx, officer), 401) }))
    t.equal((await patch(one, await userId(one, 'officer-copies'), { disabled: false })).statusCode, 200)
    officer = await tokenOf(one, 'officer-copies')

    await warm()
    t.equal((await patch(one, await userId(one, 'tracer-copies'), { role: 'officer' })).statusCode, 200)
    await Promise.all(copies.map(async ([name, ctx]) => { await refusedWithin(t, `tracer made officer reading a trail on ${name}`, () => ctx.inject({ method: 'GET', url: trail, headers: bearerOf(tracer) }), 401) }))
    t.equal((await patch(one, await userId(one, 'tracer-copies'), { role: 'tracer' })).statusCode, 200)
    tracer = await tokenOf(one, 'tracer-copies')

    await warm()
    t.equal((await patch(one, await userId(one, 'tracer-copies'), { disabled: true })).statusCode, 200)
    await Promise.all(copies.map(async ([name, ctx]) => { await refusedWithin(t, `disabled tracer reading a trail on ${name}`, () => ctx.inject({ method: 'GET', url: trail, headers: bearerOf(tracer) }), 401) }))
    t.equal((await patch(one, await userId(one, 'tracer-copies'), { disabled: false })).statusCode, 200)
    tracer = await tokenOf(one, 'tracer-copies')

    await warm()
    t.equal((await patch(one, await userId(one, 'vol-copies'), { checkpointIds: [] })).statusCode, 200)
    await Promise.all(copies.map(async ([name, ctx]) => { await refusedWithin(t, `volunteer scanning at a checkpoint taken away on ${name}`, () => scan(ctx, vol, cp), 403) }))

    // A logout on one copy ends the session on the other too.
    const again = await tokenOf(two, 'vol-copies')
    t.equal((await me(one, again)).statusCode, 200)
    t.equal((await two.inject({ method: 'POST', url: '/v1/auth/logout', headers: bearerOf(again) })).statusCode, 204)
    await refusedWithin(t, 'logged-out volunteer on the copy that did not log out', () => me(one, again), 401)
  })
}

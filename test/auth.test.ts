// Resident OTP login, staff password login, staff accounts, session expiry and the admin bootstrap.
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { ADMIN_PASSWORD, DAY, T0, bearerOf, dialects, eachDb, makeCtx, nextPhone, type Ctx, type Test } from './helper.ts'

const MINUTE = 60_000

const otp = (ctx: Ctx, payload: unknown) => ctx.inject({ method: 'POST', url: '/v1/auth/otp', payload: payload as Record<string, unknown> })
const verify = (ctx: Ctx, phone: string, code: string) => ctx.inject({ method: 'POST', url: '/v1/auth/otp/verify', payload: { phone, code } })
const login = (ctx: Ctx, username: string, password: string) => ctx.inject({ method: 'POST', url: '/v1/auth/login', payload: { username, password } })
/** A six-digit code guaranteed to differ from `code`. */
const wrongCode = (code: string): string => String((Number(code) + 1) % 1_000_000).padStart(6, '0')

async function devCode (t: Test, ctx: Ctx, phone: string): Promise<string> {
  const res = await otp(ctx, { phone })
  t.equal(res.statusCode, 202, res.body)
  return res.json().devCode as string
}

eachDb('OTP request: answer, +86 prefix, bad input', async (t, ctx) => {
  const phone = nextPhone()
  const res = await otp(ctx, { phone })
  t.equal(res.statusCode, 202, res.body)
  t.equal(res.json().sent, true)
  t.match(res.json().devCode, /^[0-9]{6}$/)

  // +86 is the same phone: a code requested with the prefix logs in the person who logs in without it.
  const first = await verify(ctx, phone, res.json().devCode)
  t.equal(first.statusCode, 200, first.body)
  const code86 = await devCode(t, ctx, `+86${phone}`)
  const second = await verify(ctx, phone, code86)
  t.equal(second.statusCode, 200, second.body)
  t.equal(second.json().personId, first.json().personId, '+86 prefix is the same person')
  const code86b = await devCode(t, ctx, phone)
  const third = await verify(ctx, `+86${phone}`, code86b)
  t.equal(third.statusCode, 200, third.body)
  t.equal(third.json().personId, first.json().personId, 'verify with +86 finds the same person')

  const bad: Array<[string, unknown, string]> = [
    ['10 digits', { phone: '1390000000' }, 'phone'],
    ['12 digits', { phone: '139000000001' }, 'phone'],
    ['starts with 2', { phone: '23900000000' }, 'phone'],
    ['letters', { phone: '1390000000a' }, 'phone'],
    ['other country code', { phone: '+8513900000000' }, 'phone'],
    ['missing', {}, 'phone'],
    ['a number, not a string', { phone: 13900000000 }, 'phone'],
    ['extra field', { phone: nextPhone(), email: 'a@b.c' }, 'email']
  ]
  for (const [what, payload, field] of bad) {
    const r = await otp(ctx, payload)
    t.equal(r.statusCode, 400, `${what}: ${r.body}`)
    t.equal(r.json().code, 'GP_VALIDATION', what)
    t.match(r.json().message, field, `${what}: message names ${field}`)
  }

  const text = await ctx.inject({ method: 'POST', url: '/v1/auth/otp', headers: { 'content-type': 'text/plain' }, payload: JSON.stringify({ phone: nextPhone() }) })
  t.equal(text.statusCode, 415, text.body)
  t.equal(text.json().code, 'GP_UNSUPPORTED_MEDIA_TYPE')
  const malformed = await ctx.inject({ method: 'POST', url: '/v1/auth/otp', headers: { 'content-type': 'application/json' }, payload: '{"phone":' })
  t.equal(malformed.statusCode, 400, 'malformed JSON → 400')
  t.equal(malformed.json().code, 'GP_VALIDATION')
})

eachDb('OTP request: at most 5 per phone per 15 minutes', async (t, ctx) => {
  const phone = nextPhone()
  for (let i = 1; i <= 5; i++) {
    ctx.clock.advance(MINUTE)
    const r = await otp(ctx, { phone })
    t.equal(r.statusCode, 202, `request ${i}: ${r.body}`)
  }
  const sixth = await otp(ctx, { phone })
  t.equal(sixth.statusCode, 429, sixth.body)
  t.equal(sixth.json().code, 'GP_RATE_LIMITED')
  t.match(sixth.json().message, 'phone')
  const withPrefix = await otp(ctx, { phone: `+86${phone}` })
  t.equal(withPrefix.statusCode, 429, 'the +86 spelling shares the limit')

  const other = await otp(ctx, { phone: nextPhone() })
  t.equal(other.statusCode, 202, 'another phone is not limited')

  // The first request was at T0+1min: 15 minutes after it, it leaves the window.
  ctx.clock.advance(15 * MINUTE - 4 * MINUTE - 1000)
  const stillLimited = await otp(ctx, { phone })
  t.equal(stillLimited.statusCode, 429, 'one second before the first request leaves the window')
  ctx.clock.advance(1000)
  const again = await otp(ctx, { phone })
  t.equal(again.statusCode, 202, again.body)
  const code = again.json().devCode as string
  const v = await verify(ctx, phone, code)
  t.equal(v.statusCode, 200, 'the code issued after the wait works')
})

eachDb('OTP verify: session, stable opaque personId, single use', async (t, ctx) => {
  const phone = nextPhone()
  const res = await verify(ctx, phone, await devCode(t, ctx, phone))
  t.equal(res.statusCode, 200, res.body)
  const body = res.json()
  t.equal(body.role, 'resident')
  t.type(body.accessToken, 'string')
  t.ok(Number.isInteger(body.expiresIn) && body.expiresIn > 0, 'expiresIn is a positive integer')
  t.match(body.personId, /^[A-Za-z0-9_-]{16,}$/)
  t.notOk(String(body.personId).includes(phone), 'personId does not contain the phone')
  t.notOk(String(body.personId).includes(phone.slice(-8)), 'personId does not contain the phone\'s digits')
  const me = await ctx.inject({ method: 'GET', url: '/v1/me/access-log', headers: bearerOf(body.accessToken) })
  t.equal(me.statusCode, 200, 'the token works')

  const again = await verify(ctx, phone, await devCode(t, ctx, phone))
  t.equal(again.statusCode, 200, again.body)
  t.equal(again.json().personId, body.personId, 'same phone, same person')

  const other = await ctx.resident({ profile: false })
  t.not(other.personId, body.personId, 'another phone, another person')

  // A used code is spent.
  const code = await devCode(t, ctx, phone)
  t.equal((await verify(ctx, phone, code)).statusCode, 200)
  const reuse = await verify(ctx, phone, code)
  t.equal(reuse.statusCode, 401, reuse.body)
  t.equal(reuse.json().code, 'GP_UNAUTHENTICATED')

  // A code for one phone does not log in another.
  const phoneB = nextPhone()
  const codeA = await devCode(t, ctx, phone)
  await devCode(t, ctx, phoneB)
  const cross = await verify(ctx, phoneB, codeA)
  t.equal(cross.statusCode, 401, 'a code is bound to its phone')

  const noCode = await verify(ctx, nextPhone(), '123456')
  t.equal(noCode.statusCode, 401, 'no code requested → 401')
  const badShape = await verify(ctx, phone, '12345')
  t.equal(badShape.statusCode, 400, 'a code that is not 6 digits → 400')
  t.match(badShape.json().message, 'code')
})

eachDb('OTP verify: expiry, attempts, superseded codes', async (t, ctx) => {
  // Five minutes: valid just before, refused just after.
  const p1 = nextPhone()
  const c1 = await devCode(t, ctx, p1)
  ctx.clock.advance(5 * MINUTE + 1000)
  const late = await verify(ctx, p1, c1)
  t.equal(late.statusCode, 401, late.body)
  t.equal(late.json().code, 'GP_UNAUTHENTICATED')
  const p1b = nextPhone()
  const c1b = await devCode(t, ctx, p1b)
  ctx.clock.advance(5 * MINUTE - 1000)
  t.equal((await verify(ctx, p1b, c1b)).statusCode, 200, 'a code one second before its expiry works')

  // Four wrong tries leave the code usable.
  const p2 = nextPhone()
  const c2 = await devCode(t, ctx, p2)
  for (let i = 0; i < 4; i++) {
    const w = await verify(ctx, p2, wrongCode(c2))
    t.equal(w.statusCode, 401, `wrong try ${i + 1}`)
    t.equal(w.json().code, 'GP_UNAUTHENTICATED')
  }
  t.equal((await verify(ctx, p2, c2)).statusCode, 200, 'the right code after 4 wrong tries works')

  // Five burn it.
  const p3 = nextPhone()
  const c3 = await devCode(t, ctx, p3)
  for (let i = 0; i < 5; i++) t.equal((await verify(ctx, p3, wrongCode(c3))).statusCode, 401, `wrong try ${i + 1}`)
  const burnt = await verify(ctx, p3, c3)
  t.equal(burnt.statusCode, 401, 'the right code after 5 wrong tries is refused')
  t.equal(burnt.json().code, 'GP_UNAUTHENTICATED')
  t.equal((await verify(ctx, p3, await devCode(t, ctx, p3))).statusCode, 200, 'a new code works after a burnt one')

  // A new code replaces the old one.
  const p4 = nextPhone()
  const old = await devCode(t, ctx, p4)
  let fresh = await devCode(t, ctx, p4)
  while (fresh === old) fresh = await devCode(t, ctx, p4) // one in a million
  const oldTry = await verify(ctx, p4, old)
  t.equal(oldTry.statusCode, 401, 'the superseded code is refused')
  t.equal((await verify(ctx, p4, fresh)).statusCode, 200, 'the newest code works')
})

eachDb('OTPs are stored hashed', async (t, ctx) => {
  const phone = nextPhone()
  const code = await devCode(t, ctx, `+86${phone}`)
  const { db, t: tables } = ctx.app.store
  const rows = await db.select().from(tables.otps)
  t.equal(rows.length, 1, 'one OTP row')
  for (const row of rows) {
    for (const [column, value] of Object.entries(row)) {
      if (typeof value !== 'string') continue
      t.notOk(value.includes(code), `${column} does not hold the code`)
      t.notOk(value.includes(phone), `${column} does not hold the phone`)
    }
  }
  t.equal((await verify(ctx, phone, code)).statusCode, 200, 'the stored code still verifies')
})

eachDb('staff login', async (t, ctx) => {
  const ok = await login(ctx, 'admin', ADMIN_PASSWORD)
  t.equal(ok.statusCode, 200, ok.body)
  t.equal(ok.json().role, 'admin')
  t.type(ok.json().accessToken, 'string')
  t.ok(Number.isInteger(ok.json().expiresIn) && ok.json().expiresIn > 0)
  const grids = await ctx.inject({ method: 'GET', url: '/v1/grids', headers: bearerOf(ok.json().accessToken) })
  t.equal(grids.statusCode, 200, 'the admin token works')

  const wrong = await login(ctx, 'admin', `${ADMIN_PASSWORD}x`)
  const unknown = await login(ctx, 'nobody-here', ADMIN_PASSWORD)
  for (const [what, r] of [['wrong password', wrong], ['unknown user', unknown]] as const) {
    t.equal(r.statusCode, 401, `${what}: ${r.body}`)
    t.equal(r.json().code, 'GP_UNAUTHENTICATED', what)
  }
  t.equal(wrong.json().message, unknown.json().message, 'wrong password and unknown user look the same')
  t.notOk(wrong.body.includes('accessToken'))

  const missing = await ctx.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'admin' } })
  t.equal(missing.statusCode, 400)
  t.match(missing.json().message, 'password')
})

eachDb('staff accounts: POST /v1/users', async (t, ctx) => {
  const admin = await ctx.admin()
  const grid = await ctx.grid()
  const cp = await ctx.checkpoint()
  const create = (payload: Record<string, unknown>, token: string | null = admin) =>
    ctx.inject({ method: 'POST', url: '/v1/users', headers: token === null ? {} : bearerOf(token), payload })

  const res = await create({ username: 'vol-one', password: 'volunteer-pass', role: 'volunteer', checkpointIds: [cp] })
  t.equal(res.statusCode, 201, res.body)
  t.match(res.json(), { id: String, username: 'vol-one', role: 'volunteer', checkpointIds: [cp], gridIds: [] })
  t.match(res.json().id, /^[A-Za-z0-9_-]{16,}$/)
  t.notOk(res.body.includes('volunteer-pass'), 'the password is not echoed')
  const gw = await create({ username: 'gw.one', password: 'gridworker-pass', role: 'gridworker', gridIds: [grid] })
  t.equal(gw.statusCode, 201, gw.body)
  t.same(gw.json().gridIds, [grid])
  t.same(gw.json().checkpointIds, [])

  const li = await login(ctx, 'vol-one', 'volunteer-pass')
  t.equal(li.statusCode, 200, li.body)
  t.equal(li.json().role, 'volunteer')
  const cps = await ctx.inject({ method: 'GET', url: '/v1/checkpoints', headers: bearerOf(li.json().accessToken) })
  t.equal(cps.statusCode, 200, 'the new user\'s token works')

  const dup = await create({ username: 'vol-one', password: 'another-password', role: 'officer' })
  t.equal(dup.statusCode, 409, dup.body)
  t.equal(dup.json().code, 'GP_CONFLICT')
  t.match(dup.json().message, 'username')
  t.equal((await login(ctx, 'vol-one', 'volunteer-pass')).statusCode, 200, 'the duplicate did not overwrite the first account')

  const bad: Array<[string, Record<string, unknown>, string]> = [
    ['password of 9 characters', { username: 'short-pw', password: '123456789', role: 'officer' }, 'password'],
    ['role resident', { username: 'res-user', password: 'long-enough-pw', role: 'resident' }, 'role'],
    ['role root', { username: 'root-user', password: 'long-enough-pw', role: 'root' }, 'role'],
    ['unknown grid', { username: 'gw-two', password: 'long-enough-pw', role: 'gridworker', gridIds: ['no-such-grid'] }, 'gridIds'],
    ['unknown checkpoint', { username: 'vol-two', password: 'long-enough-pw', role: 'volunteer', checkpointIds: [cp, 'no-such-cp'] }, 'checkpointIds'],
    ['bad username', { username: 'A B', password: 'long-enough-pw', role: 'officer' }, 'username'],
    ['extra field', { username: 'extra-one', password: 'long-enough-pw', role: 'officer', isAdmin: true }, 'isAdmin']
  ]
  for (const [what, payload, field] of bad) {
    const r = await create(payload)
    t.equal(r.statusCode, 400, `${what}: ${r.body}`)
    t.equal(r.json().code, 'GP_VALIDATION', what)
    t.match(r.json().message, field, `${what}: message names ${field}`)
    t.equal((await login(ctx, payload.username as string, payload.password as string)).statusCode, 401, `${what}: no account was created`)
  }

  const anon = await create({ username: 'anon-made', password: 'long-enough-pw', role: 'admin' }, null)
  t.equal(anon.statusCode, 401, anon.body)
  t.equal(anon.json().code, 'GP_UNAUTHENTICATED')
  const officer = await ctx.staff('officer')
  const byOfficer = await create({ username: 'officer-made', password: 'long-enough-pw', role: 'admin' }, officer)
  t.equal(byOfficer.statusCode, 403, byOfficer.body)
  t.equal(byOfficer.json().code, 'GP_FORBIDDEN')
  t.equal((await login(ctx, 'officer-made', 'long-enough-pw')).statusCode, 401, 'the officer made no account')
})

eachDb('sessions expire and cannot be forged', async (t, ctx) => {
  const phone = nextPhone()
  const session = (await verify(ctx, phone, await devCode(t, ctx, phone))).json()
  const resident = session.accessToken as string
  const me = (token: string) => ctx.inject({ method: 'GET', url: '/v1/me/access-log', headers: bearerOf(token) })
  t.equal((await me(resident)).statusCode, 200)

  // Tampering: a changed payload with the old signature, a changed signature, garbage.
  const [h, p, s] = resident.split('.') as [string, string, string]
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString())
  const asAdmin = `${h}.${Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url')}.${s}`
  const flipped = `${h}.${p}.${s.slice(0, -2)}${s.endsWith('AA') ? 'BB' : 'AA'}`
  // Other spellings of the same signature a lenient base64 decoder reads as the same bytes: not the token that verified.
  const padded = `${resident}=`
  const foreign = `${h}.${p}.${s.slice(0, 10)}+${s.slice(10)}`
  const dotted = `${h}.${p}..${s}`
  for (const [what, token] of [['role changed in payload', asAdmin], ['signature changed', flipped], ['not a token', 'not-a-token'], ['empty', ''],
    ['padding after the signature', padded], ['a character base64url has not', foreign], ['an empty fourth segment', dotted]] as const) {
    const r = await ctx.inject({ method: 'GET', url: '/v1/audit', headers: bearerOf(token) })
    t.equal(r.statusCode, 401, `${what}: ${r.body}`)
    t.equal(r.json().code, 'GP_UNAUTHENTICATED', what)
  }
  const wrongScheme = await ctx.inject({ method: 'GET', url: '/v1/me/access-log', headers: { authorization: `Basic ${resident}` } })
  t.equal(wrongScheme.statusCode, 401, 'only Bearer is accepted')
  t.equal(wrongScheme.json().code, 'GP_UNAUTHENTICATED')

  const admin = await ctx.admin()
  const grids = (token: string) => ctx.inject({ method: 'GET', url: '/v1/grids', headers: bearerOf(token) })
  const adminExpiresIn = (await login(ctx, 'admin', ADMIN_PASSWORD)).json().expiresIn as number
  t.ok(adminExpiresIn < session.expiresIn, 'staff sessions are shorter than residents\'')

  ctx.clock.advance(adminExpiresIn * 1000 - 1000)
  t.equal((await grids(admin)).statusCode, 200, 'the staff token works until its end')
  ctx.clock.advance(2000)
  const staffLate = await grids(admin)
  t.equal(staffLate.statusCode, 401, staffLate.body)
  t.equal(staffLate.json().code, 'GP_UNAUTHENTICATED')

  ctx.clock.set(T0 + session.expiresIn * 1000 - 1000)
  t.equal((await me(resident)).statusCode, 200, 'the resident token works until its end')
  ctx.clock.advance(2000)
  const late = await me(resident)
  t.equal(late.statusCode, 401, late.body)
  t.equal(late.json().code, 'GP_UNAUTHENTICATED')
  t.ok(session.expiresIn * 1000 <= 30 * DAY, 'resident sessions are bounded')
})

for (const dialect of dialects()) {
  void t.test(`admin bootstrap without GRIDPASS_ADMIN_PASSWORD [${dialect}]`, async (t) => {
    const warned: string[] = []
    const original = console.warn
    console.warn = (...args: unknown[]) => { warned.push(args.map(String).join(' ')) }
    let ctx: Ctx
    try {
      ctx = await makeCtx(t, dialect, { config: { adminPassword: undefined } })
    } finally {
      console.warn = original
    }
    const users = await ctx.app.store.db.select().from(ctx.app.store.t.users)
    t.same(users.map((u) => [u.username, u.role]), [['admin', 'admin']], 'one user: admin')
    t.notOk(users[0]?.passwordHash.includes(ADMIN_PASSWORD), 'not the test password')
    // Only the path of a 0600 file is printed, never the password (logs and terminals are kept and shared).
    const printed = warned.join('\n')
    const match = /password is in (\S+)/.exec(printed)
    t.ok(match, `the file is named once: ${printed}`)
    t.equal(warned.length, 1, 'printed once')
    const file = match?.[1] ?? ''
    t.equal(file, join(ctx.keysDir, 'initial-admin-password.txt'))
    t.equal(statSync(file).mode & 0o777, 0o600, 'readable by the service\'s user only')
    const password = readFileSync(file, 'utf8').trim()
    t.ok(password.length >= 12, 'the generated password is long')
    t.notOk(printed.includes(password), 'the password itself is not printed')
    t.notOk(users[0]?.passwordHash.includes(password), 'stored hashed')
    t.equal((await login(ctx, 'admin', ADMIN_PASSWORD)).statusCode, 401, 'the test password does not work')
    const ok = await login(ctx, 'admin', password)
    t.equal(ok.statusCode, 200, ok.body)
    t.equal(ok.json().role, 'admin')
  })

  void t.test(`admin bootstrap with GRIDPASS_ADMIN_PASSWORD prints nothing [${dialect}]`, async (t) => {
    const warned: string[] = []
    const original = console.warn
    console.warn = (...args: unknown[]) => { warned.push(args.map(String).join(' ')) }
    let ctx: Ctx
    try {
      ctx = await makeCtx(t, dialect)
    } finally {
      console.warn = original
    }
    t.same(warned.filter((w) => w.includes('admin')), [], 'no password printed')
    t.equal((await login(ctx, 'admin', ADMIN_PASSWORD)).statusCode, 200)
  })
}

eachDb('OTP rules hold under concurrent requests', async (t, ctx) => {
  // Ten requests at once for one phone: still at most five codes.
  const phone = nextPhone()
  const burst = await Promise.all(Array.from({ length: 10 }, async () => otp(ctx, { phone })))
  const statuses = burst.map((r) => r.statusCode).sort()
  t.same(statuses, [202, 202, 202, 202, 202, 429, 429, 429, 429, 429], 'five codes, five refusals')

  // One code used by five requests at once logs in once.
  const p2 = nextPhone()
  const code = await devCode(t, ctx, p2)
  const uses = await Promise.all(Array.from({ length: 5 }, async () => verify(ctx, p2, code)))
  t.same(uses.map((r) => r.statusCode).sort(), [200, 401, 401, 401, 401], 'a code is used once')

  // Ten wrong guesses at once burn the code like ten in a row.
  const p3 = nextPhone()
  const c3 = await devCode(t, ctx, p3)
  const guesses = await Promise.all(Array.from({ length: 10 }, async (_, i) => verify(ctx, p3, String((Number(c3) + 1 + i) % 1_000_000).padStart(6, '0'))))
  t.ok(guesses.every((r) => r.statusCode === 401), 'every wrong guess → 401')
  const after = await verify(ctx, p3, c3)
  t.equal(after.statusCode, 401, `the right code after 10 parallel wrong guesses is refused: ${after.body}`)
})

eachDb('the same username created twice at once: one 201, one 409', async (t, ctx) => {
  const admin = await ctx.admin()
  const make = async (password: string) => ctx.inject({ method: 'POST', url: '/v1/users', headers: bearerOf(admin), payload: { username: 'twin', password, role: 'tracer' } })
  const both = await Promise.all([make('first-password'), make('second-password'), make('third-password')])
  t.same(both.map((r) => r.statusCode).sort(), [201, 409, 409], both.map((r) => r.body).join('\n'))
  t.ok(both.filter((r) => r.statusCode === 409).every((r) => r.json().code === 'GP_CONFLICT'))
})

eachDb('GET /v1/me/account: the signed-in staff user with their checkpoints by name and their grids; admins see every checkpoint', async (t, ctx) => {
  const g1 = await ctx.grid()
  const g2 = await ctx.grid()
  const gate = await ctx.checkpoint({ name: '陆城卡口', kind: 'traffic' })
  const square = await ctx.checkpoint({ name: '清江广场', kind: 'venue', gridId: g1 })
  const village = await ctx.checkpoint({ name: '高坝洲村口', kind: 'village' })
  const account = (token: string) => ctx.inject({ method: 'GET', url: '/v1/me/account', headers: bearerOf(token) })

  const volunteer = await ctx.staff('volunteer', { username: 'gate-keeper', checkpointIds: [square, gate] })
  const res = await account(volunteer)
  t.equal(res.statusCode, 200, res.body)
  t.equal(res.headers['cache-control'], 'no-store')
  const body = res.json() as { id: string }
  t.match(body.id, /^[A-Za-z0-9_-]{16,}$/)
  const byName = [{ id: square, name: '清江广场', kind: 'venue' }, { id: gate, name: '陆城卡口', kind: 'traffic' }].sort((a, b) => (a.name < b.name ? -1 : 1))
  t.same(res.json(), { id: body.id, username: 'gate-keeper', role: 'volunteer', checkpoints: byName, gridIds: [], areaIds: [] }, 'exactly the assigned checkpoints, by name')

  const worker = await ctx.staff('gridworker', { username: 'grid-keeper', gridIds: [g1, g2] })
  t.match((await account(worker)).json(), { username: 'grid-keeper', role: 'gridworker', checkpoints: [], gridIds: [g1, g2] })
  t.match((await account(await ctx.staff('tracer'))).json(), { role: 'tracer', checkpoints: [], gridIds: [] })
  t.match((await account(await ctx.staff('officer'))).json(), { role: 'officer', checkpoints: [], gridIds: [] })

  const admin = (await account(await ctx.admin())).json() as { username: string, role: string, checkpoints: Array<{ id: string }> }
  t.equal(admin.username, 'admin')
  t.equal(admin.role, 'admin')
  t.same(admin.checkpoints.map((c) => c.id).sort(), [gate, square, village].sort(), 'an admin may scan anywhere: every checkpoint')

  const r = await ctx.resident()
  const refused = await account(r.token)
  t.equal(refused.statusCode, 403)
  t.equal(refused.json().code, 'GP_FORBIDDEN')
  const anon = await ctx.inject({ method: 'GET', url: '/v1/me/account' })
  t.equal(anon.statusCode, 401)
  t.equal(anon.json().code, 'GP_UNAUTHENTICATED')
})

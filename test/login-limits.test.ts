// Login limits per client address and per account, counted in the database: GRIDPASS_TRUST_PROXY makes the client
// behind a reverse proxy the address; failed staff logins lock an account out from one address only, and are audited;
// two copies of the service on one PostgreSQL share every count.
import t from 'tap'
import { ADMIN_PASSWORD, bearerOf, dialects, eachDb, makeCtx, nextPhone, type Ctx } from './helper.ts'

const MINUTE = 60_000
const PROXY = '127.0.0.1' // what app.inject connects from
const PASSWORD = 'duty-password-123'

const otpFrom = (ctx: Ctx, address: string | null, opts: { remoteAddress?: string } = {}) => ctx.inject({
  method: 'POST', url: '/v1/auth/otp', payload: { phone: nextPhone() },
  headers: address === null ? {} : { 'x-forwarded-for': address }, ...opts
})
const loginFrom = (ctx: Ctx, address: string, username: string, password: string) =>
  ctx.inject({ method: 'POST', url: '/v1/auth/login', payload: { username, password }, headers: { 'x-forwarded-for': address } })

async function makeUser (ctx: Ctx, username: string): Promise<string> {
  const res = await ctx.inject({ method: 'POST', url: '/v1/users', headers: bearerOf(await ctx.admin()), payload: { username, password: PASSWORD, role: 'officer' } })
  if (res.statusCode !== 201) throw new Error(res.body)
  return res.json().id as string
}

eachDb('the 31 forwarded addresses: behind a trusted proxy each client has its own OTP limit; 31 from one address get 429 at the 31st', async (t, ctx) => {
  const many = []
  for (let i = 1; i <= 31; i++) many.push((await otpFrom(ctx, `203.0.113.${i}`)).statusCode)
  t.same(many, Array(31).fill(202), '31 requests from 31 addresses behind the proxy are all accepted')

  const one = []
  for (let i = 1; i <= 31; i++) one.push(await otpFrom(ctx, '198.51.100.7'))
  t.same(one.slice(0, 30).map((r) => r.statusCode), Array(30).fill(202), 'the first 30 from one address are accepted')
  const last = one[30] as (typeof one)[number]
  t.equal(last.statusCode, 429, last.body)
  t.equal(last.json().code, 'GP_RATE_LIMITED')
  t.ok(Number(last.headers['retry-after']) > 0, 'with Retry-After')
  t.equal((await otpFrom(ctx, '198.51.100.8')).statusCode, 202, 'the next address is not held up')

  // The header counts only when it comes from a listed proxy: a client that sends it directly is its own address.
  const direct = []
  for (let i = 1; i <= 31; i++) direct.push((await otpFrom(ctx, `192.0.2.${i}`, { remoteAddress: '198.51.100.99' })).statusCode)
  t.same(direct, [...Array(30).fill(202), 429], 'X-Forwarded-For from an untrusted peer is ignored')

  // A new window after a minute.
  ctx.clock.advance(MINUTE)
  t.equal((await otpFrom(ctx, '198.51.100.7')).statusCode, 202, 'a minute later the address may ask again')
}, { config: { trustProxy: [PROXY] } })

eachDb('without GRIDPASS_TRUST_PROXY the forwarded address is ignored: the proxy is the client', async (t, ctx) => {
  const codes = []
  for (let i = 1; i <= 31; i++) codes.push((await otpFrom(ctx, `203.0.113.${i}`)).statusCode)
  t.same(codes, [...Array(30).fill(202), 429], 'every request counts for the proxy\'s address')
})

eachDb('a hop count trusts that many proxies', async (t, ctx) => {
  const codes = []
  for (let i = 1; i <= 31; i++) codes.push((await otpFrom(ctx, `203.0.113.${i}`)).statusCode)
  t.same(codes, Array(31).fill(202))
}, { config: { trustProxy: 1 } })

eachDb('parallel requests never slip past a limit: 40 at once from one address, exactly 30 accepted', async (t, ctx) => {
  const all = await Promise.all(Array.from({ length: 40 }, async () => otpFrom(ctx, '198.51.100.20')))
  const codes = all.map((r) => r.statusCode)
  t.equal(codes.filter((c) => c === 202).length, 30, codes.join(','))
  t.equal(codes.filter((c) => c === 429).length, 10)
}, { config: { trustProxy: [PROXY] } })

eachDb('the account lockout from two addresses: address A is refused after 10 bad logins, address B still logs in', async (t, ctx) => {
  await makeUser(ctx, 'duty-officer')
  const A = '203.0.113.10'
  const B = '198.51.100.10'
  for (let i = 1; i <= 10; i++) {
    const r = await loginFrom(ctx, A, 'duty-officer', `wrong-password-${i}`)
    t.equal(r.statusCode, 401, `bad login ${i} from A: ${r.body}`)
  }
  const locked = await loginFrom(ctx, A, 'duty-officer', PASSWORD)
  t.equal(locked.statusCode, 429, `the right password from A after 10 failures: ${locked.body}`)
  t.equal(locked.json().code, 'GP_RATE_LIMITED')
  t.match(locked.json().message, /username.*from your address/)
  t.notOk(locked.body.includes('accessToken'))
  t.ok(Number(locked.headers['retry-after']) > 0 && Number(locked.headers['retry-after']) <= 15 * 60, `Retry-After ${String(locked.headers['retry-after'])}`)
  t.equal((await loginFrom(ctx, A, 'duty-officer', 'still-wrong')).statusCode, 429, 'further guesses from A are refused unchecked')

  const fromB = await loginFrom(ctx, B, 'duty-officer', PASSWORD)
  t.equal(fromB.statusCode, 200, `address B logs in: ${fromB.body}`)
  t.equal((await ctx.inject({ method: 'GET', url: '/v1/me/account', headers: bearerOf(fromB.json().accessToken) })).statusCode, 200, 'with a working session')
  t.equal((await loginFrom(ctx, A, 'admin', ADMIN_PASSWORD)).statusCode, 200, 'A may still log in to another account')

  // The window: 15 minutes from the first failure.
  ctx.clock.advance(15 * MINUTE)
  t.equal((await loginFrom(ctx, A, 'duty-officer', PASSWORD)).statusCode, 200, '15 minutes later A logs in again')
}, { config: { trustProxy: [PROXY] } })

eachDb('only failures count: successful logins never lock an account', async (t, ctx) => {
  await makeUser(ctx, 'busy-officer')
  const C = '203.0.113.30'
  for (let i = 1; i <= 12; i++) t.equal((await loginFrom(ctx, C, 'busy-officer', PASSWORD)).statusCode, 200, `good login ${i}`)
  ctx.clock.advance(MINUTE) // past the 30-a-minute cap on attempts
  for (let i = 1; i <= 10; i++) t.equal((await loginFrom(ctx, C, 'busy-officer', 'wrong-password')).statusCode, 401, `bad login ${i}: still checked`)
  t.equal((await loginFrom(ctx, C, 'busy-officer', PASSWORD)).statusCode, 429, 'the 11th attempt after 10 failures is refused')
}, { config: { trustProxy: [PROXY] } })

eachDb('parallel guesses: 20 at once for one account from one address, at most 10 are checked', async (t, ctx) => {
  await makeUser(ctx, 'target-officer')
  const all = await Promise.all(Array.from({ length: 20 }, async (_, i) => loginFrom(ctx, '203.0.113.40', 'target-officer', `guess-${i}`)))
  const codes = all.map((r) => r.statusCode)
  t.equal(codes.filter((c) => c === 401).length, 10, codes.join(','))
  t.equal(codes.filter((c) => c === 429).length, 10)
}, { config: { trustProxy: [PROXY] } })

eachDb('one address is refused for every account after 50 failures (password spraying); other addresses are not', async (t, ctx) => {
  await makeUser(ctx, 'spray-target')
  const D = '203.0.113.50'
  for (let i = 0; i < 50; i++) {
    if (i % 25 === 0) ctx.clock.advance(MINUTE) // stay under the 30 attempts a minute per address
    const r = await loginFrom(ctx, D, `no-such-user-${i % 10}`, 'guess')
    if (r.statusCode !== 401) { t.fail(`failure ${i + 1}: ${r.statusCode} ${r.body}`); return }
  }
  const refused = await loginFrom(ctx, D, 'spray-target', PASSWORD)
  t.equal(refused.statusCode, 429, refused.body)
  t.equal(refused.json().code, 'GP_RATE_LIMITED')
  t.equal((await loginFrom(ctx, '203.0.113.51', 'spray-target', PASSWORD)).statusCode, 200, 'another address logs in')
}, { config: { trustProxy: [PROXY] } })

eachDb('at most 30 login attempts a minute per address', async (t, ctx) => {
  const codes = []
  for (let i = 0; i < 31; i++) codes.push((await loginFrom(ctx, '203.0.113.60', `user-${i}`, 'guess')).statusCode)
  t.same(codes, [...Array(30).fill(401), 429])
}, { config: { trustProxy: [PROXY] } })

eachDb('failed staff logins appear in GET /v1/audit, without the password', async (t, ctx) => {
  const id = await makeUser(ctx, 'audited-officer')
  t.equal((await loginFrom(ctx, '203.0.113.70', 'audited-officer', 'secret-guess-1')).statusCode, 401)
  t.equal((await loginFrom(ctx, '203.0.113.71', 'nobody-at-all', 'secret-guess-2')).statusCode, 401)
  t.equal((await loginFrom(ctx, '203.0.113.72', 'audited-officer', PASSWORD)).statusCode, 200)
  const res = await ctx.inject({ method: 'GET', url: '/v1/audit?limit=1000', headers: bearerOf(await ctx.admin()) })
  t.equal(res.statusCode, 200, res.body)
  const entries = res.json().entries as Array<{ action: string, target: string | null, purpose: string | null, actor: string }>
  const failed = entries.filter((e) => e.action === 'auth.login_failed').reverse()
  t.equal(failed.length, 2, JSON.stringify(failed))
  t.match(failed[0], { target: id, actor: 'anonymous' }, 'the account is the target')
  t.match(failed[0]?.purpose, '203.0.113.70', 'with the client address')
  t.match(failed[1], { target: null }, 'an unknown username has no target')
  t.match(failed[1]?.purpose, '203.0.113.71')
  t.notOk(res.body.includes('secret-guess'), 'no password in the audit log')
  t.notOk(res.body.includes('nobody-at-all'), 'nor an unknown username (it may be a mistyped password)')
  t.ok(entries.some((e) => e.action === 'auth.login' && e.target === id), 'the successful login is audited too')
}, { config: { trustProxy: [PROXY] } })

eachDb('expired counters are purged', async (t, ctx) => {
  for (let i = 0; i < 5; i++) await otpFrom(ctx, null)
  const { db, t: tables } = ctx.app.store
  t.ok((await db.select().from(tables.rateLimits)).length > 0, 'counters are stored')
  ctx.clock.advance(2 * MINUTE)
  await otpFrom(ctx, null)
  const rows = await db.select().from(tables.rateLimits)
  t.equal(rows.length, 1, `only the new window is left: ${JSON.stringify(rows)}`)
  t.equal(rows[0]?.count, 1)
})

// Two copies of the service on one PostgreSQL schema: what one counts, the other sees.
if (dialects().includes('pg')) {
  void t.test('the limits are shared by two copies on one PostgreSQL', async (t) => {
    const config = { trustProxy: [PROXY] }
    const one = await makeCtx(t, 'pg', { config })
    const two = await makeCtx(t, 'pg', { config, share: one })

    const codes = []
    for (let i = 0; i < 30; i++) codes.push((await otpFrom(i % 2 === 0 ? one : two, '198.51.100.30')).statusCode)
    t.same(codes, Array(30).fill(202), '30 requests split across the copies')
    t.equal((await otpFrom(one, '198.51.100.30')).statusCode, 429, 'the 31st is refused by the first copy')
    t.equal((await otpFrom(two, '198.51.100.30')).statusCode, 429, 'and by the second')

    const parallel = await Promise.all(Array.from({ length: 40 }, async (_, i) => otpFrom(i % 2 === 0 ? one : two, '198.51.100.31')))
    t.equal(parallel.filter((r) => r.statusCode === 202).length, 30, 'parallel requests on both copies: exactly 30 accepted')

    await makeUser(one, 'shared-officer')
    for (let i = 0; i < 10; i++) {
      const r = await loginFrom(i % 2 === 0 ? one : two, '203.0.113.80', 'shared-officer', `wrong-${i}`)
      t.equal(r.statusCode, 401, `bad login ${i + 1} on copy ${(i % 2) + 1}`)
    }
    t.equal((await loginFrom(one, '203.0.113.80', 'shared-officer', PASSWORD)).statusCode, 429, 'locked out on the first copy')
    t.equal((await loginFrom(two, '203.0.113.80', 'shared-officer', PASSWORD)).statusCode, 429, 'and on the second')
    t.equal((await loginFrom(two, '203.0.113.81', 'shared-officer', PASSWORD)).statusCode, 200, 'another address logs in on either copy')
  })
}

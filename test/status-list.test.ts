// GET /v1/status-list: the signed list of non-green people for offline scanners, checked from the JWKS alone and against each person's own status.
import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose'
import { colorAt, type Entry } from '../src/modules/status/status.rules.ts'
import { bearerOf, eachDb, DAY, T0, type Ctx } from './helper.ts'

const LIST_SECONDS = 600

async function fetchList (ctx: Ctx, token: string) {
  const res = await ctx.inject({ method: 'GET', url: '/v1/status-list', headers: bearerOf(token) })
  if (res.statusCode !== 200) throw new Error(`status list: ${res.statusCode} ${res.body}`)
  const body = res.json() as { token: string, issuedAt: string, expiresAt: string, count: number }
  const jwks = (await ctx.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as JSONWebKeySet
  const { payload, protectedHeader } = await compactVerify(body.token, createLocalJWKSet(jwks), { algorithms: ['ES256'] })
  return { res, body, header: protectedHeader as Record<string, unknown>, payload: JSON.parse(Buffer.from(payload).toString('utf8')) as { iss: string, iat: number, exp: number, nonGreen: Record<string, string> } }
}

const declare = (ctx: Ctx, token: string, d: { temperature?: number, symptoms?: string[], visitedHighRiskArea?: boolean, contactWithConfirmed?: boolean }) => ctx.inject({
  method: 'POST', url: '/v1/me/declarations', headers: bearerOf(token),
  payload: { temperature: 36.5, symptoms: [], visitedHighRiskArea: false, contactWithConfirmed: false, ...d }
})

eachDb('status list: signed, exactly the non-green people with the right letters, the same answer as each person\'s status, following the clock', async (t, ctx) => {
  const people = {
    green: await ctx.resident(),
    fever: await ctx.resident(),
    travel: await ctx.resident(),
    both: await ctx.resident(),
    manual: await ctx.resident(),
    cleared: await ctx.resident()
  }
  t.equal((await declare(ctx, people.fever.token, { temperature: 38.4 })).statusCode, 201)
  t.equal((await declare(ctx, people.travel.token, { visitedHighRiskArea: true })).statusCode, 201)
  t.equal((await declare(ctx, people.both.token, { symptoms: ['cough'], contactWithConfirmed: true })).statusCode, 201)
  t.equal((await declare(ctx, people.cleared.token, { symptoms: ['cough'] })).statusCode, 201)
  const officer = await ctx.staff('officer')
  const manual = await ctx.inject({ method: 'POST', url: `/v1/people/${people.manual.personId}/status`, headers: bearerOf(officer), payload: { color: 'yellow', reason: 'under observation' } })
  t.equal(manual.statusCode, 200, manual.body)
  const cleared = await ctx.inject({ method: 'POST', url: `/v1/people/${people.cleared.personId}/status`, headers: bearerOf(officer), payload: { color: 'green', reason: 'the cough was an allergy' } })
  t.equal(cleared.statusCode, 200, cleared.body)

  // Staff sessions last 12 hours and the clock moves by days: log in again each time.
  const volunteer = await ctx.staff('volunteer', { username: 'scanner' })
  await ctx.staff('officer', { username: 'checker' })
  const login = async (username = 'scanner'): Promise<string> => (await ctx.inject({ method: 'POST', url: '/v1/auth/login', payload: { username, password: 'staff-password-123' } })).json().accessToken as string

  /** The list against every person's colour from the rules engine (as an officer looks it up), at the current clock. */
  const agrees = async (nonGreen: Record<string, string>, label: string): Promise<void> => {
    const checker = await login('checker')
    for (const [name, p] of Object.entries(people)) {
      const res = await ctx.inject({ method: 'GET', url: `/v1/people?idNumber=${p.idNumber}&purpose=status-list-check`, headers: bearerOf(checker) })
      const color = res.json().people[0].color as string
      t.equal(nonGreen[p.personId], color === 'green' ? undefined : color[0], `${label}: ${name} is ${color}`)
    }
  }

  const first = await fetchList(ctx, volunteer)
  t.same(first.header, { alg: 'ES256', kid: ctx.app.keyring.active.kid, typ: 'gp-status+jwt' })
  t.same(Object.keys(first.payload), ['iss', 'iat', 'exp', 'nonGreen'], 'payload has exactly iss, iat, exp, nonGreen')
  const iat = Math.floor(ctx.clock.now() / 1000)
  t.match(first.payload, { iss: ctx.config.issuer, iat, exp: iat + LIST_SECONDS })
  t.same(first.payload.nonGreen, { [people.fever.personId]: 'y', [people.travel.personId]: 'r', [people.both.personId]: 'r', [people.manual.personId]: 'y' })
  t.same(first.body, { token: first.body.token, issuedAt: new Date(iat * 1000).toISOString(), expiresAt: new Date((iat + LIST_SECONDS) * 1000).toISOString(), count: 4 })
  t.match(first.res.headers['cache-control'], /^private, max-age=60$/)
  await agrees(first.payload.nonGreen, 'at T0')

  // Within the minute the signed list is served from the cache; then it catches up.
  ctx.clock.advance(30_000)
  t.equal((await declare(ctx, people.green.token, { temperature: 37.5 })).statusCode, 201)
  const cached = await fetchList(ctx, volunteer)
  t.equal(cached.body.token, first.body.token, 'the same signed list within a minute')
  t.match(cached.res.headers['cache-control'], /^private, max-age=30$/)
  ctx.clock.advance(31_000)
  const fresh = await fetchList(ctx, volunteer)
  t.not(fresh.body.token, first.body.token, 'a new list after a minute')
  t.equal(fresh.payload.nonGreen[people.green.personId], 'y', 'a new fever is on the next list')
  t.equal(fresh.body.count, 5)
  await agrees(fresh.payload.nonGreen, 'at T0+61s')

  // Seven days after the fever declarations: the symptoms yellows are over; the reds and the manual yellow are not.
  ctx.clock.set(ctx.clock.now() - 61_000 + 7 * DAY)
  const week = await fetchList(ctx, await login())
  t.same(week.payload.nonGreen, { [people.green.personId]: 'y', [people.travel.personId]: 'r', [people.both.personId]: 'r', [people.manual.personId]: 'y' }, 'the first fevers dropped out, the later one not yet')
  await agrees(week.payload.nonGreen, 'at T0+7d')
  ctx.clock.advance(60_000)
  const weekLater = await fetchList(ctx, await login())
  t.notOk(people.green.personId in weekLater.payload.nonGreen, 'the later fever drops out 7 days after it was declared')
  await agrees(weekLater.payload.nonGreen, 'at T0+7d+60s')

  ctx.clock.set(ctx.clock.now() + 7 * DAY)
  const fortnight = await fetchList(ctx, await login())
  t.same(fortnight.payload.nonGreen, { [people.manual.personId]: 'y' }, 'after 14 days only the manual yellow (no end date) is left')
  await agrees(fortnight.payload.nonGreen, 'at T0+14d')
})

eachDb('status list: volunteer and above only', async (t, ctx) => {
  const r = await ctx.resident()
  const res = await ctx.inject({ method: 'GET', url: '/v1/status-list', headers: bearerOf(r.token) })
  t.equal(res.statusCode, 403)
  t.equal(res.json().code, 'GP_FORBIDDEN')
  const anon = await ctx.inject({ method: 'GET', url: '/v1/status-list' })
  t.equal(anon.statusCode, 401)
  t.equal(anon.json().code, 'GP_UNAUTHENTICATED')
  for (const role of ['volunteer', 'gridworker', 'tracer', 'officer']) {
    t.equal((await ctx.inject({ method: 'GET', url: '/v1/status-list', headers: bearerOf(await ctx.staff(role)) })).statusCode, 200, role)
  }
  const admin = await fetchList(ctx, await ctx.admin())
  t.same(admin.payload.nonGreen, {}, 'nobody is non-green in an empty city')
})

// The list's SQL only narrows the entries read (begun by then, not ended or run out): status.rules.ts colorAt decides.
// Row for row, on random entries whose times collide with the moments asked about, the list must say exactly what
// colorAt says of each person's entries.
eachDb('status list: the non-green people are exactly those colorAt finds non-green, at every boundary', async (t, ctx) => {
  const { db, t: tables } = ctx.app.store
  // mulberry32: a small, well-mixed generator, so that every run draws the same entries.
  let seed = 7
  const rand = (n: number): number => {
    seed = (seed + 0x6D2B79F5) | 0
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return (((x ^ (x >>> 14)) >>> 0) % n)
  }
  const HOUR = 3_600_000
  const moment = (): number => T0 + rand(12) * HOUR
  const colours = ['green', 'yellow', 'red'] as const
  const people: string[] = []
  const entries: Entry[] = []
  for (let p = 0; p < 40; p++) {
    const personId = `person-${String(p).padStart(2, '0')}-${'x'.repeat(10)}`
    people.push(personId)
    await db.insert(tables.people).values({ id: personId, nameEnc: null, idNumberEnc: null, idNumberIdx: null, phoneEnc: null, phoneIdx: null, gridId: null, createdBy: 'test', createdAt: T0 - DAY, updatedAt: T0 - DAY })
    for (let k = rand(4); k > 0; k--) {
      const since = moment()
      const until = rand(3) === 0 ? null : since + rand(6) * HOUR
      const endedAt = rand(3) === 0 ? since + rand(6) * HOUR : null
      const e: Entry = { id: `e-${p}-${k}`, rule: 'manual', color: colours[rand(3)] as string, since, until, endedAt, endedBy: endedAt === null ? null : 'test', actor: 'test', reason: null }
      entries.push(e)
      await db.insert(tables.statusEntries).values({ ...e, personId, sourceId: null, createdAt: since })
    }
  }
  const entriesOf = new Map(people.map((id, i) => [id, entries.filter((e) => e.id.startsWith(`e-${i}-`))]))
  let nonGreenSeen = 0
  for (let h = -1; h <= 18; h++) {
    const at = T0 + h * HOUR
    const expected = people.map((id) => ({ personId: id, color: colorAt(entriesOf.get(id) as Entry[], at) })).filter((x) => x.color !== 'green')
    nonGreenSeen += expected.length
    t.same(await ctx.app.status.nonGreen(at), expected, `at T0${h >= 0 ? '+' : ''}${h} h`)
  }
  t.ok(nonGreenSeen > 20, `the worlds held non-green people (${nonGreenSeen} person-moments)`)
})

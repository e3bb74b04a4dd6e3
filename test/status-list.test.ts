// GET /v1/status-list: the signed list of non-green paper cards for offline scanners, checked from the JWKS alone, card
// by card against each holder's own status, and against status.rules.ts colorAt on random worlds.
import { createHash } from 'node:crypto'
import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose'
import { colorAt, type Entry } from '../src/modules/status/status.rules.ts'
import { bearerOf, eachDb, DAY, T0, type Ctx } from './helper.ts'
import { qrOfCard } from './support/card-qr.ts'

const LIST_SECONDS = 600
const PAPER_SECONDS = 28 * 86_400

interface ListPayload { iss: string, iat: number, exp: number, paper: Record<string, string> }

async function fetchList (ctx: Ctx, token: string) {
  const res = await ctx.inject({ method: 'GET', url: '/v1/status-list', headers: bearerOf(token) })
  if (res.statusCode !== 200) throw new Error(`status list: ${res.statusCode} ${res.body}`)
  const body = res.json() as { token: string, issuedAt: string, expiresAt: string, count: number }
  const jwks = (await ctx.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as JSONWebKeySet
  const { payload, protectedHeader } = await compactVerify(body.token, createLocalJWKSet(jwks), { algorithms: ['ES256'] })
  return { res, body, header: protectedHeader as Record<string, unknown>, text: Buffer.from(payload).toString('utf8'), payload: JSON.parse(Buffer.from(payload).toString('utf8')) as ListPayload }
}

/** The card id as API.md defines it, computed here from the printed token alone: base64url(SHA-256(jti)[0..12]). */
function cardIdOfToken (token: string): string {
  const claims = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8')) as { jti: string }
  return createHash('sha256').update(claims.jti, 'utf8').digest().subarray(0, 12).toString('base64url')
}

const declare = (ctx: Ctx, token: string, d: { temperature?: number, symptoms?: string[], visitedHighRiskArea?: boolean, contactWithConfirmed?: boolean }) => ctx.inject({
  method: 'POST', url: '/v1/me/declarations', headers: bearerOf(token),
  payload: { temperature: 36.5, symptoms: [], visitedHighRiskArea: false, contactWithConfirmed: false, ...d }
})

eachDb('status list: signed, exactly the unexpired paper cards of non-green holders with the right letters, the same answer as each holder\'s status, naming no person, following the clock', async (t, ctx) => {
  const people = {
    green: await ctx.resident(),
    fever: await ctx.resident(),
    travel: await ctx.resident(),
    both: await ctx.resident(),
    manual: await ctx.resident(),
    cleared: await ctx.resident(),
    phoneOnly: await ctx.resident()
  }
  type Name = keyof typeof people
  t.equal((await declare(ctx, people.fever.token, { temperature: 38.4 })).statusCode, 201)
  t.equal((await declare(ctx, people.travel.token, { visitedHighRiskArea: true })).statusCode, 201)
  t.equal((await declare(ctx, people.both.token, { symptoms: ['cough'], contactWithConfirmed: true })).statusCode, 201)
  t.equal((await declare(ctx, people.cleared.token, { symptoms: ['cough'] })).statusCode, 201)
  t.equal((await declare(ctx, people.phoneOnly.token, { visitedHighRiskArea: true })).statusCode, 201)
  const officer = await ctx.staff('officer', { username: 'printer' })
  const manual = await ctx.inject({ method: 'POST', url: `/v1/people/${people.manual.personId}/status`, headers: bearerOf(officer), payload: { color: 'yellow', reason: 'under observation' } })
  t.equal(manual.statusCode, 200, manual.body)
  const cleared = await ctx.inject({ method: 'POST', url: `/v1/people/${people.cleared.personId}/status`, headers: bearerOf(officer), payload: { color: 'green', reason: 'the cough was an allergy' } })
  t.equal(cleared.statusCode, 200, cleared.body)

  // Staff sessions last 12 hours and the clock moves by days: log in again each time.
  const volunteer = await ctx.staff('volunteer', { username: 'scanner' })
  await ctx.staff('officer', { username: 'checker' })
  const login = async (username = 'scanner'): Promise<string> => (await ctx.inject({ method: 'POST', url: '/v1/auth/login', payload: { username, password: 'staff-password-123' } })).json().accessToken as string

  // Paper cards for everyone but phoneOnly (red, but holding no card: nothing may name them); two for travel, one of
  // them printed.
  const cards: Record<Name, Array<{ cardId: string, expiresAt: number }>> = { green: [], fever: [], travel: [], both: [], manual: [], cleared: [], phoneOnly: [] }
  const issue = async (name: Name, how: 'issue' | 'print' = 'issue'): Promise<string> => {
    const url = `/v1/people/${people[name].personId}/paper-code${how === 'print' ? '.svg' : ''}`
    const res = await ctx.inject({ method: how === 'print' ? 'GET' : 'POST', url, headers: bearerOf(await login('printer')) })
    if (res.statusCode !== 200) throw new Error(`paper code: ${res.body}`)
    const token = how === 'print' ? qrOfCard(res.body) : res.json().token as string
    if (token === null) throw new Error('no QR on the printed card')
    const cardId = cardIdOfToken(token)
    cards[name].push({ cardId, expiresAt: Math.floor(ctx.clock.now() / 1000) + PAPER_SECONDS })
    return cardId
  }
  for (const name of ['green', 'fever', 'travel', 'both', 'manual', 'cleared'] as const) await issue(name)
  await issue('travel', 'print')

  /** The list expected when these people have these colours: each of their unexpired cards, with their letter. */
  const expected = (colours: Partial<Record<Name, 'y' | 'r'>>): Record<string, string> => {
    const now = Math.floor(ctx.clock.now() / 1000)
    const out: Record<string, string> = {}
    for (const [name, letter] of Object.entries(colours)) for (const c of cards[name as Name]) if (c.expiresAt + ctx.config.clockSkewSeconds > now) out[c.cardId] = letter
    return out
  }
  /** The list against every holder's colour from the rules engine (as an officer looks it up), at the current clock. */
  const agrees = async (paper: Record<string, string>, label: string): Promise<void> => {
    const checker = await login('checker')
    const now = Math.floor(ctx.clock.now() / 1000)
    const listed = new Set<string>()
    for (const [name, p] of Object.entries(people)) {
      const res = await ctx.inject({ method: 'GET', url: `/v1/people?idNumber=${p.idNumber}&purpose=status-list-check`, headers: bearerOf(checker) })
      const color = res.json().people[0].color as string
      for (const c of cards[name as Name]) {
        const live = c.expiresAt + ctx.config.clockSkewSeconds > now
        t.equal(paper[c.cardId], color === 'green' || !live ? undefined : color[0], `${label}: ${name} is ${color}, card ${live ? 'unexpired' : 'expired'}`)
        listed.add(c.cardId)
      }
    }
    t.same(Object.keys(paper).filter((k) => !listed.has(k)), [], `${label}: no card of anyone else`)
  }

  const first = await fetchList(ctx, volunteer)
  t.same(first.header, { alg: 'ES256', kid: ctx.app.keyring.active.kid, typ: 'gp-status+jwt' })
  t.same(Object.keys(first.payload), ['iss', 'iat', 'exp', 'paper'], 'payload has exactly iss, iat, exp, paper')
  const iat = Math.floor(ctx.clock.now() / 1000)
  t.match(first.payload, { iss: ctx.config.issuer, iat, exp: iat + LIST_SECONDS })
  t.same(first.payload.paper, expected({ fever: 'y', travel: 'r', both: 'r', manual: 'y' }))
  t.equal(Object.keys(first.payload.paper).length, 5, 'both of travel\'s cards, the printed one too')
  t.same(Object.keys(first.payload.paper), Object.keys(first.payload.paper).sort(), 'sorted by card id')
  for (const p of Object.values(people)) t.notOk(first.text.includes(p.personId), 'the list names no person')
  t.same(first.body, { token: first.body.token, issuedAt: new Date(iat * 1000).toISOString(), expiresAt: new Date((iat + LIST_SECONDS) * 1000).toISOString(), count: 5 })
  t.match(first.res.headers['cache-control'], /^private, max-age=60$/)
  await agrees(first.payload.paper, 'at T0')

  // Within the minute the signed list is served from the cache; then it catches up.
  ctx.clock.advance(30_000)
  t.equal((await declare(ctx, people.green.token, { temperature: 37.5 })).statusCode, 201)
  const cached = await fetchList(ctx, volunteer)
  t.equal(cached.body.token, first.body.token, 'the same signed list within a minute')
  t.match(cached.res.headers['cache-control'], /^private, max-age=30$/)
  ctx.clock.advance(31_000)
  const fresh = await fetchList(ctx, volunteer)
  t.not(fresh.body.token, first.body.token, 'a new list after a minute')
  t.equal(fresh.payload.paper[cards.green[0]!.cardId], 'y', 'a new fever is on the next list')
  t.equal(fresh.body.count, 6)
  await agrees(fresh.payload.paper, 'at T0+61s')

  // Seven days after the fever declarations: the symptoms yellows are over; the reds and the manual yellow are not.
  ctx.clock.set(ctx.clock.now() - 61_000 + 7 * DAY)
  const week = await fetchList(ctx, await login())
  t.same(week.payload.paper, expected({ green: 'y', travel: 'r', both: 'r', manual: 'y' }), 'the first fevers dropped out, the later one not yet')
  await agrees(week.payload.paper, 'at T0+7d')
  ctx.clock.advance(60_000)
  const weekLater = await fetchList(ctx, await login())
  t.notOk(cards.green[0]!.cardId in weekLater.payload.paper, 'the later fever drops out 7 days after it was declared')
  await agrees(weekLater.payload.paper, 'at T0+7d+60s')

  ctx.clock.set(ctx.clock.now() + 7 * DAY)
  const fortnight = await fetchList(ctx, await login())
  t.same(fortnight.payload.paper, expected({ manual: 'y' }), 'after 14 days only the manual yellow (no end date) is left')
  await agrees(fortnight.payload.paper, 'at T0+14d')

  // A card past its expiry (and the clock-skew tolerance) verifies nowhere: it leaves the list, its holder still yellow.
  ctx.clock.set(T0 + 27 * DAY)
  const renewed = await issue('manual')
  ctx.clock.set(T0 + PAPER_SECONDS * 1000 + ctx.config.clockSkewSeconds * 1000 - 1000)
  const lastSecond = await fetchList(ctx, await login())
  t.equal(Object.keys(lastSecond.payload.paper).length, 2, 'within the skew tolerance the old card still counts')
  ctx.clock.advance(60_000)
  const expired = await fetchList(ctx, await login())
  t.same(expired.payload.paper, { [renewed]: 'y' }, 'only the unexpired card of the yellow holder')
  t.equal(expired.body.count, 1)
  await agrees(expired.payload.paper, 'at T0+28d')
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
  t.same(admin.payload.paper, {}, 'no cards in an empty city')
  t.equal(admin.body.count, 0)
})

// The list's SQL only narrows the entries read (begun by then, not ended or run out), and the cards read (not expired):
// status.rules.ts colorAt decides. Row for row, on random entries and cards whose times collide with the moments asked
// about, status.nonGreen must say exactly what colorAt says of each person's entries, and the signed list exactly
// what colorAt and the cards' expiry say of each card.
eachDb('status list: the non-green people are exactly those colorAt finds non-green, and the list exactly their unexpired cards, at every boundary', async (t, ctx) => {
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
  const skewMs = ctx.config.clockSkewSeconds * 1000
  const moment = (): number => T0 + rand(12) * HOUR
  const colours = ['green', 'yellow', 'red'] as const
  const people: string[] = []
  const entries: Entry[] = []
  const cards: Array<{ cardId: string, personId: string, expiresAt: number }> = []
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
    // Up to two cards each; most expire on one of the moments asked about (a verifier accepts a card until its exp
    // plus the clock-skew tolerance), the others long after.
    for (let k = rand(3); k > 0; k--) {
      const expiresAt = rand(4) === 0 ? T0 + 28 * DAY : moment() - skewMs
      const card = { cardId: `card-${p}-${k}`, personId, expiresAt }
      cards.push(card)
      await db.insert(tables.paperCards).values({ ...card, issuedAt: expiresAt - 28 * DAY })
    }
  }
  const entriesOf = new Map(people.map((id, i) => [id, entries.filter((e) => e.id.startsWith(`e-${i}-`))]))
  // Sessions are signed on the test clock and last 12 hours; logins are limited to 10 a minute: log in before the first
  // moment asked about, and again half-way.
  ctx.clock.set(T0 - 2 * HOUR)
  let session = { at: ctx.clock.now(), token: await ctx.staff('volunteer', { username: 'scanner' }) }
  const volunteer = async (): Promise<string> => {
    if (ctx.clock.now() - session.at < 10 * HOUR) return session.token
    const res = await ctx.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'scanner', password: 'staff-password-123' } })
    session = { at: ctx.clock.now(), token: res.json().accessToken as string }
    return session.token
  }
  let nonGreenSeen = 0
  let cardsSeen = 0
  let cardsExpired = 0
  for (let h = -1; h <= 18; h++) {
    const at = T0 + h * HOUR
    const label = `at T0${h >= 0 ? '+' : ''}${h} h`
    const expected = people.map((id) => ({ personId: id, color: colorAt(entriesOf.get(id) as Entry[], at) })).filter((x) => x.color !== 'green')
    nonGreenSeen += expected.length
    t.same(await ctx.app.status.nonGreen(at), expected, label)

    const colourOf = new Map(expected.map((x) => [x.personId, x.color]))
    const paper: Record<string, string> = {}
    for (const c of cards.filter((c) => colourOf.has(c.personId))) {
      if (c.expiresAt + skewMs > at) paper[c.cardId] = (colourOf.get(c.personId) as string)[0] as string
      else cardsExpired++
    }
    cardsSeen += Object.keys(paper).length
    ctx.clock.set(at)
    const list = await fetchList(ctx, await volunteer())
    t.same(list.payload.paper, paper, `${label}: the signed list`)
    t.equal(list.body.count, Object.keys(paper).length, `${label}: count`)
  }
  t.ok(nonGreenSeen > 20, `the worlds held non-green people (${nonGreenSeen} person-moments)`)
  t.ok(cardsSeen > 20 && cardsExpired > 10, `the lists held cards (${cardsSeen}) and left out expired ones (${cardsExpired})`)
})

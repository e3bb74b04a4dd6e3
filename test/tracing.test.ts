// Contact tracing: trails, contacts by docs/tracing.md (its worked example exactly), exports, validation and audit.
import { randomUUID } from 'node:crypto'
import { asc, eq } from 'drizzle-orm'
import { randomId } from '../src/lib/ids.ts'
import { createTracingQueries } from '../src/db/tracing-queries.ts'
import { createCursors } from '../src/modules/tracing/tracing.cursor.ts'
import { createTracingService } from '../src/modules/tracing/tracing.service.ts'
import { eachDb, bearerOf, DAY, type Ctx } from './helper.ts'

/** The tracing service as the app builds it, but giving the event loop back every `sliceMs` (0: at every step). */
const tracingWith = (ctx: Ctx, sliceMs: number) => createTracingService({ queries: createTracingQueries(ctx.app.store), people: ctx.app.people, checkpoints: ctx.app.checkpoints, households: ctx.app.households, config: ctx.config, cursors: createCursors('test') }, { sliceMs })

const at = (hhmm: string, day = '2026-03-01'): number => {
  const time = hhmm.length === 5 ? `${hhmm}:00` : hhmm
  return Date.parse(`${day}T${time}${time.includes('.') ? '' : '.000'}Z`)
}
const isoAt = (hhmm: string, day?: string): string => new Date(at(hhmm, day)).toISOString()
const MIN = 60_000
/** How an export writes a text cell: ids are random base64url and may start with "-", which the formula guard prefixes too. */
const g = (s: string): string => (/^[=+\-@]/.test(s) ? `'${s}` : s)

/** A person inserted directly (exact worlds need no login). */
async function person (ctx: Ctx, name: string | null = '张三'): Promise<string> {
  const id = randomId()
  const now = ctx.clock.now()
  await ctx.app.store.tx(async (db) => { await db.insert(ctx.app.store.t.people).values({ id, nameEnc: name === null ? null : ctx.app.pii.encrypt(name), createdBy: 'test', createdAt: now, updatedAt: now }) })
  return id
}

/** Scans at exact times: [personId, checkpointId, time, direction?, plate?]. */
async function scans (ctx: Ctx, rows: Array<[string, string, number, ('in' | 'out' | 'pass')?, string?]>): Promise<void> {
  await ctx.app.store.tx(async (db) => {
    await db.insert(ctx.app.store.t.scans).values(rows.map(([personId, checkpointId, scannedAt, direction, plate]) => ({
      id: randomUUID(), personId, checkpointId, actorId: 'test', source: 'scan', kind: 'live', scannedAt, receivedAt: scannedAt,
      direction: direction ?? null, plate: plate ?? null, color: 'green', decision: 'allow', reason: null, jti: null, offline: false, requestHash: 'test', flags: null
    })))
  })
}

const call = (ctx: Ctx, token: string, personId: string, path: string, query: Record<string, string | number> = { purpose: 'case-42' }) =>
  ctx.inject({ method: 'GET', url: `/v1/people/${personId}/${path}?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]))}`, headers: bearerOf(token) })

const auditOf = async (ctx: Ctx, target: string) => {
  const { t } = ctx.app.store
  return ctx.app.store.db.select().from(t.auditLog).where(eq(t.auditLog.target, target)).orderBy(asc(t.auditLog.seq))
}

/**
 * The worked example of docs/tracing.md (times UTC; Asia/Shanghai is 8 hours ahead). A is the index person.
 */
async function example (ctx: Ctx) {
  ctx.clock.set(at('00:00', '2026-03-02'))
  const G1 = await ctx.checkpoint({ name: '陆城卡口', kind: 'traffic' })
  const G2 = await ctx.checkpoint({ name: '红花套卡口', kind: 'traffic' })
  const V = await ctx.checkpoint({ name: '清江农贸市场', kind: 'venue' })
  const K = await ctx.checkpoint({ name: '园林社区门岗', kind: 'community' })
  const names = ['甲', '乙', '丙', '丁', '戊', '己', '庚', '辛', '壬'] as const
  const [A, B, C, D, E, E2, F, H, J] = await Promise.all(names.map(async (n) => await person(ctx, n))) as [string, string, string, string, string, string, string, string, string]
  await scans(ctx, [
    // A and B in one car through G1, then together at the market.
    [A, G1, at('08:00'), 'pass', '鄂E12345'], [B, G1, at('08:00:10'), 'pass', '鄂E 12345'],
    [A, V, at('09:05'), 'in'], [A, V, at('09:30'), 'out'],
    [B, V, at('09:00'), 'in'], [B, V, at('09:40'), 'out'],
    // C shops while A is still there: 10 minutes together in the market.
    [C, V, at('09:20'), 'in'], [C, V, at('10:00'), 'out'],
    // D passes G1 ten minutes after A.
    [D, G1, at('08:10')],
    // E is within 2 minutes of A at two checkpoints on one Shanghai day (20:00 and 22:00 there).
    [A, K, at('12:01')], [E, K, at('12:00')],
    [A, G2, at('14:01:30')], [E, G2, at('14:00')],
    // E2 the same, but 23:00 and 00:30 in Shanghai: two days.
    [A, K, at('15:01')], [E2, K, at('15:00')],
    [A, G2, at('16:31')], [E2, G2, at('16:30')],
    // B drives F after meeting A (depth 2), H before (not), D later (D is depth 1 already); C drives J (C is not close).
    [B, G2, at('10:30'), 'pass', '鄂A11111'], [F, G2, at('10:30:20'), 'pass', '鄂A11111'],
    [B, G2, at('07:00'), 'pass', '鄂A22222'], [H, G2, at('07:00:05'), 'pass', '鄂A22222'],
    [B, G1, at('11:00'), 'pass', '鄂A33333'], [D, G1, at('11:00:30'), 'pass', '鄂A33333'],
    [C, G2, at('11:30'), 'pass', '鄂A44444'], [J, G2, at('11:30:05'), 'pass', '鄂A44444']
  ])
  return { G1, G2, V, K, A, B, C, D, E, E2, F, H, J }
}

eachDb('the worked example of docs/tracing.md, exactly', async (t, ctx) => {
  const { G1, G2, V, K, A, B, C, D, E, E2, F } = await example(ctx)
  const tracer = await ctx.staff('tracer')
  const range = { purpose: 'case-42', from: isoAt('00:00'), to: isoAt('23:59') }
  const enc = (checkpointId: string, kind: string, atT: string, indexAt: string, gapSeconds: number, overlapSeconds: number, sameVehicle: boolean, withPersonId: string, tier: string) =>
    ({ checkpointId, kind, at: isoAt(atT), indexAt: isoAt(indexAt), gapSeconds, overlapSeconds, sameVehicle, withPersonId, tier })
  const b = {
    personId: B, displayName: '乙', tier: 'close', depth: 1, via: A, score: 51.2, firstEncounterAt: isoAt('08:00:10'), lastEncounterAt: isoAt('09:00'),
    overlapMinutes: 25, encounterCount: 2, days: 1,
    encounters: [enc(G1, 'traffic', '08:00:10', '08:00', 10, 0, true, A, 'close'), enc(V, 'venue', '09:00', '09:05', 0, 1500, false, A, 'close')]
  }
  const e = {
    personId: E, displayName: '戊', tier: 'close', depth: 1, via: A, score: 0.3, firstEncounterAt: isoAt('12:00'), lastEncounterAt: isoAt('14:00'),
    overlapMinutes: 0, encounterCount: 2, days: 1,
    encounters: [enc(K, 'community', '12:00', '12:01', 60, 0, false, A, 'close'), enc(G2, 'traffic', '14:00', '14:01:30', 90, 0, false, A, 'close')]
  }
  const c = {
    personId: C, displayName: '丙', tier: 'exposure', depth: 1, via: A, score: 20, firstEncounterAt: isoAt('09:20'), lastEncounterAt: isoAt('09:20'),
    overlapMinutes: 10, encounterCount: 1, days: 1, encounters: [enc(V, 'venue', '09:20', '09:05', 0, 600, false, A, 'exposure')]
  }
  const e2 = {
    personId: E2, displayName: '己', tier: 'companion', depth: 1, via: A, score: 0.3, firstEncounterAt: isoAt('15:00'), lastEncounterAt: isoAt('16:30'),
    overlapMinutes: 0, encounterCount: 2, days: 2,
    encounters: [enc(K, 'community', '15:00', '15:01', 60, 0, false, A, 'companion'), enc(G2, 'traffic', '16:30', '16:31', 60, 0, false, A, 'companion')]
  }
  const d = {
    personId: D, displayName: '丁', tier: 'companion', depth: 1, via: A, score: 0.1, firstEncounterAt: isoAt('08:10'), lastEncounterAt: isoAt('08:10'),
    overlapMinutes: 0, encounterCount: 1, days: 1, encounters: [enc(G1, 'traffic', '08:10', '08:00', 600, 0, false, A, 'companion')]
  }
  const f = {
    personId: F, displayName: '庚', tier: 'close', depth: 2, via: B, score: 1.2, firstEncounterAt: isoAt('10:30:20'), lastEncounterAt: isoAt('10:30:20'),
    overlapMinutes: 0, encounterCount: 1, days: 1, encounters: [enc(G2, 'traffic', '10:30:20', '10:30', 20, 0, true, B, 'close')]
  }

  const d1 = await call(ctx, tracer, A, 'contacts', range)
  t.equal(d1.statusCode, 200, d1.body)
  t.same(d1.json(), {
    personId: A, windowMinutes: 15, depth: 1, tiers: ['close', 'exposure'], totals: { close: 2, exposure: 1, companion: null },
    contacts: [b, e, c], nextCursor: null
  }, 'by default close and exposure: B (one car, then the market), E (two places within 2 minutes on one day), C (the market)')

  const all = await call(ctx, tracer, A, 'contacts', { ...range, tiers: 'companion,close,exposure' })
  t.same(all.json().tiers, ['close', 'exposure', 'companion'], 'tiers in their order, whatever the order asked')
  t.same(all.json().totals, { close: 2, exposure: 1, companion: 2 })
  t.same(all.json().contacts, [b, e, c, e2, d], 'companions last, by score: E2 met A on two Shanghai days, D 10 minutes apart')

  const d2 = await call(ctx, tracer, A, 'contacts', { ...range, depth: 2 })
  t.equal(d2.statusCode, 200, d2.body)
  t.same(d2.json().contacts, [b, e, f, c], 'depth 2: F rode with B after B met A; not H (before), not D (depth 1), not J (C is not close)')
  t.same(d2.json().totals, { close: 2, exposure: 1, companion: null }, 'totals count depth 1 only')
  const exposureOnly = await call(ctx, tracer, A, 'contacts', { ...range, depth: 2, tiers: 'exposure' })
  t.same(exposureOnly.json().contacts.map((x: { personId: string }) => x.personId), [C], 'depth 2 is listed with close only')

  const sites = await call(ctx, tracer, A, 'exposure-sites', range)
  t.equal(sites.statusCode, 200, sites.body)
  const site = (checkpointId: string, checkpointName: string, kind: string, from: string, to: string, close: number, exposure: number, companion: number) =>
    ({ checkpointId, checkpointName, kind, from: isoAt(from), to: isoAt(to), people: { close, exposure, companion } })
  t.same(sites.json(), {
    personId: A,
    sites: [
      site(G1, '陆城卡口', 'traffic', '07:45', '08:15', 1, 0, 1),
      site(V, '清江农贸市场', 'venue', '08:50', '09:45', 1, 1, 0),
      site(K, '园林社区门岗', 'community', '11:46', '12:16', 1, 0, 0),
      site(G2, '红花套卡口', 'traffic', '13:46:30', '14:16:30', 1, 0, 0),
      site(K, '园林社区门岗', 'community', '14:46', '15:16', 0, 0, 1),
      site(G2, '红花套卡口', 'traffic', '16:16', '16:46', 0, 0, 1)
    ]
  }, 'each presence widened by 15 minutes, with who met A there by tier')

  const trail = await call(ctx, tracer, C, 'trail', range)
  t.equal(trail.statusCode, 200, trail.body)
  t.same(trail.json().scans.map((s: { scannedAt: string, checkpointName: string, direction: string | null, plate: string | null }) => [s.scannedAt, s.checkpointName, s.direction, s.plate]), [
    [isoAt('09:20'), '清江农贸市场', 'in', null], [isoAt('10:00'), '清江农贸市场', 'out', null], [isoAt('11:30'), '红花套卡口', 'pass', '鄂A44444']
  ], 'the trail is oldest first')
})

eachDb('pages: every contact once, in order, with the totals on every page; cursors bound to their question', async (t, ctx) => {
  ctx.clock.set(at('00:00', '2026-03-02'))
  const G = await ctx.checkpoint({ name: '陆城卡口', kind: 'traffic' })
  const A = await person(ctx)
  const crowd = await Promise.all(Array.from({ length: 7 }, async () => await person(ctx)))
  // Seven companions 3 to 9 minutes after A: equal scores, so by first encounter.
  await scans(ctx, [[A, G, at('12:00')], ...crowd.map((id, k): [string, string, number] => [id, G, at('12:03') + k * 60_000])])
  const tracer = await ctx.staff('tracer')
  const q = { purpose: 'case-42', tiers: 'close,exposure,companion', limit: 3 }
  const seen: string[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const res = await call(ctx, tracer, A, 'contacts', cursor === null ? q : { ...q, cursor })
    t.equal(res.statusCode, 200, res.body)
    t.same(res.json().totals, { close: 0, exposure: 0, companion: 7 }, 'the totals of the whole answer on every page')
    seen.push(...res.json().contacts.map((c: { personId: string }) => c.personId))
    cursor = res.json().nextCursor
    pages++
  } while (cursor !== null && pages < 10)
  t.equal(pages, 3, 'three pages of 3, 3 and 1')
  t.same(seen, crowd, 'each contact once, in the order of their encounters')

  const first = (await call(ctx, tracer, A, 'contacts', q)).json().nextCursor as string
  const tampered = first.slice(0, 5) + (first[5] === 'A' ? 'B' : 'A') + first.slice(6)
  const other = await person(ctx)
  await scans(ctx, [[other, G, at('12:01')]])
  const refusals: Array<[string, Record<string, string | number>, string]> = [
    ['a changed character', { ...q, cursor: tampered }, A],
    ['another window', { ...q, cursor: first, windowMinutes: 30 }, A],
    ['other tiers', { ...q, cursor: first, tiers: 'companion' }, A],
    ['another depth', { ...q, cursor: first, depth: 2 }, A],
    ['another person', { ...q, cursor: first }, other],
    ['not a cursor', { ...q, cursor: 'hello' }, A]
  ]
  for (const [what, query, personId] of refusals) {
    const res = await call(ctx, tracer, personId, 'contacts', query)
    t.equal(res.statusCode, 400, `${what}: ${res.body}`)
    t.match(res.json(), { code: 'GP_VALIDATION', message: /query\.cursor/ }, what)
  }
  const bigger = await call(ctx, tracer, A, 'contacts', { ...q, cursor: first, limit: 10 })
  t.same(bigger.json().contacts.map((c: { personId: string }) => c.personId), crowd.slice(3), 'the page size may change between pages')
})

eachDb('presences: window and 4-hour boundaries, the range, same vehicle, sorting', async (t, ctx) => {
  ctx.clock.set(at('00:00', '2026-03-02'))
  const P = await ctx.checkpoint({ name: '卡口一', kind: 'traffic' })
  const Q = await ctx.checkpoint({ name: '卡口二', kind: 'traffic' })
  const A = await person(ctx)
  const ids = await Promise.all(Array.from({ length: 9 }, () => person(ctx)))
  const [edgeBefore, edgeAfter, justOut, justOut2, longStay, tooLong, late, car, seconds] = ids as string[] as [string, string, string, string, string, string, string, string, string]
  await scans(ctx, [
    [A, P, at('12:00'), 'pass', '鄂E 12345'],
    [edgeBefore, P, at('11:45'), undefined, '鄂e12345'], // exactly 15 min before: a contact; the same car
    [edgeAfter, P, at('12:15')], // exactly 15 min after
    [justOut, P, at('11:44:59.999')],
    [justOut2, P, at('12:15:00.001')],
    [longStay, P, at('08:00'), 'in'], [longStay, P, at('12:00'), 'out'], // a stay of exactly 4 h: contains A's point
    [tooLong, P, at('08:00'), 'in'], [tooLong, P, at('12:00:00.001'), 'out'], // 4 h + 1 ms: two points, the "out" 1 ms after A
    [late, P, at('11:30'), 'in'], [late, P, at('13:00', '2026-03-02'), 'out'], // the "out" is outside the range: a point
    [car, P, at('11:50'), undefined, '鄂A99999'],
    [seconds, P, at('12:00:30.900')],
    [A, Q, at('14:00')],
    [seconds, Q, at('14:10')]
  ])
  const tracer = await ctx.staff('tracer')
  const res = await call(ctx, tracer, A, 'contacts', { purpose: 'case-42', from: isoAt('00:00'), to: isoAt('23:59'), tiers: 'close,exposure,companion' })
  t.equal(res.statusCode, 200, res.body)
  const contacts = res.json().contacts as Array<{ personId: string, firstEncounterAt: string, encounters: Array<{ checkpointId: string, at: string, indexAt: string, gapSeconds: number, sameVehicle: boolean }> }>
  const byId = new Map(contacts.map((c) => [c.personId, c]))
  t.notOk(byId.has(justOut), '15 min + 1 ms before: not a contact')
  t.notOk(byId.has(justOut2), '15 min + 1 ms after: not a contact')
  t.notOk(byId.has(late), 'an "in" whose "out" is outside the range is a point, 30 min before')
  t.match(byId.get(edgeBefore)?.encounters, [{ gapSeconds: 900, sameVehicle: true }], 'plates compared without spaces, upper case')
  t.match(byId.get(edgeAfter)?.encounters, [{ gapSeconds: 900, sameVehicle: false }])
  t.match(byId.get(car)?.encounters, [{ gapSeconds: 600, sameVehicle: false }], 'another plate')
  t.match(byId.get(longStay)?.encounters, [{ at: isoAt('08:00'), indexAt: isoAt('12:00'), gapSeconds: 0 }], 'a 4-hour stay is a stay')
  t.same(byId.get(tooLong)?.encounters.map((e) => [e.at, e.gapSeconds]), [[isoAt('12:00:00.001'), 0]], 'an "out" 4 h + 1 ms after the "in" is a point of its own')
  t.same(byId.get(seconds)?.encounters.map((e) => [e.checkpointId, e.gapSeconds]), [[P, 30], [Q, 600]], 'gapSeconds rounded down; encounters by time')
  t.match(byId.get(edgeBefore), { tier: 'companion', score: 1.2 }, 'the same car 15 minutes apart: not one ride, but weighted as a vehicle')
  // All companions: by score (the shared plate 1.2; two gates 0.2; the rest 0.1), then firstEncounterAt, then personId.
  t.same(contacts.map((c) => c.personId), [edgeBefore, seconds, longStay, car, tooLong, edgeAfter])

  // Two contacts at the same moment: the smaller personId first.
  const twins = [await person(ctx), await person(ctx)].sort()
  await scans(ctx, twins.map((id): [string, string, number] => [id, Q, at('14:05')]))
  const again = (await call(ctx, tracer, A, 'contacts', { purpose: 'case-42', from: isoAt('00:00'), to: isoAt('23:59'), tiers: 'companion' })).json().contacts as Array<{ personId: string }>
  t.same(again.slice(-2).map((c) => c.personId), twins, 'equal score and firstEncounterAt: by personId')
})

eachDb('one person\'s scans at one checkpoint in the same millisecond are ordered by scan id', async (t, ctx) => {
  ctx.clock.set(at('00:00', '2026-03-02'))
  const P = await ctx.checkpoint({ name: '清江社区门岗', kind: 'community' })
  const A = await person(ctx)
  const [B, C] = [await person(ctx), await person(ctx)]
  const [lower, higher] = [randomUUID(), randomUUID()].sort() as [string, string]
  /** A scan with a chosen id, inserted on its own (the insert order is the reverse of the id order below). */
  const scan = async (id: string, personId: string, scannedAt: number, direction: 'in' | 'out' | null) => {
    await ctx.app.store.tx(async (db) => {
      await db.insert(ctx.app.store.t.scans).values({
        id, personId, checkpointId: P, actorId: 'test', source: 'scan', kind: 'live', scannedAt, receivedAt: scannedAt,
        direction, plate: null, color: 'green', decision: 'allow', reason: null, jti: null, offline: false, requestHash: 'test', flags: null
      })
    })
  }
  await scans(ctx, [[A, P, at('10:03')]])
  // B: "out" (lower id) then "in" (higher id) at 10:00, and an "out" at 10:30. By id the "in" comes second, so it
  // starts the stay [10:00, 10:30] that contains A's point; the 10:00 "out" is a point of its own, 3 minutes away.
  await scan(higher, B, at('10:00'), 'in')
  await scan(lower, B, at('10:00'), 'out')
  await scan(randomUUID(), B, at('10:30'), 'out')
  // C: "in" (lower id) then "out" (higher id) at 10:00: a stay of no length, 3 minutes away; the 10:30 "out" has no
  // "in" before it and is outside the window.
  const [cLower, cHigher] = [randomUUID(), randomUUID()].sort() as [string, string]
  await scan(cHigher, C, at('10:00'), 'out')
  await scan(cLower, C, at('10:00'), 'in')
  await scan(randomUUID(), C, at('10:30'), 'out')

  const tracer = await ctx.staff('tracer')
  const res = await call(ctx, tracer, A, 'contacts', { purpose: 'case-42', from: isoAt('00:00'), to: isoAt('23:59'), windowMinutes: 5, tiers: 'companion' })
  t.equal(res.statusCode, 200, res.body)
  const byId = new Map((res.json().contacts as Array<{ personId: string, encounters: Array<{ at: string, gapSeconds: number }> }>).map((c) => [c.personId, c]))
  t.same(byId.get(B)?.encounters.map((e) => [e.at, e.gapSeconds]).sort(), [[isoAt('10:00'), 0], [isoAt('10:00'), 180]], 'B: the stay from its "in" (gap 0) and its "out" as a point (3 minutes)')
  t.same(byId.get(C)?.encounters.map((e) => [e.at, e.gapSeconds]), [[isoAt('10:00'), 180]], 'C: one stay of no length, 3 minutes away')
})

eachDb('a trail recorded through the scan API, live and offline, oldest first', async (t, ctx) => {
  const cp = await ctx.checkpoint({ name: '清江社区门岗', kind: 'community' })
  const volunteer = await ctx.staff('volunteer', { checkpointIds: [cp] })
  const r = await ctx.resident({ profile: { name: '张三' } })
  const token = (await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(r.token) })).json().token as string
  const live = await ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(volunteer), payload: { id: randomUUID(), token, checkpointId: cp, direction: 'in', plate: '鄂E12345' } })
  t.equal(live.statusCode, 200, live.body)
  const offline = await ctx.inject({ method: 'POST', url: '/v1/scans/batch', headers: bearerOf(volunteer), payload: { scans: [{ id: randomUUID(), token, checkpointId: cp, scannedAt: new Date(ctx.clock.now() - 30_000).toISOString(), direction: 'pass' }] } })
  t.match(offline.json().results, [{ recorded: true, offline: true }])
  ctx.clock.advance(MIN)

  const tracer = await ctx.staff('tracer')
  const res = await call(ctx, tracer, r.personId, 'trail')
  t.equal(res.statusCode, 200, res.body)
  const [first, second] = res.json().scans
  t.match(first, { checkpointId: cp, checkpointName: '清江社区门岗', direction: 'pass', color: 'green', decision: 'allow', plate: null })
  t.match(second, { checkpointId: cp, direction: 'in', plate: '鄂E12345', scannedAt: new Date(ctx.clock.now() - MIN).toISOString() })
  t.same(Object.keys(first).sort(), ['checkpointId', 'checkpointName', 'color', 'decision', 'direction', 'id', 'plate', 'scannedAt'])

  // The person sees the tracer's read, with its purpose, in their access log.
  const log = await ctx.inject({ method: 'GET', url: '/v1/me/access-log', headers: bearerOf(r.token) })
  t.match(log.json().entries, [{ role: 'tracer', action: 'trail.read', purpose: 'case-42' }])
})

eachDb('refusals: each bad input is a named 4xx, and every call is audited', async (t, ctx) => {
  const { A } = await example(ctx)
  const tracer = await ctx.staff('tracer', { username: 'tracer-li' })
  const bad: Array<[Record<string, string | number>, number, string, RegExp, string | null]> = [
    [{}, 400, 'GP_PURPOSE_REQUIRED', /purpose/, null],
    [{ purpose: 'ab' }, 400, 'GP_PURPOSE_REQUIRED', /purpose/, 'ab'],
    [{ purpose: 'case-42', from: isoAt('12:00'), to: isoAt('12:00') }, 400, 'GP_VALIDATION', /from/, 'case-42'],
    [{ purpose: 'case-42', from: isoAt('12:00'), to: isoAt('11:00') }, 400, 'GP_VALIDATION', /from/, 'case-42'],
    [{ purpose: 'case-42', from: new Date(at('00:00') - 29 * DAY).toISOString(), to: isoAt('00:00') }, 400, 'GP_VALIDATION', /28 days/, 'case-42'],
    [{ purpose: 'case-42', windowMinutes: 0 }, 400, 'GP_VALIDATION', /windowMinutes/, 'case-42'],
    [{ purpose: 'case-42', windowMinutes: 241 }, 400, 'GP_VALIDATION', /windowMinutes/, 'case-42'],
    [{ purpose: 'case-42', depth: 3 }, 400, 'GP_VALIDATION', /depth/, 'case-42'],
    [{ purpose: 'case-42', from: 'yesterday' }, 400, 'GP_VALIDATION', /from/, 'case-42'],
    [{ purpose: 'case-42', tiers: 'close,foo' }, 400, 'GP_VALIDATION', /query\.tiers: unknown tier "foo"/, 'case-42'],
    [{ purpose: 'case-42', tiers: '' }, 400, 'GP_VALIDATION', /query\.tiers/, 'case-42'],
    [{ purpose: 'case-42', limit: 0 }, 400, 'GP_VALIDATION', /limit/, 'case-42'],
    [{ purpose: 'case-42', limit: 1001 }, 400, 'GP_VALIDATION', /limit/, 'case-42'],
    [{ purpose: 'case-42', cursor: 'eyJ4IjoxfQ.AAAA' }, 400, 'GP_VALIDATION', /query\.cursor/, 'case-42']
  ]
  for (const [query, status, code, message, purpose] of bad) {
    const res = await call(ctx, tracer, A, 'contacts', query)
    t.equal(res.statusCode, status, `${JSON.stringify(query)}: ${res.body}`)
    t.equal(res.json().code, code)
    t.match(res.json().message, message)
    const last = (await auditOf(ctx, A)).at(-1)
    t.match(last, { actor: 'tracer-li', role: 'tracer', action: 'contacts.read.refused', target: A, purpose }, `${JSON.stringify(query)} is audited`)
  }
  t.equal((await auditOf(ctx, A)).length, bad.length, 'one audit entry per call')

  const nobody = randomId()
  const missing = await call(ctx, tracer, nobody, 'trail')
  t.equal(missing.statusCode, 404)
  t.equal(missing.json().code, 'GP_NOT_FOUND')
  t.match(await auditOf(ctx, nobody), [{ action: 'trail.read.refused', target: nobody, purpose: 'case-42' }])

  // Roles: anyone but tracer, officer, admin is refused, and that is audited too.
  const resident = await ctx.resident()
  const others: Array<[string, string]> = [
    ['resident', resident.token],
    ['volunteer', await ctx.staff('volunteer')],
    ['gridworker', await ctx.staff('gridworker')]
  ]
  for (const [role, token] of others) {
    for (const [path, action] of [['trail.csv', 'trail.export'], ['contacts', 'contacts.read'], ['exposure-sites', 'sites.read']]) {
      const res = await call(ctx, token, A, path as string)
      t.equal(res.statusCode, 403, `${role} ${path}`)
      t.equal(res.json().code, 'GP_FORBIDDEN')
      t.match((await auditOf(ctx, A)).at(-1), { role, action: `${action as string}.refused`, target: A, purpose: 'case-42' }, `${role} ${path}: refusal audited`)
    }
  }
  const sitesBad = await call(ctx, tracer, A, 'exposure-sites', { purpose: 'ab' })
  t.match(sitesBad.json(), { statusCode: 400, code: 'GP_PURPOSE_REQUIRED' }, 'exposure sites need a purpose too')
  t.match((await auditOf(ctx, A)).at(-1), { action: 'sites.read.refused', purpose: 'ab' })
  const sitesWindow = await call(ctx, tracer, A, 'exposure-sites', { purpose: 'case-42', windowMinutes: 241 })
  t.match(sitesWindow.json(), { statusCode: 400, code: 'GP_VALIDATION', message: /windowMinutes/ })
  const before = (await auditOf(ctx, A)).length
  const anon = await ctx.inject({ method: 'GET', url: `/v1/people/${A}/trail?purpose=case-42` })
  t.equal(anon.statusCode, 401)
  t.equal((await auditOf(ctx, A)).length, before, 'no session: nothing to attribute, not audited')

  for (const role of ['officer', 'admin']) {
    const token = role === 'admin' ? await ctx.admin() : await ctx.staff(role)
    const res = await call(ctx, token, A, 'contacts', { purpose: 'case-42', depth: 2 })
    t.equal(res.statusCode, 200, role)
    t.match((await auditOf(ctx, A)).at(-1), { role, action: 'contacts.read', purpose: 'case-42' })
  }
})

eachDb('a call larger than GRIDPASS_TRACING_MAX_ROWS is refused with 422 GP_TRACE_TOO_LARGE, and audited', async (t, ctx) => {
  ctx.clock.set(at('00:00', '2026-03-02'))
  const P = await ctx.checkpoint({ name: '集贸市场', kind: 'venue' })
  const A = await person(ctx)
  const crowd = await Promise.all(Array.from({ length: 30 }, () => person(ctx)))
  // A at 12:00; the crowd one every 20 s from 12:00:20: three within a minute of A, all thirty within 15 minutes.
  await scans(ctx, [[A, P, at('12:00')], ...crowd.map((id, k): [string, string, number] => [id, P, at('12:00') + (k + 1) * 20_000])])
  const tracer = await ctx.staff('tracer')
  const range = { purpose: 'case-42', from: isoAt('00:00'), to: isoAt('23:59') }

  // The budget is 40 (this test's configuration): one minute reads 1 + 4 presences and finds 3 encounters.
  const narrow = await call(ctx, tracer, A, 'contacts', { ...range, windowMinutes: 1 })
  t.equal(narrow.statusCode, 200, narrow.body)
  t.equal(narrow.json().contacts.length, 3, 'a narrow window fits the budget')

  // Fifteen minutes: 31 presences and 30 encounters.
  for (const path of ['contacts', 'contacts.csv']) {
    const res = await call(ctx, tracer, A, path, range)
    t.equal(res.statusCode, 422, `${path}: ${res.body}`)
    t.match(res.json(), { code: 'GP_TRACE_TOO_LARGE', error: 'Unprocessable Entity', message: /more than 40 presences and encounters \(GRIDPASS_TRACING_MAX_ROWS\): narrow from\/to or windowMinutes, or ask depth 1/ })
    t.match((await auditOf(ctx, A)).at(-1), { role: 'tracer', action: `${path === 'contacts' ? 'contacts.read' : 'contacts.export'}.refused`, target: A, purpose: 'case-42' }, `${path}: the refusal is audited`)
  }
  t.equal((await call(ctx, tracer, A, 'trail', range)).statusCode, 200, 'the trail is not bounded by it')
}, { config: { tracingMaxRows: 40 } })

eachDb('a contacts call gives the event loop back between its reads', async (t, ctx) => {
  const { V, A, B, C, D, E, E2, F } = await example(ctx)
  // More of everything, so that the call reads several ranges and people.
  const crowd = await Promise.all(Array.from({ length: 12 }, () => person(ctx)))
  await scans(ctx, crowd.flatMap((id, k): Array<[string, string, number, 'in' | 'out']> => [[id, V, at('09:10') + k * 60_000, 'in'], [id, V, at('09:50') + k * 60_000, 'out']]))
  const query = { from: at('00:00'), to: at('23:59'), windowMinutes: 15, depth: 2 as const, tiers: ['close', 'exposure', 'companion'] as const }

  // Counts the turns of the event loop (setImmediate) that run while the call is under way.
  const turnsDuring = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
    let turns = 0
    let running = true
    const spin = (): void => { if (running) { turns++; setImmediate(spin) } }
    setImmediate(spin)
    const result = await work()
    running = false
    return [result, turns]
  }
  const [paced, turns] = await turnsDuring(() => tracingWith(ctx, 0).contacts(A, query))
  t.ok(turns > 0, `the loop ran ${turns} times during the call`)
  const [unpaced, turnsWithout] = await turnsDuring(() => tracingWith(ctx, Infinity).contacts(A, query))
  t.same(paced, unpaced, 'pausing changes nothing in the answer')
  t.same(paced.contacts.map((c) => [c.depth, c.personId]).sort(), [[1, B], [1, C], [1, D], [1, E], [1, E2], ...crowd.map((id) => [1, id]), [2, F]].sort(), 'the example and the crowd at depth 1, F at depth 2')
  if (ctx.dialect === 'sqlite') t.equal(turnsWithout, 0, 'SQLite reads are synchronous: without the pauses the loop would not run at all')
})

eachDb('the index person\'s access log shows the tracer\'s reads and refusals', async (t, ctx) => {
  const r = await ctx.resident()
  const tracer = await ctx.staff('tracer')
  await call(ctx, tracer, r.personId, 'trail', { purpose: 'case-7 trail' })
  await call(ctx, tracer, r.personId, 'contacts', { purpose: 'case-7 contacts', depth: 2 })
  await call(ctx, tracer, r.personId, 'contacts', { purpose: 'x' })
  const log = await ctx.inject({ method: 'GET', url: '/v1/me/access-log', headers: bearerOf(r.token) })
  t.same(log.json().entries.map((e: { role: string, action: string, purpose: string | null }) => [e.role, e.action, e.purpose]), [
    ['tracer', 'contacts.read.refused', 'x'],
    ['tracer', 'contacts.read', 'case-7 contacts'],
    ['tracer', 'trail.read', 'case-7 trail']
  ])
})

eachDb('exports: CSV with BOM, quoting and formula guard; GeoJSON; audited as exports', async (t, ctx) => {
  ctx.clock.set(at('00:00', '2026-03-02'))
  const V = await ctx.checkpoint({ name: '=HYPERLINK("http://x","点我")', kind: 'venue', lat: 30.39, lon: 111.45 })
  const G = await ctx.checkpoint({ name: '陆城卡口', kind: 'traffic', lat: 30.4, lon: 111.5 })
  const N = await ctx.checkpoint({ name: '无坐标, 门岗', kind: 'community' })
  const A = await person(ctx, '甲')
  const B = await person(ctx, '欧阳娜娜')
  const F = await person(ctx, '@SUM(1,2)')
  const nameless = await person(ctx, null)
  await scans(ctx, [
    [A, V, at('10:00'), 'in', '鄂E12345'], [A, V, at('11:00'), 'out'],
    [B, V, at('10:30'), undefined, '鄂E12345'],
    [A, N, at('11:30')], [F, N, at('11:35')],
    [A, G, at('12:00')], [nameless, G, at('12:01')],
    [A, V, at('13:00')]
  ])
  const tracer = await ctx.staff('tracer')

  const csv = await call(ctx, tracer, A, 'trail.csv')
  t.equal(csv.statusCode, 200, csv.body)
  t.match(csv.headers['content-type'], /^text\/csv; charset=utf-8/)
  t.match(csv.headers['content-disposition'], new RegExp(`^attachment; filename="trail-${A}-2026-02-16-2026-03-02\\.csv"$`))
  t.equal(csv.headers['content-length'], undefined, 'streamed (chunked), not one buffered string')
  t.equal(csv.rawPayload.subarray(0, 3).toString('hex'), 'efbbbf', 'UTF-8 BOM for Excel')
  const lines = csv.body.replace(/^\uFEFF/, '').split('\r\n')
  t.equal(lines[0], 'scanId,scannedAt,checkpointId,checkpointName,direction,color,decision,plate')
  t.equal(lines.length, 7, 'header, 5 scans, and the final line break')
  t.match(lines[1], new RegExp(`,${isoAt('10:00')},${g(V)},"'=HYPERLINK\\(""http://x"",""点我""\\)",in,green,allow,鄂E12345$`), 'quoted, formula guarded, Chinese readable')
  t.match(lines[3], /,"无坐标, 门岗",,green,allow,$/)

  const contacts = await call(ctx, tracer, A, 'contacts.csv', { purpose: 'case-42', windowMinutes: 30, tiers: 'close,exposure,companion' })
  t.equal(contacts.statusCode, 200, contacts.body)
  t.match(contacts.headers['content-disposition'], /^attachment; filename="contacts-.+\.csv"$/)
  const rows = contacts.body.replace(/^\uFEFF/, '').split('\r\n')
  t.equal(rows[0], 'personId,displayName,tier,depth,via,score,firstEncounterAt,encounterTier,checkpointId,checkpointName,kind,at,indexAt,gapSeconds,overlapSeconds,sameVehicle,withPersonId')
  t.equal(rows[1], [g(B), '欧阳娜娜', 'close', 1, g(A), 2.1, isoAt('10:30'), 'close', g(V), `"'=HYPERLINK(""http://x"",""点我"")"`, 'venue', isoAt('10:30'), isoAt('10:00'), 0, 0, true, g(A)].join(','))
  t.equal(rows[2], [g(F), `"'@SUM(1,2)"`, 'companion', 1, g(A), 0.2, isoAt('11:35'), 'companion', g(N), '"无坐标, 门岗"', 'community', isoAt('11:35'), isoAt('11:30'), 300, 0, false, g(A)].join(','))
  t.equal(rows[3], [g(nameless), '', 'companion', 1, g(A), 0.1, isoAt('12:01'), 'companion', g(G), '陆城卡口', 'traffic', isoAt('12:01'), isoAt('12:00'), 60, 0, false, g(A)].join(','), 'no name: an empty cell')

  const geo = await call(ctx, tracer, A, 'trail.geojson')
  t.equal(geo.statusCode, 200, geo.body)
  t.match(geo.headers['content-type'], /^application\/geo\+json/)
  t.match(geo.headers['content-disposition'], /filename="trail-.+\.geojson"/)
  t.same(geo.json(), {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', geometry: { type: 'Point', coordinates: [111.45, 30.39] }, properties: { checkpointId: V, name: '=HYPERLINK("http://x","点我")', kind: 'venue', scans: [isoAt('10:00'), isoAt('11:00'), isoAt('13:00')] } },
      { type: 'Feature', geometry: { type: 'Point', coordinates: [111.5, 30.4] }, properties: { checkpointId: G, name: '陆城卡口', kind: 'traffic', scans: [isoAt('12:00')] } },
      { type: 'Feature', geometry: { type: 'LineString', coordinates: [[111.45, 30.39], [111.5, 30.4], [111.45, 30.39]] }, properties: { personId: A, from: '2026-02-16T00:00:00.000Z', to: '2026-03-02T00:00:00.000Z' } }
    ]
  }, 'one Point per located checkpoint, the route in time order without the checkpoint that has no coordinates')

  t.same((await auditOf(ctx, A)).map((e) => [e.action, e.purpose]), [['trail.export', 'case-42'], ['contacts.export', 'case-42'], ['trail.export', 'case-42']])
})

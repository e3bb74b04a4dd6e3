// Property test of contact tracing: random small worlds of scans, and GET /v1/people/{id}/contacts and /trail
// compared with a brute force written straight from docs/tracing.md (not from the service), on both databases.
// Every assertion names its world's seed; GRIDPASS_PROPERTY_SEED=<seed> replays that one world (with its queries),
// GRIDPASS_PROPERTY_WORLDS=<n> runs more (or fewer) worlds than the default 25.
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import tap from 'tap'
import { eachDb, bearerOf, T0, type Ctx, type Test } from './helper.ts'

const MIN = 60_000
const HOUR = 60 * MIN
/** docs/tracing.md: an in and the next scan (an out) at most 4 hours later make a stay. */
const STAY_MAX = 4 * HOUR
const WINDOWS = [1, 5, 15, 60, 240]
const QUERIES_PER_WORLD = 6
const PURPOSE = 'property-test'

// ---------------------------------------------------------------------------------------------------------------
// Deterministic randomness.

/** mulberry32: a tiny seeded PRNG, uniform in [0, 1). */
function mulberry32 (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = a
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

interface Rng { next: () => number, int: (lo: number, hi: number) => number, pick: <T>(xs: readonly T[]) => T, chance: (p: number) => boolean }
function rngOf (seed: number): Rng {
  const next = mulberry32(seed)
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1))
  return { next, int, pick: (xs) => xs[int(0, xs.length - 1)] as (typeof xs)[number], chance: (p) => next() < p }
}

/** A UUID-shaped id drawn from the world's PRNG, so that ties broken by personId replay identically. */
function uuidFrom (rng: Rng): string {
  const hex = Array.from({ length: 32 }, () => rng.int(0, 15).toString(16)).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

// ---------------------------------------------------------------------------------------------------------------
// Worlds.

type Direction = 'in' | 'out' | 'pass' | null
interface WScan { id: string, personId: string, checkpointId: string, scannedAt: number, direction: Direction, plate: string | null }
interface World { seed: number, people: string[], checkpoints: string[], scans: WScan[], start: number, end: number }

/** The same two vehicles written in different ways, and no vehicle at all. */
const PLATES: ReadonlyArray<string | null> = ['鄂E12345', '鄂e 12345', '鄂E 123 45', '鄂E67890', '鄂e6789 0', null, null]

/**
 * People, checkpoints and scans from a seed. Checkpoint ids are placeholders (`cp0`…) until the checkpoints exist.
 * Times lie on a minute grid over 5–6 hours before T0 and reuse earlier times often (exact ties between people).
 * One person never has two scans at one checkpoint in the same millisecond: docs/tracing.md pairs a person's scans
 * "in time order", which does not say how such a tie is ordered (an in and an out in the same millisecond would be a
 * stay one way round and two points the other).
 */
function generateWorld (seed: number): World {
  const rng = rngOf(seed)
  const nPeople = rng.int(5, 12)
  const nCheckpoints = rng.int(2, 4)
  const nScans = rng.int(20, 80)
  const spanMinutes = rng.int(300, 360)
  const start = T0 - 8 * HOUR
  const end = start + spanMinutes * MIN
  const people = Array.from({ length: nPeople }, () => uuidFrom(rng))
  const checkpoints = Array.from({ length: nCheckpoints }, (_, i) => `cp${i}`)
  const scans: WScan[] = []
  const taken = new Set<string>()
  const times: number[] = []
  /** A minute of the span leaving room for `room` ms after it; often one already used (a tie with someone else). */
  const randomTime = (room = 0): number => {
    const earlier = times.filter((x) => x + room <= end)
    return (earlier.length > 0 && rng.chance(0.3)) ? rng.pick(earlier) : start + rng.int(0, spanMinutes - room / MIN) * MIN
  }
  const add = (personId: string, checkpointId: string, scannedAt: number, direction: Direction): boolean => {
    if (scannedAt < start || scannedAt > end) return false
    const key = `${personId}|${checkpointId}|${scannedAt}`
    if (taken.has(key)) return false
    taken.add(key)
    times.push(scannedAt)
    scans.push({ id: randomUUID(), personId, checkpointId, scannedAt, direction, plate: rng.pick(PLATES) })
    return true
  }
  let guard = 0
  while (scans.length < nScans && guard++ < 10_000) {
    const person = rng.pick(people)
    const cp = rng.pick(checkpoints)
    const kind = rng.int(0, 9)
    if (kind <= 3) {
      // A stay: up to 4 hours, exactly 4 hours now and then.
      const length = rng.chance(0.1) ? STAY_MAX : rng.pick([rng.int(1, 30), rng.int(1, 240)]) * MIN
      const t = randomTime(length)
      if (add(person, cp, t, 'in')) add(person, cp, t + length, 'out')
    } else if (kind === 4) {
      // Too long to be a stay: a forgotten out, then a late one.
      const length = rng.chance(0.3) ? STAY_MAX + MIN : rng.int(241, 300) * MIN
      const t = randomTime(length)
      if (add(person, cp, t, 'in')) add(person, cp, t + length, 'out')
    } else if (kind === 5) {
      add(person, cp, randomTime(), 'in')
    } else if (kind === 6) {
      add(person, cp, randomTime(), 'out')
    } else {
      add(person, cp, randomTime(), rng.pick(['pass', null, null] as const))
    }
  }
  return { seed, people, checkpoints, scans, start, end }
}

// ---------------------------------------------------------------------------------------------------------------
// The brute force, from docs/tracing.md only.

interface Presence { personId: string, checkpointId: string, start: number, end: number, plate: string | null }
interface Encounter { checkpointId: string, at: number, indexAt: number, gapSeconds: number, sameVehicle: boolean, withPersonId: string }
interface Contact { personId: string, depth: 1 | 2, via: string, firstEncounterAt: number, encounters: Encounter[] }
interface Query { personId: string, from: number, to: number, windowMinutes: number, depth: 1 | 2 }

/** Scans in [from, to], per person and checkpoint, in time order: an in followed by an out ≤ 4 h later is a stay. */
function presencesOf (scans: WScan[], from: number, to: number): Presence[] {
  const groups = new Map<string, WScan[]>()
  for (const s of scans) {
    if (s.scannedAt < from || s.scannedAt > to) continue
    const key = `${s.personId}|${s.checkpointId}`
    groups.set(key, [...(groups.get(key) ?? []), s])
  }
  const out: Presence[] = []
  for (const group of groups.values()) {
    group.sort((a, b) => a.scannedAt - b.scannedAt)
    for (let i = 0; i < group.length; i++) {
      const s = group[i] as WScan
      const next = group[i + 1]
      if (s.direction === 'in' && next !== undefined && next.direction === 'out' && next.scannedAt - s.scannedAt <= STAY_MAX) {
        out.push({ personId: s.personId, checkpointId: s.checkpointId, start: s.scannedAt, end: next.scannedAt, plate: s.plate })
        i++
      } else {
        out.push({ personId: s.personId, checkpointId: s.checkpointId, start: s.scannedAt, end: s.scannedAt, plate: s.plate })
      }
    }
  }
  return out
}

const gapOf = (a: Presence, b: Presence): number => Math.max(0, Math.max(a.start, b.start) - Math.min(a.end, b.end))
const plateKey = (p: string | null): string | null => p === null ? null : p.replace(/ /g, '').toUpperCase()
const samePlate = (a: Presence, b: Presence): boolean => a.plate !== null && b.plate !== null && plateKey(a.plate) === plateKey(b.plate)

/** Every pair (presence of `other` in candidates, presence of `base` in bases) at one checkpoint within the window. */
function meet (bases: Presence[], candidates: Presence[], windowMs: number): Array<{ base: Presence, other: Presence, encounter: Encounter }> {
  const found: Array<{ base: Presence, other: Presence, encounter: Encounter }> = []
  for (const base of bases) {
    for (const other of candidates) {
      if (other.checkpointId !== base.checkpointId) continue
      const gap = gapOf(base, other)
      if (gap > windowMs) continue
      found.push({
        base,
        other,
        encounter: { checkpointId: other.checkpointId, at: other.start, indexAt: base.start, gapSeconds: Math.floor(gap / 1000), sameVehicle: samePlate(base, other), withPersonId: base.personId }
      })
    }
  }
  return found
}

const byEncounterOrder = (a: Encounter, b: Encounter): number => a.at - b.at || a.indexAt - b.indexAt
const cmpStr = (a: string, b: string): number => a < b ? -1 : a > b ? 1 : 0

function bruteContacts (world: World, q: Query): Contact[] {
  const presences = presencesOf(world.scans, q.from, q.to)
  const windowMs = q.windowMinutes * MIN
  const index = presences.filter((p) => p.personId === q.personId)
  const others = presences.filter((p) => p.personId !== q.personId)
  const depth1 = new Map<string, Contact>()
  for (const { other, encounter } of meet(index, others, windowMs)) {
    const c = depth1.get(other.personId) ?? { personId: other.personId, depth: 1 as const, via: q.personId, firstEncounterAt: Infinity, encounters: [] }
    c.encounters.push(encounter)
    c.firstEncounterAt = Math.min(c.firstEncounterAt, encounter.at)
    depth1.set(other.personId, c)
  }
  const depth2 = new Map<string, Contact>()
  if (q.depth === 2) {
    // Forward in time only: a depth-1 contact passes exposure on from presences starting at or after its first encounter.
    const carriers = presences.filter((p) => {
      const b = depth1.get(p.personId)
      return b !== undefined && p.start >= b.firstEncounterAt
    })
    const candidates = presences.filter((p) => p.personId !== q.personId && !depth1.has(p.personId))
    for (const { other, encounter } of meet(carriers, candidates, windowMs)) {
      const c = depth2.get(other.personId) ?? { personId: other.personId, depth: 2 as const, via: '', firstEncounterAt: Infinity, encounters: [] }
      c.encounters.push(encounter)
      if (encounter.at < c.firstEncounterAt || (encounter.at === c.firstEncounterAt && cmpStr(encounter.withPersonId, c.via) < 0)) {
        c.firstEncounterAt = encounter.at
        c.via = encounter.withPersonId
      }
      depth2.set(other.personId, c)
    }
  }
  const all = [...depth1.values(), ...depth2.values()]
  for (const c of all) c.encounters.sort(byEncounterOrder)
  return all.sort((a, b) => a.depth - b.depth || a.firstEncounterAt - b.firstEncounterAt || cmpStr(a.personId, b.personId))
}

// ---------------------------------------------------------------------------------------------------------------
// Comparison. Encounters with the same `at` and `indexAt` (other checkpoints, other depth-1 contacts) have no
// documented order between them: the API's order is checked up to (at, indexAt), and both sides are then compared
// in a canonical order. The trail likewise is checked "oldest first", then compared ordered by (scannedAt, id).

const canonicalEncounter = (a: Encounter, b: Encounter): number =>
  byEncounterOrder(a, b) || cmpStr(a.checkpointId, b.checkpointId) || cmpStr(a.withPersonId, b.withPersonId) ||
  a.gapSeconds - b.gapSeconds || Number(a.sameVehicle) - Number(b.sameVehicle)

function canonical (contacts: Contact[]): Contact[] {
  return contacts.map((c) => ({ ...c, encounters: [...c.encounters].sort(canonicalEncounter) }))
}

interface ApiEncounter { checkpointId: string, at: string, indexAt: string, gapSeconds: number, sameVehicle: boolean, withPersonId?: string }
interface ApiContact { personId: string, displayName?: unknown, depth: 1 | 2, via: string, firstEncounterAt: string, encounters: ApiEncounter[] }

function fromApi (contacts: ApiContact[]): Contact[] {
  return contacts.map((c) => ({
    personId: c.personId,
    depth: c.depth,
    via: c.via,
    firstEncounterAt: Date.parse(c.firstEncounterAt),
    encounters: c.encounters.map((e) => ({
      checkpointId: e.checkpointId,
      at: Date.parse(e.at),
      indexAt: Date.parse(e.indexAt),
      gapSeconds: e.gapSeconds,
      sameVehicle: e.sameVehicle,
      withPersonId: e.withPersonId ?? '(missing)'
    }))
  }))
}

/** The first index where `xs` breaks the order `cmp`, or -1. */
function unsortedAt<T> (xs: T[], cmp: (a: T, b: T) => number): number {
  for (let i = 1; i < xs.length; i++) if (cmp(xs[i - 1] as T, xs[i] as T) > 0) return i
  return -1
}

// ---------------------------------------------------------------------------------------------------------------
// Queries: ranges over the world (whole, random, cutting stays, on a scan's exact time, a millisecond off it).

function randomQuery (world: World, rng: Rng): Query {
  const boundary = (): number => {
    const s = rng.pick(world.scans)
    switch (rng.int(0, 5)) {
      case 0: return world.start - MIN
      case 1: return world.end + MIN
      case 2: return s.scannedAt
      case 3: return s.scannedAt + rng.pick([-1, 1])
      case 4: {
        // Inside some stay-shaped in → out, to cut it in half.
        const ins = world.scans.filter((x) => x.direction === 'in')
        const inScan = ins.length > 0 ? rng.pick(ins) : s
        return inScan.scannedAt + rng.int(1, 120) * MIN
      }
      default: return world.start + rng.int(0, (world.end - world.start) / MIN) * MIN
    }
  }
  let from = boundary()
  let to = boundary()
  if (rng.chance(0.2)) { from = world.start - MIN; to = world.end + MIN }
  if (from > to) [from, to] = [to, from]
  if (from === to) to += MIN
  const withScans = [...new Set(world.scans.map((s) => s.personId))]
  const personId = rng.chance(0.9) && withScans.length > 0 ? rng.pick(withScans) : rng.pick(world.people)
  return { personId, from, to, windowMinutes: rng.pick(WINDOWS), depth: rng.pick([1, 2] as const) }
}

// ---------------------------------------------------------------------------------------------------------------
// Running it.

function seeds (): number[] {
  const replay = process.env.GRIDPASS_PROPERTY_SEED
  if (replay !== undefined && replay !== '') return [Number(replay) >>> 0]
  const n = Number(process.env.GRIDPASS_PROPERTY_WORLDS ?? 25)
  return Array.from({ length: n }, (_, i) => (0x5eed0000 + i * 7919) >>> 0)
}

/** Creates the world's checkpoints and people, and inserts its scans in one transaction. */
async function materialize (ctx: Ctx, world: World, actorId: string): Promise<{ world: World, names: Map<string, string> }> {
  const ids = new Map<string, string>()
  const names = new Map<string, string>()
  for (const placeholder of world.checkpoints) {
    const name = `卡口 ${world.seed} ${placeholder}`
    const id = await ctx.checkpoint({ name })
    ids.set(placeholder, id)
    names.set(id, name)
  }
  const real: World = {
    ...world,
    checkpoints: world.checkpoints.map((c) => ids.get(c) as string),
    scans: world.scans.map((s) => ({ ...s, checkpointId: ids.get(s.checkpointId) as string }))
  }
  const { store } = ctx.app
  const now = ctx.clock.now()
  await store.db.insert(store.t.people).values(real.people.map((id) => ({ id, createdBy: 'property-test', createdAt: now, updatedAt: now })))
  // The scans in a random order, in statements of 1–20 rows: the database keeps stay_start (migration 0005) whatever
  // order scans arrive in (an offline batch brings an "in" after its "out"), within a statement and across them.
  const rng = rngOf(world.seed ^ 0x3c3c3c3c)
  const order = [...real.scans]
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(0, i)
    ;[order[i], order[j]] = [order[j] as WScan, order[i] as WScan]
  }
  for (let i = 0; i < order.length;) {
    const part = order.slice(i, i + rng.int(1, 20))
    i += part.length
    await store.tx(async (db) => {
      await db.insert(store.t.scans).values(part.map((s) => ({
        id: s.id,
        personId: s.personId,
        checkpointId: s.checkpointId,
        actorId,
        source: 'scan',
        kind: 'live',
        scannedAt: s.scannedAt,
        receivedAt: s.scannedAt,
        direction: s.direction,
        plate: s.plate,
        color: 'green',
        decision: 'allow',
        offline: false,
        requestHash: `property-${s.id}`
      })))
    })
  }
  return { world: real, names }
}

const iso = (ms: number): string => new Date(ms).toISOString()
const describeQuery = (q: Query): string => `person=${q.personId} from=${iso(q.from)} to=${iso(q.to)} windowMinutes=${q.windowMinutes} depth=${q.depth}`

async function checkWorld (t: Test, ctx: Ctx, tracer: string, actorId: string, seed: number): Promise<void> {
  const { world, names } = await materialize(ctx, generateWorld(seed), actorId)
  const rng = rngOf(seed ^ 0xa5a5a5a5)
  await checkQueries(t, ctx, tracer, world, names, rng, `seed=${seed}`, QUERIES_PER_WORLD)
  // Then a quarter of the scans removed (as the retention purge or a person's erasure removes them): the scans after
  // them get new neighbours, and the answers follow the scans that are left.
  const removed = new Set(world.scans.filter(() => rng.chance(0.25)).map((s) => s.id))
  const { store } = ctx.app
  for (const id of removed) await store.tx(async (db) => { await db.delete(store.t.scans).where(eq(store.t.scans.id, id)) })
  const left = { ...world, scans: world.scans.filter((s) => !removed.has(s.id)) }
  await checkQueries(t, ctx, tracer, left, names, rng, `seed=${seed} after ${removed.size} scans removed`, Math.ceil(QUERIES_PER_WORLD / 2))
}

async function checkQueries (t: Test, ctx: Ctx, tracer: string, world: World, names: Map<string, string>, rng: Rng, label: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const q = randomQuery(world, rng)
    const tag = `${label} query#${i} ${describeQuery(q)}`
    const range = `from=${encodeURIComponent(iso(q.from))}&to=${encodeURIComponent(iso(q.to))}&purpose=${PURPOSE}`

    const res = await ctx.inject({
      method: 'GET',
      url: `/v1/people/${q.personId}/contacts?${range}&windowMinutes=${q.windowMinutes}&depth=${q.depth}`,
      headers: bearerOf(tracer)
    })
    if (res.statusCode !== 200) {
      t.equal(res.statusCode, 200, `${tag}: contacts status, body ${res.body}`)
      continue
    }
    const body = res.json() as { personId: string, windowMinutes: number, depth: number, contacts: ApiContact[] }
    const actual = fromApi(body.contacts)
    const expected = bruteContacts(world, q)
    t.same({ personId: body.personId, windowMinutes: body.windowMinutes, depth: body.depth }, { personId: q.personId, windowMinutes: q.windowMinutes, depth: q.depth }, `${tag}: echo`)
    const disorder = [
      ...(unsortedAt(actual, (a, b) => a.depth - b.depth || a.firstEncounterAt - b.firstEncounterAt || cmpStr(a.personId, b.personId)) >= 0 ? ['contacts not sorted by depth, firstEncounterAt, personId'] : []),
      ...actual.filter((c) => unsortedAt(c.encounters, byEncounterOrder) >= 0).map((c) => `encounters of ${c.personId} not sorted by at, indexAt`)
    ]
    t.same(disorder, [], `${tag}: documented order`)
    t.same(canonical(actual), canonical(expected), `${tag}: contacts as docs/tracing.md defines them`)

    const trailRes = await ctx.inject({ method: 'GET', url: `/v1/people/${q.personId}/trail?${range}`, headers: bearerOf(tracer) })
    if (trailRes.statusCode !== 200) {
      t.equal(trailRes.statusCode, 200, `${tag}: trail status, body ${trailRes.body}`)
      continue
    }
    const trail = trailRes.json() as { personId: string, scans: Array<{ id: string, scannedAt: string } & Record<string, unknown>> }
    t.equal(trail.personId, q.personId, `${tag}: trail personId`)
    t.equal(unsortedAt(trail.scans, (a, b) => Date.parse(a.scannedAt) - Date.parse(b.scannedAt)), -1, `${tag}: trail oldest first (index of the first scan out of order)`)
    const byTimeThenId = <T extends { id: string, scannedAt: number }>(a: T, b: T): number => a.scannedAt - b.scannedAt || cmpStr(a.id, b.id)
    const actualTrail = trail.scans.map((s) => ({ ...s, scannedAt: Date.parse(s.scannedAt) })).sort(byTimeThenId)
    const expectedTrail = world.scans
      .filter((s) => s.personId === q.personId && s.scannedAt >= q.from && s.scannedAt <= q.to)
      .map((s) => ({ id: s.id, checkpointId: s.checkpointId, checkpointName: names.get(s.checkpointId), scannedAt: s.scannedAt, direction: s.direction, color: 'green', decision: 'allow', plate: s.plate }))
      .sort(byTimeThenId)
    t.same(actualTrail, expectedTrail, `${tag}: trail = the person's scans in [from, to]`)
  }
}

eachDb('contacts and trail agree with a brute force of docs/tracing.md on random worlds', async (t, ctx) => {
  const tracer = await ctx.staff('tracer')
  const [admin] = await ctx.app.store.db.select({ id: ctx.app.store.t.users.id }).from(ctx.app.store.t.users).where(eq(ctx.app.store.t.users.username, 'admin'))
  if (admin === undefined) throw new Error('no admin user')
  const list = seeds()
  for (const seed of list) await checkWorld(t, ctx, tracer, admin.id, seed)
  t.comment(`${list.length} worlds × ${QUERIES_PER_WORLD} queries`)
})

// The brute force itself, on the worked example of docs/tracing.md (so a wrong brute force cannot pass silently).
void tap.test('the brute force reproduces the example of docs/tracing.md', async (t) => {
  const at = (hhmm: string): number => Date.parse(`2026-03-01T${hhmm}:00.000Z`)
  const scan = (personId: string, checkpointId: string, hhmm: string, direction: Direction): WScan => ({ id: randomUUID(), personId, checkpointId, scannedAt: at(hhmm), direction, plate: null })
  const world: World = {
    seed: 0,
    people: ['A', 'B', 'C', 'D', 'E'],
    checkpoints: ['V', 'G'],
    start: at('00:00'),
    end: at('23:59'),
    scans: [
      scan('A', 'V', '10:00', 'in'), scan('A', 'V', '11:00', 'out'),
      scan('B', 'V', '10:40', 'in'), scan('B', 'V', '12:30', 'out'),
      scan('D', 'V', '11:20', null),
      scan('C', 'G', '12:50', null),
      scan('B', 'G', '12:45', null),
      scan('E', 'G', '09:00', null),
      scan('B', 'G', '09:05', null)
    ]
  }
  const query = { personId: 'A', from: at('00:00'), to: at('23:59'), windowMinutes: 15 }
  const b = { personId: 'B', depth: 1, via: 'A', firstEncounterAt: at('10:40'), encounters: [{ checkpointId: 'V', at: at('10:40'), indexAt: at('10:00'), gapSeconds: 0, sameVehicle: false, withPersonId: 'A' }] }
  t.same(bruteContacts(world, { ...query, depth: 1 }), [b], 'depth 1: B only (D is 20 minutes after A left)')
  // Not spelled out in the example: D's 11:20 lies inside B's stay, which starts at B's first encounter.
  t.same(bruteContacts(world, { ...query, depth: 2 }), [
    b,
    { personId: 'D', depth: 2, via: 'B', firstEncounterAt: at('11:20'), encounters: [{ checkpointId: 'V', at: at('11:20'), indexAt: at('10:40'), gapSeconds: 0, sameVehicle: false, withPersonId: 'B' }] },
    { personId: 'C', depth: 2, via: 'B', firstEncounterAt: at('12:50'), encounters: [{ checkpointId: 'G', at: at('12:50'), indexAt: at('12:45'), gapSeconds: 300, sameVehicle: false, withPersonId: 'B' }] }
  ], 'depth 2: D and C via B, not E (met B before B met A)')
})

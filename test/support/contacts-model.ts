// A brute-force reference of contact tracing, written from ../shared/API.md "Tracing" and the exact definitions the
// service follows (tiers, score, pages, depth 2 through close contacts, exposure sites), never from the service.
// Quadratic on purpose: every pair of presences is looked at, so it is only for the property test's small worlds.

export const MIN = 60_000
export const HOUR = 60 * MIN
export const DAY_MS = 24 * HOUR
/** An "in" and the next scan, an "out", at most 4 hours later make a stay. */
export const STAY_MAX = 4 * HOUR
/** Encounters at most 2 minutes apart can be close (one vehicle, or travelling together). */
export const CLOSE_GAP = 2 * MIN
/** Asia/Shanghai is UTC+8 all year. */
export const SHANGHAI_OFFSET = 8 * HOUR
/** At most this many encounters are listed per contact. */
export const ENCOUNTERS_SHOWN = 20

export type Kind = 'traffic' | 'community' | 'village' | 'venue'
export type Tier = 'close' | 'exposure' | 'companion'
export const TIERS: readonly Tier[] = ['close', 'exposure', 'companion']
export const tierRank = (t: Tier): number => TIERS.indexOf(t)
export type Direction = 'in' | 'out' | 'pass' | null

export interface MScan { id: string, personId: string, checkpointId: string, scannedAt: number, direction: Direction, plate: string | null }
export interface MWorld { kinds: ReadonlyMap<string, Kind>, scans: readonly MScan[] }

export interface Presence { personId: string, checkpointId: string, start: number, end: number, stay: boolean, plate: string | null }

export interface Encounter {
  checkpointId: string
  kind: Kind
  at: number
  indexAt: number
  gapSeconds: number
  overlapSeconds: number
  sameVehicle: boolean
  withPersonId: string
  tier: Tier
}
/** An encounter with what the brute force needs besides what the API shows. */
interface RawEncounter extends Encounter { gapMs: number, stays: number, other: string }

export interface ModelContact {
  personId: string
  tier: Tier
  depth: 1 | 2
  via: string
  score: number
  firstEncounterAt: number
  lastEncounterAt: number
  overlapMinutes: number
  encounterCount: number
  days: number
  /** The first ENCOUNTERS_SHOWN encounters, in order (at, indexAt, withPersonId, checkpointId). */
  encounters: Encounter[]
}

export interface ContactsQuery { personId: string, from: number, to: number, windowMinutes: number, depth: 1 | 2, tiers: readonly Tier[] }
export type Totals = Record<Tier, number | null>
export interface ContactsAnswer { contacts: ModelContact[], totals: Totals }

export interface SitesQuery { personId: string, from: number, to: number, windowMinutes: number }
export interface Site { checkpointId: string, kind: Kind, from: number, to: number, people: Record<Tier, number> }

export const cmpStr = (a: string, b: string): number => a < b ? -1 : a > b ? 1 : 0
/** The Asia/Shanghai calendar day of an instant, as a day number. */
export const shanghaiDay = (ms: number): number => Math.floor((ms + SHANGHAI_OFFSET) / DAY_MS)
export const plateKey = (p: string | null): string | null => p === null ? null : p.replace(/ /g, '').toUpperCase()

/**
 * Scans in [from, to], per person and checkpoint, in time order (equal times by scan id): an "in" whose next scan
 * there is an "out" at most 4 hours later is a stay [in, out]; every other scan is a point. A presence's plate is
 * its first scan's.
 */
export function presencesOf (scans: readonly MScan[], from: number, to: number): Presence[] {
  const groups = new Map<string, MScan[]>()
  for (const s of scans) {
    if (s.scannedAt < from || s.scannedAt > to) continue
    const key = `${s.personId}|${s.checkpointId}`
    const group = groups.get(key)
    if (group === undefined) groups.set(key, [s])
    else group.push(s)
  }
  const out: Presence[] = []
  for (const group of groups.values()) {
    group.sort((a, b) => a.scannedAt - b.scannedAt || cmpStr(a.id, b.id))
    for (let i = 0; i < group.length; i++) {
      const s = group[i] as MScan
      const next = group[i + 1]
      const base = { personId: s.personId, checkpointId: s.checkpointId, start: s.scannedAt, plate: s.plate }
      if (s.direction === 'in' && next !== undefined && next.direction === 'out' && next.scannedAt - s.scannedAt <= STAY_MAX) {
        out.push({ ...base, end: next.scannedAt, stay: true })
        i++
      } else {
        out.push({ ...base, end: s.scannedAt, stay: false })
      }
    }
  }
  return out
}

const gapOf = (a: Presence, b: Presence): number => Math.max(0, Math.max(a.start, b.start) - Math.min(a.end, b.end))
const sameVehicle = (a: Presence, b: Presence): boolean => a.plate !== null && b.plate !== null && plateKey(a.plate) === plateKey(b.plate)
const WEIGHT: Record<Kind, number> = { venue: 20, community: 5, village: 5, traffic: 2 }
const CERTAINTY = [4, 7, 10]

/**
 * Every encounter of `index`'s presences with the presences of everyone in `others` (a person other than the index
 * person), tiered per pair: close when one vehicle within 2 minutes, or when the pair's ≤ 2-minute encounters of the
 * Asia/Shanghai day of `at` are at two or more checkpoints; else exposure at a venue; else companion.
 */
function encountersOf (indexPresences: Presence[], others: Presence[], windowMs: number, kinds: ReadonlyMap<string, Kind>): Map<string, RawEncounter[]> {
  const byOther = new Map<string, RawEncounter[]>()
  for (const a of indexPresences) {
    for (const b of others) {
      if (b.checkpointId !== a.checkpointId || b.personId === a.personId) continue
      const gap = gapOf(a, b)
      if (gap > windowMs) continue
      const kind = kinds.get(a.checkpointId)
      if (kind === undefined) throw new Error(`no kind for checkpoint ${a.checkpointId}`)
      const overlap = a.stay && b.stay ? Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start)) : 0
      const e: RawEncounter = {
        checkpointId: a.checkpointId,
        kind,
        at: b.start,
        indexAt: a.start,
        gapSeconds: Math.floor(gap / 1000),
        overlapSeconds: Math.floor(overlap / 1000),
        sameVehicle: sameVehicle(a, b),
        withPersonId: a.personId,
        tier: 'companion',
        gapMs: gap,
        stays: Number(a.stay) + Number(b.stay),
        other: b.personId
      }
      const list = byOther.get(b.personId)
      if (list === undefined) byOther.set(b.personId, [e])
      else list.push(e)
    }
  }
  for (const list of byOther.values()) {
    const near = list.filter((e) => e.gapMs <= CLOSE_GAP)
    const checkpointsOfDay = new Map<number, Set<string>>()
    for (const e of near) {
      const day = shanghaiDay(e.at)
      const set = checkpointsOfDay.get(day) ?? new Set<string>()
      set.add(e.checkpointId)
      checkpointsOfDay.set(day, set)
    }
    for (const e of list) {
      const together = (checkpointsOfDay.get(shanghaiDay(e.at))?.size ?? 0) >= 2
      e.tier = e.gapMs <= CLOSE_GAP && (e.sameVehicle || together) ? 'close' : e.kind === 'venue' ? 'exposure' : 'companion'
    }
  }
  return byOther
}

export const encounterOrder = (a: Encounter, b: Encounter): number =>
  a.at - b.at || a.indexAt - b.indexAt || cmpStr(a.withPersonId, b.withPersonId) || cmpStr(a.checkpointId, b.checkpointId)

const strip = (e: RawEncounter): Encounter => ({
  checkpointId: e.checkpointId,
  kind: e.kind,
  at: e.at,
  indexAt: e.indexAt,
  gapSeconds: e.gapSeconds,
  overlapSeconds: e.overlapSeconds,
  sameVehicle: e.sameVehicle,
  withPersonId: e.withPersonId,
  tier: e.tier
})

/** A contact from all its encounters (at least one). */
function contactOf (personId: string, depth: 1 | 2, encounters: RawEncounter[], indexPerson: string): ModelContact {
  const sorted = [...encounters].sort(encounterOrder)
  const tier = TIERS.find((t) => sorted.some((e) => e.tier === t)) as Tier
  let sum = 0
  let overlap = 0
  for (const e of sorted) {
    const weight = e.sameVehicle ? 30 : WEIGHT[e.kind]
    sum += weight * (CERTAINTY[e.stays] as number) * Math.max(60, e.overlapSeconds)
    overlap += e.overlapSeconds
  }
  // via: A at depth 1; at depth 2 the depth-1 contact of the earliest encounter, ties to the smaller personId.
  let via = indexPerson
  if (depth === 2) {
    const first = [...sorted].sort((a, b) => a.at - b.at || cmpStr(a.withPersonId, b.withPersonId))[0] as RawEncounter
    via = first.withPersonId
  }
  return {
    personId,
    tier,
    depth,
    via,
    score: Math.round(sum / 600) / 10,
    firstEncounterAt: Math.min(...sorted.map((e) => e.at)),
    lastEncounterAt: Math.max(...sorted.map((e) => e.at)),
    overlapMinutes: Math.round(overlap / 6) / 10,
    encounterCount: sorted.length,
    days: new Set(sorted.map((e) => shanghaiDay(e.at))).size,
    encounters: sorted.slice(0, ENCOUNTERS_SHOWN).map(strip)
  }
}

export const contactOrder = (a: ModelContact, b: ModelContact): number =>
  tierRank(a.tier) - tierRank(b.tier) || a.depth - b.depth || b.score - a.score || a.firstEncounterAt - b.firstEncounterAt || cmpStr(a.personId, b.personId)

/** The whole answer of GET /v1/people/{personId}/contacts (all pages together), and its totals. */
export function contactsOf (world: MWorld, q: ContactsQuery): ContactsAnswer {
  const presences = presencesOf(world.scans, q.from, q.to)
  const windowMs = q.windowMinutes * MIN
  const index = presences.filter((p) => p.personId === q.personId)
  const others = presences.filter((p) => p.personId !== q.personId)
  const depth1 = new Map<string, ModelContact>()
  for (const [personId, list] of encountersOf(index, others, windowMs, world.kinds)) depth1.set(personId, contactOf(personId, 1, list, q.personId))

  const depth2: ModelContact[] = []
  if (q.depth === 2) {
    const candidates = presences.filter((p) => p.personId !== q.personId && !depth1.has(p.personId))
    const forward = new Map<string, RawEncounter[]>()
    for (const b of depth1.values()) {
      if (b.tier !== 'close') continue
      // The B–C pair's tiers come from all of B's presences in [from, to]; only the close encounters in which B's
      // presence starts at or after B's first encounter with A carry exposure on.
      const bPresences = presences.filter((p) => p.personId === b.personId)
      for (const [personId, list] of encountersOf(bPresences, candidates, windowMs, world.kinds)) {
        const kept = list.filter((e) => e.tier === 'close' && e.indexAt >= b.firstEncounterAt)
        if (kept.length === 0) continue
        forward.set(personId, [...(forward.get(personId) ?? []), ...kept])
      }
    }
    for (const [personId, list] of forward) depth2.push(contactOf(personId, 2, list, q.personId))
  }

  const asked = new Set(q.tiers)
  const contacts = [...depth1.values(), ...depth2].filter((c) => asked.has(c.tier)).sort(contactOrder)
  const totals: Totals = { close: null, exposure: null, companion: null }
  for (const t of TIERS) if (asked.has(t)) totals[t] = [...depth1.values()].filter((c) => c.tier === t).length
  return { contacts, totals }
}

/**
 * GET /v1/people/{personId}/exposure-sites: the index person's presences widened by the window on both sides, merged
 * per checkpoint when they overlap or touch; per site, the distinct other people with an encounter there in which the
 * index person's presence is one of the site's, each counted once in the highest tier of those encounters.
 */
export function exposureSitesOf (world: MWorld, q: SitesQuery): Site[] {
  const presences = presencesOf(world.scans, q.from, q.to)
  const windowMs = q.windowMinutes * MIN
  const index = presences.filter((p) => p.personId === q.personId)
  const others = presences.filter((p) => p.personId !== q.personId)
  const encounters = [...encountersOf(index, others, windowMs, world.kinds).values()].flat()
  const sites: Site[] = []
  const checkpoints = [...new Set(index.map((p) => p.checkpointId))]
  for (const checkpointId of checkpoints) {
    const here = index.filter((p) => p.checkpointId === checkpointId).sort((a, b) => a.start - b.start || a.end - b.end)
    const groups: Array<{ lo: number, hi: number, starts: Set<number> }> = []
    for (const p of here) {
      const lo = p.start - windowMs
      const hi = p.end + windowMs
      const last = groups.at(-1)
      if (last !== undefined && lo <= last.hi) {
        last.hi = Math.max(last.hi, hi)
        last.starts.add(p.start)
      } else {
        groups.push({ lo, hi, starts: new Set([p.start]) })
      }
    }
    const kind = world.kinds.get(checkpointId) as Kind
    for (const g of groups) {
      const best = new Map<string, Tier>()
      for (const e of encounters) {
        if (e.checkpointId !== checkpointId || !g.starts.has(e.indexAt)) continue
        const had = best.get(e.other)
        if (had === undefined || tierRank(e.tier) < tierRank(had)) best.set(e.other, e.tier)
      }
      const people = { close: 0, exposure: 0, companion: 0 }
      for (const t of best.values()) people[t]++
      sites.push({ checkpointId, kind, from: g.lo, to: g.hi, people })
    }
  }
  return sites.sort((a, b) => a.from - b.from || cmpStr(a.checkpointId, b.checkpointId))
}

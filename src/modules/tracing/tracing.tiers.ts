// Pure rules of docs/tracing.md, "Tiers": an encounter's tier, a contact's score and figures, the answer's order, and
// exposure sites' windows. No I/O: the service reads presences and pairs them; this decides what they mean.

export type Tier = 'close' | 'exposure' | 'companion'
export const TIERS: readonly Tier[] = ['close', 'exposure', 'companion']
export const TIER_RANK: Readonly<Record<Tier, number>> = { close: 0, exposure: 1, companion: 2 }

/** Two presences at most this far apart count as travelling together (the `close` rules). */
export const CLOSE_GAP_MS = 120_000
const DAY_MS = 86_400_000
/** Asia/Shanghai has been UTC+8 all year since 1991: a calendar day there is a UTC day shifted by 8 hours. */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000
export const shanghaiDay = (ms: number): number => Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS)

export interface Encounter {
  /** null for a household encounter (tracing.household.ts): living together happens at no checkpoint. */
  checkpointId: string | null
  /** The checkpoint's kind: traffic, community, village, venue; or household. */
  kind: string
  /** The contact's presence start. */
  at: number
  /** The other side's presence start: the index person's at depth 1, the depth-1 contact's at depth 2. */
  indexAt: number
  gapMs: number
  gapSeconds: number
  overlapSeconds: number
  sameVehicle: boolean
  withPersonId: string
  /** How many of the two presences are stays (0, 1, 2): the certainty of the score. */
  stays: number
  tier: Tier
}

export interface Contact {
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
  /** Every encounter, in order (the API shows the first 20). */
  encounters: Encounter[]
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

export const byEncounter = (a: Encounter, b: Encounter): number =>
  a.at - b.at || a.indexAt - b.indexAt || cmp(a.withPersonId, b.withPersonId) || cmp(a.checkpointId ?? '', b.checkpointId ?? '')

/**
 * Sets the tier of each encounter of ONE pair of people (all their encounters in the range, or at least all of those
 * at most CLOSE_GAP_MS apart together with the ones to be tiered): close when in one vehicle, or when they were within
 * 2 minutes of each other at two or more checkpoints on one Shanghai day; else exposure at a venue; else companion.
 */
export function tierPair (encounters: Encounter[]): void {
  let places: Map<number, Set<string>> | undefined
  for (const e of encounters) {
    if (e.gapMs > CLOSE_GAP_MS || e.checkpointId === null) continue
    places ??= new Map()
    const day = shanghaiDay(e.at)
    const set = places.get(day)
    if (set === undefined) places.set(day, new Set([e.checkpointId]))
    else set.add(e.checkpointId)
  }
  for (const e of encounters) {
    // A household encounter is close by definition (tracing.household.ts) and is no checkpoint of the same-day rule.
    if (e.checkpointId === null) continue
    const near = e.gapMs <= CLOSE_GAP_MS
    if (near && (e.sameVehicle || (places?.get(shanghaiDay(e.at))?.size ?? 0) >= 2)) e.tier = 'close'
    else e.tier = e.kind === 'venue' ? 'exposure' : 'companion'
  }
}

/** Sets the tiers of encounters of many pairs: grouped by the other side (withPersonId). */
export function tierByPartner (encounters: Encounter[]): void {
  if (encounters.length === 0) return
  const byPartner = new Map<string, Encounter[]>()
  for (const e of encounters) {
    const list = byPartner.get(e.withPersonId)
    if (list === undefined) byPartner.set(e.withPersonId, [e])
    else list.push(e)
  }
  for (const list of byPartner.values()) tierPair(list)
}

/** The highest tier among encounters (they must be tiered). */
export function highestTier (encounters: Encounter[]): Tier {
  let best: Tier = 'companion'
  for (const e of encounters) {
    if (e.tier === 'close') return 'close'
    if (e.tier === 'exposure') best = 'exposure'
  }
  return best
}

/**
 * Score weights ×10 (same vehicle 3, household 3, venue 2, community or village 0.5, traffic 0.2) and certainties ×10
 * (two stays 1.0, one 0.7, none 0.4): the score is summed in integers and rounded once, so it does not depend on the order.
 */
const WEIGHT: Record<string, number> = { household: 30, venue: 20, community: 5, village: 5, traffic: 2 }
const CERTAINTY = [4, 7, 10] as const
const weightOf = (e: Encounter): number => (e.sameVehicle ? 30 : WEIGHT[e.kind] ?? 2)

/** A contact from all its (tiered) encounters: tier, score, figures, the encounters in order; `via` as given. */
export function contactOf (personId: string, depth: 1 | 2, encounters: Encounter[], via?: string): Contact {
  encounters.sort(byEncounter)
  let score = 0
  let overlap = 0
  let last = -Infinity
  const days = new Set<number>()
  for (const e of encounters) {
    score += weightOf(e) * (CERTAINTY[e.stays] as number) * Math.max(60, e.overlapSeconds)
    overlap += e.overlapSeconds
    if (e.at > last) last = e.at
    days.add(shanghaiDay(e.at))
  }
  const first = encounters[0] as Encounter
  let through = via
  if (through === undefined) {
    // The earliest encounter's partner; on a tie the smaller personId.
    through = first.withPersonId
    for (const e of encounters) if (e.at === first.at && e.withPersonId < through) through = e.withPersonId
  }
  return {
    personId,
    tier: highestTier(encounters),
    depth,
    via: through,
    score: Math.round(score / 600) / 10,
    firstEncounterAt: first.at,
    lastEncounterAt: last,
    overlapMinutes: Math.round(overlap / 6) / 10,
    encounterCount: encounters.length,
    days: days.size,
    encounters
  }
}

/** The answer's order: tier, depth, score (highest first), first encounter, personId. */
export const byContact = (a: Contact, b: Contact): number =>
  TIER_RANK[a.tier] - TIER_RANK[b.tier] || a.depth - b.depth || b.score - a.score || a.firstEncounterAt - b.firstEncounterAt || cmp(a.personId, b.personId)

/** A contact's place in the order, as a cursor carries it. */
export type ContactKey = [number, number, number, number, string]
export const keyOf = (c: Contact): ContactKey => [TIER_RANK[c.tier], c.depth, c.score, c.firstEncounterAt, c.personId]
export function afterKey (c: Contact, k: ContactKey): boolean {
  const d = TIER_RANK[c.tier] - k[0] || c.depth - k[1] || k[2] - c.score || c.firstEncounterAt - k[3] || cmp(c.personId, k[4])
  return d > 0
}

export interface SiteWindow { checkpointId: string, from: number, to: number, people: Record<Tier, number> }

/**
 * Exposure sites: the index person's presences widened by the window on both sides and merged per checkpoint (when
 * they overlap or touch); per window, each other person with an encounter there (the index person's presence being one
 * of the window's) counted once, in the highest tier of those encounters. Oldest first.
 */
export function exposureSites (presences: Map<string, Array<{ start: number, end: number }>>, windowMs: number, contacts: Iterable<{ personId: string, encounters: Encounter[] }>): SiteWindow[] {
  const windows = new Map<string, SiteWindow[]>()
  for (const [checkpointId, list] of presences) {
    const sorted = [...list].sort((a, b) => a.start - b.start)
    const merged: SiteWindow[] = []
    for (const p of sorted) {
      const lo = p.start - windowMs
      const hi = p.end + windowMs
      const last = merged[merged.length - 1]
      if (last !== undefined && lo <= last.to) last.to = Math.max(last.to, hi)
      else merged.push({ checkpointId, from: lo, to: hi, people: { close: 0, exposure: 0, companion: 0 } })
    }
    windows.set(checkpointId, merged)
  }
  for (const c of contacts) {
    const best = new Map<SiteWindow, Tier>()
    for (const e of c.encounters) {
      const site = (e.checkpointId === null ? [] : windows.get(e.checkpointId) ?? []).find((w) => w.from <= e.indexAt && e.indexAt <= w.to)
      if (site === undefined) continue
      const had = best.get(site)
      if (had === undefined || TIER_RANK[e.tier] < TIER_RANK[had]) best.set(site, e.tier)
    }
    for (const [site, tier] of best) site.people[tier]++
  }
  return [...windows.values()].flat().sort((a, b) => a.from - b.from || cmp(a.checkpointId, b.checkpointId))
}

// Trails and contacts by the definitions of docs/tracing.md. Reads only: the routes audit every call.
import type { Config } from '../../config.ts'
import { MAX_STAY_MS } from '../../db/stays.ts'
import type { PresenceRow, TracingQueries } from '../../db/tracing-queries.ts'
import { NotFound, Validation } from '../../errors.ts'
import type { Checkpoint, CheckpointsService } from '../checkpoints/index.ts'
import type { HouseholdsService } from '../households/index.ts'
import type { PeopleService } from '../people/index.ts'
import type { Cursors } from './tracing.cursor.ts'
import { withHousemates } from './tracing.household.ts'
import { Budget, createMeetings, Numbering, type ByPlace, type Keep } from './tracing.meet.ts'
import { byTimeThenId, presencesOf, sameVehicle, type Presence } from './tracing.presences.ts'
import { DEFAULT_DAYS, DEFAULT_TIERS } from './tracing.schemas.ts'
import { afterKey, byContact, CLOSE_GAP_MS, contactOf, exposureSites as sitesOf, keyOf, SHANGHAI_OFFSET_MS, shanghaiDay, TIERS, tierByPartner, tierPair, type Contact, type Encounter, type SiteWindow, type Tier } from './tracing.tiers.ts'

export interface TrailScan { id: string, checkpointId: string, checkpointName: string, scannedAt: number, direction: 'in' | 'out' | 'pass' | null, color: string, decision: string, plate: string | null }
export interface ContactsQuery { from: number, to: number, windowMinutes: number, depth: 1 | 2, tiers?: readonly Tier[] }
/** A range as asked over HTTP: ISO times, either may be left out. */
export interface RangeQuery { from?: string, to?: string }
export type Totals = Record<Tier, number | null>
export interface ContactsAnswer { totals: Totals, contacts: Contact[] }
export interface PageQuery extends RangeQuery { windowMinutes: number, depth: number, tiers?: string, limit?: number, cursor?: string }
export type { Contact, Encounter, Tier }

const DAY = 86_400_000


/** What depth 1 found: the contacts of the tiers it was asked for, with every encounter, and what the rest needs. */
interface DepthOne {
  /** Every depth-1 contact when `complete`; else those of tier close or exposure. */
  contacts: Contact[]
  complete: boolean
  /** Everyone known to be a depth-1 contact (when not complete, also the companions met within 2 minutes). */
  known: Set<string>
  index: ByPlace
  kinds: Map<string, string>
}

interface Deps { queries: TracingQueries, people: PeopleService, checkpoints: CheckpointsService, households: Pick<HouseholdsService, 'housematesOf'>, config: Config, cursors: Cursors }

export function createTracingService ({ queries: q, people, checkpoints, households, config, cursors }: Deps, options: { sliceMs?: number } = {}) {
  // Every long loop gives the event loop back after options.sliceMs milliseconds (tests: 0 = at every step).
  const { presencesOfPeople, meet } = createMeetings(q, options.sliceMs)

  async function kindsOf (places: Iterable<string>): Promise<Map<string, string>> {
    const found = await checkpoints.many([...places])
    return new Map([...found].map(([id, c]) => [id, c.kind]))
  }

  const only = (sources: ByPlace, kinds: Map<string, string>, keep: (kind: string) => boolean): ByPlace =>
    new Map([...sources].filter(([id]) => keep(kinds.get(id) ?? '')))

  /**
   * Depth 1. With `complete`, everyone met within the window anywhere (what companions need). Otherwise only what the
   * tiers close and exposure need, which is far less at a county's school and factory gates: the venues within the
   * window, every other checkpoint within 2 minutes (close needs no more), and then, for the close and exposure
   * contacts alone, their other encounters within the window (the score counts every encounter). Housemates met at a
   * checkpoint are kept with all their encounters whatever their tier (they are close anyway: tracing.household.ts).
   */
  async function depthOne (personId: string, from: number, to: number, windowMs: number, complete: boolean, budget: Budget, housemates: ReadonlySet<string> = new Set()): Promise<DepthOne> {
    const index = await presencesOfPeople([personId], from, to, budget)
    const kinds = await kindsOf(index.keys())
    const exclude = new Set([personId])
    const nearMs = Math.min(windowMs, CLOSE_GAP_MS)
    if (complete || nearMs === windowMs) {
      const met = await meet(index, kinds, exclude, from, to, windowMs, budget)
      const contacts: Contact[] = []
      for (const [id, encounters] of met) {
        tierPair(encounters)
        const c = contactOf(id, 1, encounters, personId)
        if (complete || c.tier !== 'companion' || housemates.has(id)) contacts.push(c)
      }
      return { contacts, complete: true, known: new Set(met.keys()), index, kinds }
    }
    const venues = only(index, kinds, (k) => k === 'venue')
    const others = only(index, kinds, (k) => k !== 'venue')
    const atVenues = await meet(venues, kinds, exclude, from, to, windowMs, budget)
    const near = await meet(others, kinds, exclude, from, to, nearMs, budget)
    const known = new Set([...atVenues.keys(), ...near.keys()])
    // Housemates are close whatever their scans, so every encounter of theirs within the window counts too.
    const listed = new Set<string>(housemates)
    for (const id of known) {
      const encounters = [...atVenues.get(id) ?? [], ...near.get(id) ?? []]
      tierPair(encounters)
      if (encounters.some((e) => e.tier !== 'companion')) listed.add(id)
    }
    const rest = listed.size === 0 ? new Map<string, Encounter[]>() : await meet(others, kinds, exclude, from, to, windowMs, budget, listed)
    const contacts = [...listed].flatMap((id) => {
      const encounters = [...atVenues.get(id) ?? [], ...rest.get(id) ?? []]
      // A housemate never met at a checkpoint: the household encounter alone (added by the caller).
      if (encounters.length === 0) return []
      tierPair(encounters)
      return [contactOf(id, 1, encounters, personId)]
    })
    return { contacts, complete: false, known, index, kinds }
  }

  /**
   * Depth 2: from the close depth-1 contacts B only, through their close encounters (tiered on all of the B–C pair's
   * encounters within 2 minutes) in which B's presence starts no earlier than B's first encounter; never a depth-1
   * contact of any tier.
   */
  /**
   * The presences of the close contacts B that a depth-2 answer can use: those ending at or after T(B), the start of
   * the Shanghai day of (B's first encounter − 4 h − 2 min), less 2 minutes. A kept encounter has B's presence starting
   * at or after the first encounter, so its C began at most 4 h 2 min before that, on that day or later; every other
   * encounter of the pair on such a day involves a presence of B ending at most 2 minutes before the day starts. On
   * average this halves what depth 2 reads. Scans are read from 4 h before T(B), so the stays that end after it are whole.
   */
  async function forwardPresences (firstAt: Map<string, number>, from: number, to: number, budget: Budget): Promise<ByPlace> {
    const byCut = new Map<number, string[]>()
    for (const [id, first] of firstAt) {
      const cut = (shanghaiDay(first - MAX_STAY_MS - CLOSE_GAP_MS) * DAY - SHANGHAI_OFFSET_MS) - CLOSE_GAP_MS
      const list = byCut.get(cut)
      if (list === undefined) byCut.set(cut, [id])
      else list.push(id)
    }
    const out: ByPlace = new Map()
    for (const [cut, ids] of byCut) {
      for (const [checkpointId, list] of await presencesOfPeople(ids, Math.max(from, cut - MAX_STAY_MS), to, budget, (p) => p.end >= cut)) {
        const have = out.get(checkpointId)
        if (have === undefined) out.set(checkpointId, list)
        else have.push(...list)
      }
    }
    return out
  }

  async function depthTwo (personId: string, d1: DepthOne, from: number, to: number, windowMs: number, budget: Budget): Promise<Contact[]> {
    const firstAt = new Map(d1.contacts.filter((c) => c.tier === 'close').map((c) => [c.personId, c.firstEncounterAt]))
    if (firstAt.size === 0) return []
    const sources = await forwardPresences(firstAt, from, to, budget)
    const kinds = await kindsOf(sources.keys())
    const exclude = new Set([personId, ...d1.known, ...firstAt.keys()])
    const nearMs = Math.min(windowMs, CLOSE_GAP_MS)
    // A close contact's day is hundreds of others within 2 minutes (a school, a factory, a gate at rush hour), and only
    // a few of those pairs are close: one vehicle (those encounters are built at once), or within 2 minutes at two
    // checkpoints or more on one day. The first pass only notes, per pair and day, the checkpoint(s) where they met
    // (numbers, no object per meeting); the pairs that met at two checkpoints on a day are read again and built.
    const numbers = new Numbering()
    const firstDay = shanghaiDay(from)
    const days = shanghaiDay(to) - firstDay + 1
    const placeOf = new Map<number, string | null>()
    const several = new Set<number>()
    const note: Keep = (source, other, checkpointId) => {
      const pair = numbers.pair(source.personId, other.personId)
      const key = pair * days + (shanghaiDay(other.start) - firstDay)
      const seen = placeOf.get(key)
      if (seen === undefined) placeOf.set(key, checkpointId)
      else if (seen !== null && seen !== checkpointId) {
        placeOf.set(key, null)
        several.add(pair)
      }
      return sameVehicle(source, other)
    }
    const met = await meet(sources, kinds, exclude, from, to, nearMs, budget, undefined, note)
    if (several.size > 0) {
      const among = new Set<string>()
      const bs = new Set<string>()
      for (const pair of several) {
        const [b, c] = numbers.people(pair)
        bs.add(b)
        among.add(c)
      }
      const again = new Map([...sources].map(([cp, list]) => [cp, list.filter((p) => bs.has(p.personId))]))
      const more = await meet(again, kinds, exclude, from, to, nearMs, budget, among, (source, other) =>
        several.has(numbers.pair(source.personId, other.personId)) && !sameVehicle(source, other))
      for (const [id, encounters] of more) {
        const list = met.get(id)
        if (list === undefined) met.set(id, encounters)
        else list.push(...encounters)
      }
    }
    const forward = new Map<string, Encounter[]>()
    for (const [id, encounters] of met) {
      tierByPartner(encounters)
      const kept = encounters.filter((e) => e.tier === 'close' && e.indexAt >= (firstAt.get(e.withPersonId) as number))
      if (kept.length > 0) forward.set(id, kept)
    }
    if (!d1.complete && forward.size > 0) {
      // Not known yet: whether they met the index person 2 minutes or more apart at a gate (then they are depth 1).
      const gates = only(d1.index, d1.kinds, (k) => k !== 'venue')
      const direct = await meet(gates, d1.kinds, new Set([personId]), from, to, windowMs, budget, new Set(forward.keys()))
      for (const id of direct.keys()) forward.delete(id)
    }
    return [...forward].map(([id, encounters]) => contactOf(id, 2, encounters))
  }

  /**
   * The range a request asks for, checked: at most GRIDPASS_RETENTION_DAYS long (older scans are purged anyway), by
   * default the DEFAULT_DAYS before `to` (now); and a 404 for an unknown person.
   */
  async function range (personId: string, query: RangeQuery): Promise<{ from: number, to: number }> {
    const maxMs = config.retentionDays * DAY
    const to = query.to === undefined ? config.now() : Date.parse(query.to)
    const from = query.from === undefined ? to - Math.min(DEFAULT_DAYS * DAY, maxMs) : Date.parse(query.from)
    if (Number.isNaN(from) || Number.isNaN(to)) throw new Validation('query.from/to: not a valid ISO 8601 time')
    if (from >= to) throw new Validation('query.from: must be before query.to')
    if (to - from > maxMs) throw new Validation(`query.from: the range may not exceed ${config.retentionDays} days (GRIDPASS_RETENTION_DAYS)`)
    if (!(await people.exists(personId))) throw new NotFound(`personId: no person ${personId}`)
    return { from, to }
  }

  async function trail (personId: string, from: number, to: number): Promise<TrailScan[]> {
    return await q.trail(personId, from, to) as TrailScan[]
  }

  /** The whole answer of a contacts question (docs/tracing.md): listed contacts in order, with every encounter, and the totals. */
  async function contacts (personId: string, query: ContactsQuery): Promise<ContactsAnswer> {
    const { from, to, depth } = query
    const tiers = new Set(query.tiers ?? TIERS)
    const windowMs = query.windowMinutes * 60_000
    const budget = new Budget(config.tracingMaxRows)
    const housemates = new Set(await households.housematesOf(personId))
    const d1 = await depthOne(personId, from, to, windowMs, tiers.has('companion'), budget, housemates)
    d1.contacts = withHousemates(d1.contacts, d1.known, housemates, personId, from)
    const totals: Totals = { close: null, exposure: null, companion: null }
    for (const t of tiers) totals[t] = 0
    for (const c of d1.contacts) if (tiers.has(c.tier)) (totals[c.tier] as number)++
    const listed = d1.contacts.filter((c) => tiers.has(c.tier))
    if (depth === 2 && tiers.has('close')) listed.push(...await depthTwo(personId, d1, from, to, windowMs, budget))
    return { totals, contacts: listed.sort(byContact) }
  }

  /** Parses `tiers` (comma-separated): known names only, at least one, duplicates ignored; in the answer's order. */
  function tiersOf (value: string | undefined): Tier[] {
    if (value === undefined) return [...DEFAULT_TIERS]
    const names = value.split(',').map((t) => t.trim())
    const bad = names.find((t) => !(TIERS as readonly string[]).includes(t))
    if (bad !== undefined) throw new Validation(`query.tiers: unknown tier "${bad.slice(0, 40)}" (close, exposure, companion)`)
    return TIERS.filter((t) => names.includes(t))
  }

  /**
   * Presences at one checkpoint that touch [from, to] (end ≥ from, start ≤ to), everyone's: the people at an exposure
   * site. Stays are built from the scans within 4 h of the window, so a stay begun before `from` counts.
   */
  async function presencesAtSite (checkpointId: string, from: number, to: number): Promise<PresenceRow[]> {
    const [rows] = await q.presencesAt([{ checkpointId, lo: from, hi: to, plates: false }], from - MAX_STAY_MS, to + MAX_STAY_MS)
    return rows ?? []
  }

  /** One person's presences at one checkpoint, built from their scans within [from, to], oldest first. */
  async function presencesOfPersonAt (personId: string, checkpointId: string, from: number, to: number): Promise<Presence[]> {
    const rows = (await q.scansOf([personId], from, to)).filter((r) => r.checkpointId === checkpointId)
    return presencesOf(rows.sort(byTimeThenId))
  }

  return {
    presencesAtSite,
    presencesOfPersonAt,
    /** Scans of the person with from ≤ scannedAt ≤ to, oldest first. No audit (the routes audit). */
    trail,
    /** The whole contacts answer by the definitions of docs/tracing.md, sorted as it says. No audit. */
    contacts,

    /**
     * Every encounter of these people with the person in [from, to] at most windowMinutes apart (tiered), by person:
     * what a case needs to know of the contacts it marks.
     */
    async encountersWith (personId: string, others: string[], from: number, to: number, windowMinutes: number): Promise<Map<string, Encounter[]>> {
      const budget = new Budget(config.tracingMaxRows)
      const index = await presencesOfPeople([personId], from, to, budget)
      const met = await meet(index, await kindsOf(index.keys()), new Set([personId]), from, to, windowMinutes * 60_000, budget, new Set(others))
      for (const list of met.values()) tierPair(list)
      return met
    },

    /** A person's trail over the range asked (checked as `range` says); with `places`, the checkpoints it passed. */
    async readTrail (personId: string, query: RangeQuery, places = false): Promise<{ from: number, to: number, scans: TrailScan[], checkpoints: Map<string, Checkpoint> }> {
      const { from, to } = await range(personId, query)
      const scans = await trail(personId, from, to)
      return { from, to, scans, checkpoints: places ? await checkpoints.many(scans.map((s) => s.checkpointId)) : new Map() }
    },

    /**
     * One page of a contacts question, after `cursor` (a cursor pins the range its first page resolved), with the
     * names of its contacts; nextCursor null on the last page.
     */
    async contactsPage (personId: string, query: PageQuery) {
      const tiers = tiersOf(query.tiers)
      const depth: 1 | 2 = query.depth === 2 ? 2 : 1
      const limit = query.limit ?? 100
      const question = JSON.stringify([personId, query.windowMinutes, depth, tiers, query.from ?? null, query.to ?? null])
      const state = query.cursor === undefined ? undefined : cursors.decode(query.cursor, question)
      const { from, to } = state === undefined ? await range(personId, query) : await range(personId, { from: new Date(state.from).toISOString(), to: new Date(state.to).toISOString() })
      const answer = await contacts(personId, { from, to, windowMinutes: query.windowMinutes, depth, tiers })
      const start = state === undefined ? 0 : firstAfter(answer.contacts, state.after)
      const page = answer.contacts.slice(start, start + limit)
      const last = page[page.length - 1]
      const nextCursor = start + limit < answer.contacts.length && last !== undefined ? cursors.encode({ question, from, to, after: keyOf(last) }) : null
      return { from, to, depth, tiers, totals: answer.totals, contacts: page, nextCursor, names: await people.names(page.map((c) => c.personId)) }
    },

    /** The whole answer of a contacts question over the range asked, with names and the encounters' checkpoints (exports). */
    async readContacts (personId: string, query: PageQuery) {
      const { from, to } = await range(personId, query)
      const answer = await contacts(personId, { from, to, windowMinutes: query.windowMinutes, depth: query.depth === 2 ? 2 : 1, tiers: tiersOf(query.tiers) })
      return {
        from,
        to,
        ...answer,
        names: await people.names(answer.contacts.map((c) => c.personId)),
        checkpoints: await checkpoints.many(answer.contacts.flatMap((c) => c.encounters.flatMap((e) => (e.checkpointId === null ? [] : [e.checkpointId]))))
      }
    },

    /** The index person's exposure sites over the range asked (docs/tracing.md), with their checkpoints. */
    async exposureSites (personId: string, query: RangeQuery & { windowMinutes: number }): Promise<{ from: number, to: number, sites: SiteWindow[], checkpoints: Map<string, Checkpoint> }> {
      const { from, to } = await range(personId, query)
      const windowMs = query.windowMinutes * 60_000
      const d1 = await depthOne(personId, from, to, windowMs, true, new Budget(config.tracingMaxRows))
      const sites = sitesOf(d1.index, windowMs, d1.contacts)
      return { from, to, sites, checkpoints: await checkpoints.many(sites.map((s) => s.checkpointId)) }
    }
  }
}

/** The index of the first contact after a cursor's key (the list is in byContact order). */
function firstAfter (list: Contact[], after: Parameters<typeof afterKey>[1]): number {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (afterKey(list[mid] as Contact, after)) hi = mid
    else lo = mid + 1
  }
  return lo
}

export type TracingService = ReturnType<typeof createTracingService>

// Trails and contacts by the definitions of docs/tracing.md. Reads only: the routes audit every call.
import type { Config } from '../../config.ts'
import { MAX_STAY_MS } from '../../db/stays.ts'
import { slicer as newSlicer, type PresenceRow, type ScanRow, type TracingQueries } from '../../db/tracing-queries.ts'
import { NotFound, TraceTooLarge, Validation } from '../../errors.ts'
import type { Checkpoint, CheckpointsService } from '../checkpoints/index.ts'
import type { PeopleService } from '../people/index.ts'
import { byTimeThenId, gapMs, groupBy, mergeRangesByHour, presencesOf, sameVehicle, type Presence, type Range } from './tracing.presences.ts'
import { DEFAULT_DAYS } from './tracing.schemas.ts'

export interface TrailScan { id: string, checkpointId: string, checkpointName: string, scannedAt: number, direction: 'in' | 'out' | 'pass' | null, color: string, decision: string, plate: string | null }
export interface ContactsQuery { from: number, to: number, windowMinutes: number, depth: 1 | 2 }
/** A range as asked over HTTP: ISO times, either may be left out. */
export interface RangeQuery { from?: string, to?: string }
export interface Encounter { checkpointId: string, at: number, indexAt: number, gapSeconds: number, sameVehicle: boolean, withPersonId: string }
export interface Contact { personId: string, depth: 1 | 2, via: string, firstEncounterAt: number, encounters: Encounter[] }

/** A presence of someone whose contacts are searched (the index person, or a depth-1 contact). */
interface Source extends Presence { personId: string, checkpointId: string }

/** Presences per person and checkpoint, from scans in any order. */
function presencesByPlace (rows: ScanRow[]): Source[] {
  const out: Source[] = []
  for (const [key, scans] of groupBy(rows, (r) => `${r.personId}\n${r.checkpointId}`)) {
    const [personId, checkpointId] = key.split('\n') as [string, string]
    for (const p of presencesOf(scans.sort(byTimeThenId))) out.push({ ...p, personId, checkpointId })
  }
  return out
}

/** The first index whose presence starts at or after t (presences sorted by start). */
function firstStartingAt (list: Presence[], t: number): number {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((list[mid] as Presence).start < t) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * The work of one contacts call: the presences it reads and the encounters it finds, at most `max` together
 * (GRIDPASS_TRACING_MAX_ROWS). At a county's density depth 2 reaches most of the county; without this bound one call
 * would read for minutes and hold gigabytes, while the checkpoints share the process.
 */
class Budget {
  private used = 0
  constructor (private readonly max: number) {}
  spend (n: number): void {
    this.used += n
    if (this.used > this.max) {
      throw new TraceTooLarge(`the answer needs more than ${this.max.toLocaleString('en-US')} presences and encounters (GRIDPASS_TRACING_MAX_ROWS): narrow from/to or windowMinutes, or ask depth 1`)
    }
  }
}

/** Sources per range read at once: one range of a busy checkpoint's day is then a few milliseconds of work. */
const MEMBERS_PER_RANGE = 64

const byEncounter = (a: Encounter, b: Encounter): number =>
  a.at - b.at || a.indexAt - b.indexAt || cmp(a.withPersonId, b.withPersonId) || cmp(a.checkpointId, b.checkpointId)
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

const DAY = 86_400_000

interface Deps { queries: TracingQueries, people: PeopleService, checkpoints: CheckpointsService, config: Config }

export function createTracingService ({ queries: q, people, checkpoints, config }: Deps, options: { sliceMs?: number } = {}) {
  // Every long loop gives the event loop back after this many milliseconds (tests: 0 = at every step).
  const slicer = (): (() => Promise<void>) => newSlicer(options.sliceMs)
  const { rangesPerCall, peoplePerCall } = q

  /**
   * The presences of these people in [from, to], by checkpoint, read and built a slice of people at a time; `keep`
   * chooses which presences count.
   */
  async function presencesOfPeople (personIds: string[], from: number, to: number, budget: Budget, keep: (p: Source) => boolean = () => true): Promise<Map<string, Source[]>> {
    const pause = slicer()
    const out = new Map<string, Source[]>()
    for (let i = 0; i < personIds.length; i += peoplePerCall) {
      const rows = await q.scansOf(personIds.slice(i, i + peoplePerCall), from, to)
      budget.spend(rows.length)
      for (const p of presencesByPlace(rows)) {
        if (!keep(p)) continue
        const list = out.get(p.checkpointId)
        if (list === undefined) out.set(p.checkpointId, [p])
        else list.push(p)
      }
      await pause()
    }
    return out
  }

  /**
   * Every encounter between the sources' presences and the presences of anyone not in `exclude`, at the same
   * checkpoint, at most windowMs apart: per checkpoint, the sources' windows [start − window, end + window] are merged
   * into ranges, the presences touching each range are read once and paired in memory.
   */
  async function meet (sources: Map<string, Source[]>, exclude: Set<string>, from: number, to: number, windowMs: number, budget: Budget): Promise<Map<string, Encounter[]>> {
    const pause = slicer()
    const ranges: Array<Range<Source> & { checkpointId: string, plates: boolean }> = []
    for (const [checkpointId, list] of sources) {
      const items = list.map((s) => ({ lo: s.start - windowMs, hi: s.end + windowMs, member: s }))
      const merged = await mergeRangesByHour(items, from, to, MEMBERS_PER_RANGE, pause)
      for (let i = 0; i < merged.length; i++) {
        const r = merged[i] as Range<Source>
        ranges.push({ ...r, checkpointId, plates: r.members.some((m) => m.plate !== null) })
        if (i % 256 === 255) await pause()
      }
      await pause()
    }
    const met = new Map<string, Encounter[]>()
    // Range by range (a slice at a time), so that only one slice's presences are held at once.
    for (let start = 0; start < ranges.length; start += rangesPerCall) {
      const slice = ranges.slice(start, start + rangesPerCall)
      const presences = await q.presencesAt(slice, from, to, pause)
      for (let i = 0; i < slice.length; i++) await pair(slice[i] as (typeof ranges)[number], presences[i] as PresenceRow[])
      await pause()
    }
    return met

    /**
     * Gives the event loop its turn between sources: at a busy gate one range of depth 2 holds up to 64 sources, each
     * with thousands of presences in its window.
     */
    async function pair (range: (typeof ranges)[number], presences: PresenceRow[]): Promise<void> {
      budget.spend(presences.length)
      const others = presences.filter((p) => !exclude.has(p.personId))
      others.sort((a, b) => a.start - b.start)
      for (const source of range.members) {
        let found = 0
        // A presence within the window starts at most window + 4 h before the source (stays last at most 4 h).
        const lowest = source.start - windowMs - MAX_STAY_MS
        for (let j = firstStartingAt(others, lowest); j < others.length; j++) {
          const other = others[j] as PresenceRow
          if (other.start > source.end + windowMs) break
          if (other.personId === source.personId) continue
          const gap = gapMs(source, other)
          if (gap > windowMs) continue
          const e: Encounter = { checkpointId: range.checkpointId, at: other.start, indexAt: source.start, gapSeconds: Math.floor(gap / 1000), sameVehicle: sameVehicle(source, other), withPersonId: source.personId }
          const list = met.get(other.personId)
          if (list === undefined) met.set(other.personId, [e])
          else list.push(e)
          found++
        }
        budget.spend(found)
        await pause()
      }
    }
  }

  const contact = (personId: string, depth: 1 | 2, encounters: Encounter[]): Contact => {
    encounters.sort(byEncounter)
    const first = (encounters[0] as Encounter).at
    // The earliest encounter's partner; on a tie the smaller personId (encounters at the same `at` may differ in indexAt).
    let via = (encounters[0] as Encounter).withPersonId
    for (const e of encounters) if (e.at === first && e.withPersonId < via) via = e.withPersonId
    return { personId, depth, via, firstEncounterAt: first, encounters }
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

  async function contacts (personId: string, query: ContactsQuery): Promise<Contact[]> {
    const { from, to, depth } = query
    const windowMs = query.windowMinutes * 60_000
    const budget = new Budget(config.tracingMaxRows)
    const index = await presencesOfPeople([personId], from, to, budget)
    const level1 = [...await meet(index, new Set([personId]), from, to, windowMs, budget)]
      .map(([id, encounters]) => contact(id, 1, encounters))
    if (depth === 1) return sortContacts(level1)

    // Depth 2: only presences of a depth-1 contact that start at or after its first encounter pass exposure on.
    const firstAt = new Map(level1.map((c) => [c.personId, c.firstEncounterAt]))
    const forward = await presencesOfPeople([...firstAt.keys()], from, to, budget, (p) => p.start >= (firstAt.get(p.personId) as number))
    const exclude = new Set([personId, ...firstAt.keys()])
    const level2 = [...await meet(forward, exclude, from, to, windowMs, budget)].map(([id, encounters]) => contact(id, 2, encounters))
    return sortContacts([...level1, ...level2])
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
    /** Contacts by the definitions of docs/tracing.md, sorted as it says. No audit. */
    contacts,

    /** A person's trail over the range asked (checked as `range` says); with `places`, the checkpoints it passed. */
    async readTrail (personId: string, query: RangeQuery, places = false): Promise<{ from: number, to: number, scans: TrailScan[], checkpoints: Map<string, Checkpoint> }> {
      const { from, to } = await range(personId, query)
      const scans = await trail(personId, from, to)
      return { from, to, scans, checkpoints: places ? await checkpoints.many(scans.map((s) => s.checkpointId)) : new Map() }
    },

    /** A person's contacts over the range asked, with their names; with `places`, the checkpoints of the encounters. */
    async readContacts (personId: string, query: RangeQuery & { windowMinutes: number, depth: number }, places = false) {
      const { from, to } = await range(personId, query)
      const found = await contacts(personId, { from, to, windowMinutes: query.windowMinutes, depth: query.depth === 2 ? 2 : 1 })
      return {
        from,
        to,
        contacts: found,
        names: await people.names(found.map((c) => c.personId)),
        checkpoints: places ? await checkpoints.many(found.flatMap((c) => c.encounters.map((e) => e.checkpointId))) : new Map<string, Checkpoint>()
      }
    }
  }
}

function sortContacts (list: Contact[]): Contact[] {
  return list.sort((a, b) => a.depth - b.depth || a.firstEncounterAt - b.firstEncounterAt || cmp(a.personId, b.personId))
}

export type TracingService = ReturnType<typeof createTracingService>

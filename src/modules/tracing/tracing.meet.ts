// The work under every contacts question: presences read per person, and the meetings of some people's presences
// with everyone else's at the same checkpoints (read range by range, paired in memory), within a budget of rows.
import { MAX_STAY_MS } from '../../db/stays.ts'
import { slicer as newSlicer, type PresenceRow, type ScanRow, type TracingQueries } from '../../db/tracing-queries.ts'
import { TraceTooLarge } from '../../errors.ts'
import { byTimeThenId, gapMs, groupBy, mergeRangesByHour, overlapMs, presencesOf, sameVehicle, type Presence, type Range } from './tracing.presences.ts'
import type { Encounter } from './tracing.tiers.ts'

/** A presence of someone whose contacts are searched (the index person, or a depth-1 contact). */
export interface Source extends Presence { personId: string, checkpointId: string }

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
export class Budget {
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

/** Presences by checkpoint. */
export type ByPlace = Map<string, Source[]>
/** Whether a meeting of two presences becomes an encounter (the others are only counted by the hook). */
export type Keep = (source: Source, other: PresenceRow, checkpointId: string) => boolean

/** Small integers for people, so that a pair of them is one number (no string per pair in the hot loop). */
export class Numbering {
  /** More people than one call can meet (2^22); a pair stays below 2^53. */
  private static readonly SPAN = 4_194_304
  private readonly ids = new Map<string, number>()
  private readonly names: string[] = []
  of (personId: string): number {
    let n = this.ids.get(personId)
    if (n === undefined) {
      this.ids.set(personId, n = this.ids.size)
      this.names.push(personId)
    }
    return n
  }

  pair (a: string, b: string): number { return this.of(a) * Numbering.SPAN + this.of(b) }
  /** The two people of a pair, in pair()'s order. */
  people (pair: number): [string, string] {
    return [this.names[Math.floor(pair / Numbering.SPAN)] as string, this.names[pair % Numbering.SPAN] as string]
  }
}

/** Reads and meets presences for one service; `sliceMs`: how often long loops give the event loop back. */
export function createMeetings (q: TracingQueries, sliceMs?: number) {
  const slicer = (): (() => Promise<void>) => newSlicer(sliceMs)
  const { rangesPerCall, peoplePerCall } = q

  /**
   * The presences of these people in [from, to], by checkpoint, read and built a slice of people at a time; `keep`
   * chooses which presences count.
   */
  async function presencesOfPeople (personIds: string[], from: number, to: number, budget: Budget, keep: (p: Source) => boolean = () => true): Promise<ByPlace> {
    const pause = slicer()
    const out: ByPlace = new Map()
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
   * Every encounter between the sources' presences and the presences of anyone not in `exclude` (with `among`: of those
   * people only), at the same checkpoint, at most windowMs apart: per checkpoint, the sources' windows
   * [start − window, end + window] are merged into ranges, the presences touching each range are read once and paired
   * in memory. Encounters come untiered (companion); the caller tiers them by pair.
   */
  async function meet (sources: ByPlace, kinds: Map<string, string>, exclude: Set<string>, from: number, to: number, windowMs: number, budget: Budget, among?: ReadonlySet<string>, keep?: Keep): Promise<Map<string, Encounter[]>> {
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
      const presences = await q.presencesAt(slice, from, to, pause, among)
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
      const kind = kinds.get(range.checkpointId) ?? ''
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
          if (keep !== undefined && !keep(source, other, range.checkpointId)) continue
          const e: Encounter = {
            checkpointId: range.checkpointId,
            kind,
            at: other.start,
            indexAt: source.start,
            gapMs: gap,
            gapSeconds: Math.floor(gap / 1000),
            overlapSeconds: Math.floor(overlapMs(source, other) / 1000),
            sameVehicle: sameVehicle(source, other),
            withPersonId: source.personId,
            stays: (source.stay ? 1 : 0) + (other.stay ? 1 : 0),
            tier: 'companion'
          }
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

  return { presencesOfPeople, meet }
}

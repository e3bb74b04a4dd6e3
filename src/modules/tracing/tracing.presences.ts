// Pure rules of docs/tracing.md: scans → presences (points and stays), the gap between two presences, and the
// checkpoint time ranges whose scans can meet a presence.
import { MAX_STAY_MS } from '../../db/stays.ts'
import { normalizePlate } from '../../lib/plate.ts'

export interface ScanPoint { id: string, scannedAt: number, direction: string | null, plate: string | null }
/** `stay`: an [in, out] pair (its start may equal its end); otherwise a point. */
export interface Presence { start: number, end: number, plate: string | null, stay: boolean }

export const byTimeThenId = (a: ScanPoint, b: ScanPoint): number => a.scannedAt - b.scannedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/**
 * One person's scans at one checkpoint, sorted by byTimeThenId, as presences: an "in" whose next scan is an "out"
 * at most 4 h later is a stay [in, out]; every other scan is a point. The plate is the first scan's.
 */
export function presencesOf (scans: ScanPoint[]): Presence[] {
  const out: Presence[] = []
  for (let i = 0; i < scans.length; i++) {
    const s = scans[i] as ScanPoint
    const next = scans[i + 1]
    if (s.direction === 'in' && next !== undefined && next.direction === 'out' && next.scannedAt - s.scannedAt <= MAX_STAY_MS) {
      out.push({ start: s.scannedAt, end: next.scannedAt, plate: normalizePlate(s.plate), stay: true })
      i++
    } else {
      out.push({ start: s.scannedAt, end: s.scannedAt, plate: normalizePlate(s.plate), stay: false })
    }
  }
  return out
}

/** The gap between two intervals: 0 when they overlap. */
export const gapMs = (a: Presence, b: Presence): number => Math.max(0, Math.max(a.start, b.start) - Math.min(a.end, b.end))

export const sameVehicle = (a: Presence, b: Presence): boolean => a.plate !== null && a.plate === b.plate

/** The time two stays share, in ms; 0 unless both are stays. */
export const overlapMs = (a: Presence, b: Presence): number => (a.stay && b.stay ? Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start)) : 0)

export interface Range<M> { lo: number, hi: number, members: M[] }

/**
 * Merges overlapping [lo, hi] ranges (clipped to [from, to]) so each scan is read once; members ride along. A range
 * takes at most `maxMembers`: the next one may then overlap it (its scans are read twice, each member is in one
 * range only), so that a busy day of depth 2 is read and paired in pieces rather than as one block.
 *
 * With `out`, merging goes on from the ranges already there: items given in parts, each part's clipped lows not
 * below the previous part's, give exactly the ranges of one call with all of them (mergeRangesByHour).
 */
export function mergeRanges<M> (items: Array<{ lo: number, hi: number, member: M }>, from: number, to: number, maxMembers = Infinity, out: Array<Range<M>> = []): Array<Range<M>> {
  const sorted = items
    .map((i) => ({ lo: Math.max(from, i.lo), hi: Math.min(to, i.hi), member: i.member }))
    .filter((i) => i.lo <= i.hi)
    .sort((a, b) => a.lo - b.lo)
  for (const i of sorted) {
    const last = out[out.length - 1]
    if (last !== undefined && i.lo <= last.hi && last.members.length < maxMembers) {
      last.hi = Math.max(last.hi, i.hi)
      last.members.push(i.member)
    } else {
      out.push({ lo: i.lo, hi: i.hi, members: [i.member] })
    }
  }
  return out
}

const HOUR = 3_600_000

/**
 * mergeRanges's ranges, merged an hour of (clipped) lows at a time with `pause` between the parts: at the county one
 * checkpoint held 206,530 depth-2 windows in 14 days, and merging them in one piece held the event loop for 578 ms.
 */
export async function mergeRangesByHour<M> (items: Array<{ lo: number, hi: number, member: M }>, from: number, to: number, maxMembers: number, pause: () => Promise<void>): Promise<Array<Range<M>>> {
  const byHour = new Map<number, Array<{ lo: number, hi: number, member: M }>>()
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as { lo: number, hi: number, member: M }
    const hour = Math.floor(Math.max(from, item.lo) / HOUR)
    const part = byHour.get(hour)
    if (part === undefined) byHour.set(hour, [item])
    else part.push(item)
    if (i % 4096 === 4095) await pause()
  }
  const out: Array<Range<M>> = []
  for (const hour of [...byHour.keys()].sort((a, b) => a - b)) {
    mergeRanges(byHour.get(hour) as Array<{ lo: number, hi: number, member: M }>, from, to, maxMembers, out)
    await pause()
  }
  return out
}

/** Groups rows by a key, keeping their order. */
export function groupBy<R> (rows: R[], key: (r: R) => string): Map<string, R[]> {
  const out = new Map<string, R[]>()
  for (const r of rows) {
    const k = key(r)
    const list = out.get(k)
    if (list === undefined) out.set(k, [r])
    else list.push(r)
  }
  return out
}

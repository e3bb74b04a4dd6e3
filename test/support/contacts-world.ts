// Random small worlds for the contact-tracing property test (test/tracing-property.test.ts): a seeded PRNG and a
// generator of people, checkpoints of every kind and scans, on placeholder checkpoint ids (cp0…).
import { randomUUID } from 'node:crypto'
import { DAY_MS as DAY, HOUR, MIN, STAY_MAX, type Direction, type Kind, type MScan, type MWorld } from './contacts-model.ts'

/** Midnight in Asia/Shanghai (00:00 on 1 March 2026), 16 hours before the tests' now (T0 of test/helper.ts). */
export const MIDNIGHT = Date.parse('2026-03-01T00:00:00+08:00')
/** The tests' now: T0 of test/helper.ts (not imported here: helper.ts builds apps). */
const T0 = MIDNIGHT + 16 * HOUR

// ---------------------------------------------------------------------------------------------------------------
// Deterministic randomness.

/** mulberry32: a tiny seeded PRNG, uniform in [0, 1). */
export function mulberry32 (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = a
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

export interface Rng { next: () => number, int: (lo: number, hi: number) => number, pick: <T>(xs: readonly T[]) => T, chance: (p: number) => boolean, subset: <T>(xs: readonly T[], min: number, max: number) => T[] }
export function rngOf (seed: number): Rng {
  const next = mulberry32(seed)
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1))
  const shuffle = <T>(xs: readonly T[]): T[] => {
    const ys = [...xs]
    for (let i = ys.length - 1; i > 0; i--) {
      const j = int(0, i)
      ;[ys[i], ys[j]] = [ys[j] as T, ys[i] as T]
    }
    return ys
  }
  return {
    next,
    int,
    pick: (xs) => xs[int(0, xs.length - 1)] as (typeof xs)[number],
    chance: (p) => next() < p,
    subset: (xs, min, max) => shuffle(xs).slice(0, int(Math.min(min, xs.length), Math.min(max, xs.length)))
  }
}

/** A UUID-shaped id drawn from the world's PRNG, so that ties broken by personId replay identically. */
export function uuidFrom (rng: Rng): string {
  const hex = Array.from({ length: 32 }, () => rng.int(0, 15).toString(16)).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

// ---------------------------------------------------------------------------------------------------------------
// Worlds.

/** A world on placeholder checkpoint ids (`cp0`…) until its checkpoints exist; then on their real ids. */
export interface World extends MWorld { seed: number, people: string[], checkpoints: string[], names: Map<string, string>, scans: MScan[], start: number, end: number }

/** Vehicles, each plate written in the ways people type it (spaces, case). */
export const VEHICLES: ReadonlyArray<readonly string[]> = [
  ['鄂E12345', '鄂e 12345', '鄂E 123 45'],
  ['鄂E67890', '鄂e6789 0'],
  ['鄂A0000Q', '鄂a 0000q'],
  ['京B88888'],
  ['鄂E55555', '鄂E 55555']
]

/**
 * People, checkpoints of every kind and scans from a seed: households driving their car through traffic gates
 * (several people scanned with the same plate within seconds, sometimes exactly 2 minutes apart, sometimes one
 * without the plate or with another), people walking together past two checkpoints, venue visits with stays (some
 * exactly 4 hours, some longer, some with a forgotten out or only an out), and scattered gate scans, clustered
 * around a few anchor times of which many lie around Asia/Shanghai midnight, and reusing earlier times often
 * (exact ties between people). All before the tests' now. One person never has two scans at one checkpoint in the
 * same millisecond (the pairing of an in and an out of the same millisecond is not something to test here).
 */
export function generateWorld (seed: number): World {
  const rng = rngOf(seed)
  const nPeople = rng.int(10, 30)
  const people = Array.from({ length: nPeople }, () => uuidFrom(rng))
  const kinds = new Map<string, Kind>()
  const plan: Kind[] = [
    ...Array<Kind>(rng.int(2, 3)).fill('traffic'),
    ...Array<Kind>(rng.int(1, 2)).fill('community'),
    'village',
    ...Array<Kind>(rng.int(1, 2)).fill('venue')
  ]
  plan.forEach((k, i) => kinds.set(`cp${i}`, k))
  const checkpoints = [...kinds.keys()]
  const ofKind = (...ks: Kind[]): string[] => checkpoints.filter((c) => ks.includes(kinds.get(c) as Kind))

  // Households of 2–5 with a vehicle each (two households may share one); the rest travel alone.
  const households: Array<{ members: string[], vehicle: readonly string[] }> = []
  let rest = rng.subset(people, people.length, people.length)
  const nHouseholds = rng.int(2, 6)
  for (let i = 0; i < nHouseholds && rest.length >= 2; i++) {
    const size = rng.int(2, Math.min(5, rest.length))
    households.push({ members: rest.slice(0, size), vehicle: VEHICLES[i % VEHICLES.length] as readonly string[] })
    rest = rest.slice(size)
  }

  const anchors = Array.from({ length: rng.int(4, 8) }, () => {
    const r = rng.next()
    if (r < 0.4) return MIDNIGHT + rng.int(-20, 20) * MIN
    if (r < 0.6) return MIDNIGHT - DAY + rng.int(-240, 240) * MIN
    return MIDNIGHT + rng.int(-360, 360) * MIN
  })
  const scans: MScan[] = []
  const taken = new Set<string>()
  const times: number[] = []
  const latest = T0 - 10 * MIN
  const timeNear = (): number => {
    if (times.length > 0 && rng.chance(0.25)) return rng.pick(times)
    const t = rng.pick(anchors) + rng.int(-60, 60) * MIN
    return rng.chance(0.3) ? t + rng.int(0, 59) * 1000 + rng.pick([0, 0, rng.int(1, 999)]) : t
  }
  const anyPlate = (): string => rng.pick(rng.pick(VEHICLES))
  const add = (personId: string, checkpointId: string, scannedAt: number, direction: Direction, plate: string | null): boolean => {
    if (scannedAt > latest) return false
    const key = `${personId}|${checkpointId}|${scannedAt}`
    if (taken.has(key)) return false
    taken.add(key)
    times.push(scannedAt)
    scans.push({ id: randomUUID(), personId, checkpointId, scannedAt, direction, plate })
    return true
  }

  const target = nPeople * rng.int(5, 9)
  let guard = 0
  while (scans.length < target && guard++ < 10_000) {
    const r = rng.next()
    if (r < 0.35 && households.length > 0) {
      // A car trip: some of a household (and now and then a guest), through 1–3 gates, scanned within seconds.
      const h = rng.pick(households)
      const riders = rng.subset(h.members, 1, h.members.length)
      if (rng.chance(0.2)) riders.push(rng.pick(people))
      const route = Array.from({ length: rng.int(1, 3) }, () => rng.chance(0.7) ? rng.pick(ofKind('traffic')) : rng.pick(ofKind('community', 'village')))
      let t = timeNear()
      for (const gate of route) {
        for (const rider of riders) {
          const offset = rng.pick([0, 0, rng.int(1, 20) * 1000, rng.int(0, 150_000), 120_000, 120_001])
          const plate = rng.chance(0.8) ? rng.pick(h.vehicle) : rng.chance(0.5) ? null : anyPlate()
          add(rider, gate, t + offset, rng.pick(['pass', null, null, 'in'] as const), plate)
        }
        t += rng.int(1, 40) * MIN + rng.int(0, 59) * 1000
      }
      if (rng.chance(0.2)) {
        // Home: in at the community gate with the plate, out hours later (or never).
        const gate = rng.pick(ofKind('community', 'village'))
        for (const rider of riders) {
          const inAt = t + rng.int(0, 30) * 1000
          const plate = rng.chance(0.85) ? rng.pick(h.vehicle) : null
          if (add(rider, gate, inAt, 'in', plate) && rng.chance(0.8)) add(rider, gate, inAt + rng.int(5, 300) * MIN, 'out', null)
        }
      }
    } else if (r < 0.45 && households.length > 0) {
      // A drop-off: the driver passes a gate with the car's plate; a passenger gets out there and stays (in with the
      // plate, out 1–3 hours later), and someone else comes in with the same plate during that stay: a close
      // encounter of the passenger that starts exactly at the passenger's encounter with the driver.
      const h = rng.pick(households)
      const gate = rng.pick(ofKind('community', 'village'))
      const [driver, passenger, later] = rng.subset(people, 3, 3) as [string, string, string]
      const t = timeNear()
      const plate = rng.pick(h.vehicle)
      add(driver, gate, t, rng.pick(['pass', null] as const), plate)
      const inAt = t + rng.pick([0, rng.int(1, 90) * 1000])
      const outAt = inAt + rng.int(60, 180) * MIN
      if (add(passenger, gate, inAt, 'in', rng.pick(h.vehicle))) add(passenger, gate, outAt, 'out', null)
      add(later, gate, inAt + rng.int(16, 59) * MIN, rng.pick(['in', 'pass'] as const), rng.pick(h.vehicle))
    } else if (r < 0.55) {
      // Walking together past two checkpoints, each a little behind the other (up to 3 minutes).
      const group = rng.subset(people, 2, 4)
      const [first, second] = rng.subset(checkpoints, 2, 2) as [string, string]
      const t = timeNear()
      const later = t + rng.int(1, 30) * MIN
      for (const p of group) {
        const plate = rng.chance(0.1) ? anyPlate() : null
        add(p, first, t + rng.int(0, 180) * 1000, rng.pick(['pass', null] as const), plate)
        add(p, second, later + rng.int(0, 180) * 1000, rng.pick(['pass', null, 'in'] as const), plate)
      }
    } else if (r < 0.75) {
      // A venue visit: stays that overlap or nearly do; some exactly 4 h, some longer (no stay), some without an out.
      const venue = rng.pick(ofKind('venue'))
      const t = timeNear()
      for (const p of rng.subset(people, 2, 6)) {
        const inAt = t + rng.int(-90, 90) * MIN + (rng.chance(0.3) ? rng.int(0, 59) * 1000 : 0)
        const plate = rng.chance(0.1) ? anyPlate() : null
        const shape = rng.next()
        if (shape < 0.6) {
          if (add(p, venue, inAt, 'in', plate)) add(p, venue, inAt + rng.int(5, 120) * MIN, 'out', null)
        } else if (shape < 0.7) {
          if (add(p, venue, inAt, 'in', plate)) add(p, venue, inAt + STAY_MAX, 'out', null)
        } else if (shape < 0.8) {
          if (add(p, venue, inAt, 'in', plate)) add(p, venue, inAt + rng.pick([STAY_MAX + 1, rng.int(241, 300) * MIN]), 'out', null)
        } else if (shape < 0.92) {
          add(p, venue, inAt, 'in', plate)
        } else {
          add(p, venue, inAt, 'out', plate)
        }
      }
    } else {
      // Scattered gate scans near one time.
      const gate = rng.chance(0.85) ? rng.pick(ofKind('traffic', 'community', 'village')) : rng.pick(checkpoints)
      const t = timeNear()
      for (const p of rng.subset(people, 1, 4)) {
        const at = rng.chance(0.3) ? t : t + rng.int(-20, 20) * MIN + rng.pick([0, rng.int(0, 59_999)])
        add(p, gate, at, rng.pick(['pass', null, 'in', 'out'] as const), rng.chance(0.2) ? anyPlate() : null)
      }
    }
  }
  const ts = scans.map((s) => s.scannedAt)
  return { seed, people, checkpoints, kinds, names: new Map(), scans, start: Math.min(...ts), end: Math.max(...ts) }
}

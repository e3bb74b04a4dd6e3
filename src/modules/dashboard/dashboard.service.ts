// The dashboard of an area and its children as of now: counts per grid read from the indexes, colours from the status
// module's rule, scans from scan_hours, rolled up along the area tree in memory.
import type { Config } from '../../config.ts'
import type { Db, GridpassDb } from '../../db/index.ts'
import { hourOf, HOUR_MS } from '../../db/scan-queries.ts'
import type { Session } from '../../types.ts'
import type { AreaNode, AreasService, Level, Tree } from '../areas/index.ts'
import type { StatusService } from '../status/index.ts'
import type { DashboardRepository } from './dashboard.repository.ts'

const DAY = 24 * HOUR_MS
/**
 * An area of more than this many grids (a city: ~1,000 grids, 400,000 people) takes its people, households and
 * screening counts per grid from a copy of the whole installation's instead of reading ~700,000 index entries per
 * request (most of the request's time at county scale, docs/dashboard.md). Smaller areas count on each request.
 */
export const CACHED_ABOVE_GRIDS = 200
/** That copy is used as it is while younger than this... */
export const FRESH_MS = 5_000
/** ...and until this age while one refresh runs in the background; older, a request waits for a new one. */
export const STALE_MS = 30_000

export interface Figures {
  people: number
  households: number
  screened: { households: number, people: number }
  returnees: number
  colors: { green: number, yellow: number, red: number }
  scans24h: number
}
/** An area (or, for a caller who reaches several tops or none, the synthetic node "all": areaId null). */
export interface AreaFigures extends Figures { areaId: string | null, name: string, level: Level | 'all' }
export interface Dashboard extends AreaFigures { children: AreaFigures[], hourly: Array<{ hour: string, scans: number }> }
/** How many hours the hourly series holds: the current hour and the 23 before it. */
export const HOURLY_HOURS = 24

/** The name of the node that stands for several tops of the tree (or none). */
export const ALL_NAME = '全部'

const zero = (): Omit<Figures, 'colors'> & { yellow: number, red: number } =>
  ({ people: 0, households: 0, screened: { households: 0, people: 0 }, returnees: 0, yellow: 0, red: 0, scans24h: 0 })
type Counts = ReturnType<typeof zero>

interface Deps { repo: DashboardRepository, store: GridpassDb, areas: AreasService, status: StatusService, config: Config }

/** The figures read from the indexes (people, households, the open rounds' screenings), per grid. */
interface Base {
  at: number
  people: Map<string, number>
  households: Map<string, number>
  rounds: string[]
  screenedH: Awaited<ReturnType<DashboardRepository['screenedHouseholds']>>
  screenedP: Awaited<ReturnType<DashboardRepository['screenedPeople']>>
}
type Copy = Base & { grids: ReadonlySet<string> }

export function createDashboardService ({ repo, store, areas, status, config }: Deps) {
  const toMap = (rows: Array<{ gridId: string, n: number }>): Map<string, number> => new Map(rows.map((r) => [r.gridId, r.n]))
  /** gridIds null: every grid (the whole installation's copy). */
  const count = async (gridIds: string[] | null, at: number): Promise<Base> => {
    const rounds = await repo.openRounds()
    const [people, households, screenedH, screenedP] = await Promise.all([
      repo.peopleByGrid(gridIds),
      repo.householdsByGrid(gridIds),
      rounds.length === 0 ? [] : repo.screenedHouseholds(rounds, gridIds),
      rounds.length === 0 ? [] : repo.screenedPeople(rounds, gridIds)
    ])
    return { at, people: toMap(people), households: toMap(households), rounds, screenedH, screenedP }
  }
  // The whole installation's index counts per grid (Date.now(): real time, like the area tree's cache).
  let copy: Copy | undefined
  let refreshing: Promise<Copy> | undefined
  const refresh = async (tree: Tree): Promise<Copy> => {
    refreshing ??= (async () => {
      const grids = [...tree.nodes.values()].filter((n) => n.level === 'grid').map((n) => n.id)
      const next = { ...await count(null, Date.now()), grids: new Set(grids) }
      copy = next
      return next
    })().finally(() => { refreshing = undefined })
    return refreshing
  }
  async function baseCounts (tree: Tree, gridIds: string[]): Promise<Base> {
    if (gridIds.length <= CACHED_ABOVE_GRIDS) return count(gridIds, Date.now())
    const c = copy
    const age = c === undefined || !gridIds.every((g) => c.grids.has(g)) ? Infinity : Date.now() - c.at
    if (age <= FRESH_MS) return c as Copy
    if (age <= STALE_MS) {
      refresh(tree).catch(() => undefined)
      return c as Copy
    }
    return refresh(tree)
  }

  /** Every grid at or below the node, by tree walk (a grid node is its own). */
  const gridsBelow = (tree: Tree, node: AreaNode): string[] => {
    const out: string[] = []
    const stack = [node]
    while (stack.length > 0) {
      const n = stack.pop() as AreaNode
      if (n.level === 'grid') out.push(n.id)
      for (const c of tree.children.get(n.id) ?? []) stack.push(c)
    }
    return out
  }

  /**
   * Scans in the 24 h before `now` at each of these checkpoints (absent: none): whole hours from scan_hours, and the
   * part of the oldest hour inside the 24 h counted exactly from scans.
   */
  async function scans24h (checkpointIds: string[], now: number): Promise<Map<string, number>> {
    const start = now - DAY
    const firstWhole = hourOf(start) === start ? start : hourOf(start) + HOUR_MS
    const wanted = new Set(checkpointIds)
    const [hours, partial] = await Promise.all([
      repo.hourSums(firstWhole, hourOf(now)),
      // Many checkpoints (a city's): all of them by a subquery, the others dropped below, rather than a list of ids.
      firstWhole === start || wanted.size === 0 ? [] : repo.scansBetween(wanted.size > CACHED_ABOVE_GRIDS ? null : [...wanted], start, firstWhole)
    ])
    const out = new Map<string, number>()
    for (const r of [...hours, ...partial]) if (wanted.has(r.checkpointId)) out.set(r.checkpointId, (out.get(r.checkpointId) ?? 0) + r.n)
    return out
  }

  /** Scans per hour at the checkpoints of these grids: the current hour (so far) and the 23 before it, oldest first. */
  async function hourlyOf (gridIds: ReadonlySet<string>, now: number): Promise<Array<{ hour: string, scans: number }>> {
    const last = hourOf(now)
    const first = last - (HOURLY_HOURS - 1) * HOUR_MS
    const cps = await repo.checkpointGrids()
    const inArea = cps.filter((c) => gridIds.has(c.gridId)).map((c) => c.id)
    // Every placed checkpoint (a city's): summed without naming them.
    const rows = inArea.length === 0 ? [] : await repo.hourTotals(first, last, inArea.length === cps.length ? null : inArea)
    const byHour = new Map<number, number>()
    for (const r of rows) byHour.set(r.hour, (byHour.get(r.hour) ?? 0) + r.n)
    return Array.from({ length: HOURLY_HOURS }, (_, i) => {
      const hour = first + i * HOUR_MS
      return { hour: new Date(hour).toISOString(), scans: byHour.get(hour) ?? 0 }
    })
  }

  /** The figures of every grid among gridIds, as of `now`. */
  async function perGrid (tree: Tree, gridIds: string[], now: number): Promise<Map<string, Counts>> {
    const grids = new Map<string, Counts>(gridIds.map((g) => [g, zero()]))
    const of = (gridId: string): Counts | undefined => grids.get(gridId)
    const [counted, nonGreen, activeGrids, cps] = await Promise.all([
      baseCounts(tree, gridIds),
      status.nonGreen(now),
      repo.gridsOfActive(now),
      repo.checkpointGrids()
    ])
    const { rounds, screenedH, screenedP } = counted
    for (const [gridId, g] of grids) {
      g.people = counted.people.get(gridId) ?? 0
      g.households = counted.households.get(gridId) ?? 0
    }

    // Within one round a household is screened once and a person is a member of one household: the index counts are
    // distinct. A grid that several open rounds reached is counted again with DISTINCT over the rows.
    const roundsOf = new Map<string, Set<string>>()
    for (const r of [...screenedH, ...screenedP]) {
      let set = roundsOf.get(r.gridId)
      if (set === undefined) roundsOf.set(r.gridId, set = new Set())
      set.add(r.roundId)
    }
    for (const r of screenedH) { const g = of(r.gridId); if (g !== undefined) g.screened.households += r.n }
    for (const r of screenedP) {
      const g = of(r.gridId)
      if (g === undefined) continue
      g.screened.people += r.n
      if (r.returned) g.returnees += r.n
    }
    const overlapping = [...roundsOf].filter(([, set]) => set.size > 1).map(([gridId]) => gridId)
    if (overlapping.length > 0) {
      for (const r of await repo.screenedDistinct(rounds, overlapping)) {
        const g = of(r.gridId)
        if (g !== undefined) { g.screened = { households: r.households, people: r.people }; g.returnees = r.returnees }
      }
    }

    // Colours: the status module's rule names everyone not green now; the rest of a grid's people are green.
    const colorOf = new Map(nonGreen.map((p) => [p.personId, p.color]))
    for (const p of activeGrids) {
      if (!colorOf.has(p.id)) continue
      const g = of(p.gridId)
      if (g !== undefined) g[colorOf.get(p.id) as 'yellow' | 'red']++
    }

    const cpGrid = new Map(cps.filter((c) => grids.has(c.gridId)).map((c) => [c.id, c.gridId]))
    for (const [checkpointId, n] of await scans24h([...cpGrid.keys()], now)) {
      const gridId = cpGrid.get(checkpointId)
      const g = gridId === undefined ? undefined : of(gridId)
      if (g !== undefined) g.scans24h += n
    }
    return grids
  }

  const add = (into: Counts, c: Counts): void => {
    into.people += c.people
    into.households += c.households
    into.screened.households += c.screened.households
    into.screened.people += c.screened.people
    into.returnees += c.returnees
    into.yellow += c.yellow
    into.red += c.red
    into.scans24h += c.scans24h
  }
  const figures = (c: Counts): Figures => ({
    people: c.people,
    households: c.households,
    screened: c.screened,
    returnees: c.returnees,
    // People counted nowhere else (never below zero, even while a write lands between the reads).
    colors: { green: Math.max(0, c.people - c.yellow - c.red), yellow: c.yellow, red: c.red },
    scans24h: c.scans24h
  })

  /** The tops of what a scoped caller reaches: reached areas whose parent is not reached. */
  const topsOf = (tree: Tree, reached: ReadonlySet<string>): AreaNode[] =>
    [...reached].map((id) => tree.nodes.get(id)).filter((n): n is AreaNode => n !== undefined && (n.parentId === null || !reached.has(n.parentId)))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))

  return {
    /**
     * The dashboard of an area (in the caller's reach: otherwise 404, audited) or, without one, of the top of what the
     * caller reaches: the root of the tree, their scope's area, their grid; several tops (or none) → the node "all".
     */
    async read (session: Session, areaId: string | undefined): Promise<Dashboard> {
      const now = config.now()
      const tree = await areas.tree()
      let node: AreaNode | undefined
      let children: AreaNode[]
      if (areaId !== undefined) {
        node = tree.nodes.get(areaId)
        if (node === undefined || !await areas.seesArea(session, areaId)) {
          return areas.refuse(session, { action: 'dashboard.read', target: areaId, message: `query.areaId: no area ${areaId}` })
        }
        children = [...tree.children.get(node.id) ?? []]
      } else {
        const reach = await areas.reach(session)
        const tops = reach.all ? [...tree.children.get(null) ?? []] : topsOf(tree, new Set([...reach.areaIds, ...reach.gridIds]))
        if (tops.length === 1) {
          node = tops[0] as AreaNode
          children = [...tree.children.get(node.id) ?? []]
        } else {
          children = tops
        }
      }
      const gridsOf = new Map(children.map((c) => [c.id, gridsBelow(tree, c)]))
      const own = node !== undefined ? gridsBelow(tree, node) : [...new Set([...gridsOf.values()].flat())]
      const [grids, hourly] = await Promise.all([perGrid(tree, own, now), hourlyOf(new Set(own), now)])
      const sumOf = (ids: string[]): Counts => { const c = zero(); for (const id of ids) { const g = grids.get(id); if (g !== undefined) add(c, g) } return c }
      return {
        ...(node !== undefined ? { areaId: node.id, name: node.name, level: node.level } : { areaId: null, name: ALL_NAME, level: 'all' as const }),
        ...figures(sumOf(own)),
        children: children.map((c) => ({ areaId: c.id, name: c.name, level: c.level, ...figures(sumOf(gridsOf.get(c.id) ?? [])) })),
        hourly
      }
    },

    /** At start: a database from before migration 0010 has scans but no scan_hours: counted once from the scans. */
    async fillHoursIfMissing (): Promise<number | null> {
      if (!await repo.hoursMissing()) return null
      return store.tx(async (db) => repo.rebuildHours(db))
    },
    /** scan_hours counted again from the scans, replacing every hour (after a bulk load that wrote scans directly). */
    async rebuildHours (): Promise<number> {
      return store.tx(async (db) => repo.rebuildHours(db))
    },
    /** Scans in the 24 h before `now` per checkpoint (the battle map's figure; the same count as the dashboard's). */
    scans24h,
    /** Retention: the hours wholly before the cutoff go, in the caller's transaction. */
    purgeHours: async (db: Db, cutoff: number): Promise<number> => repo.purgeHours(db, cutoff)
  }
}
export type DashboardService = ReturnType<typeof createDashboardService>

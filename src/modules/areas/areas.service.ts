// The area tree (city → street → community → grid) and what each staff user reaches in it: the scopes every read of
// people, households, screenings, trails and the dashboard is checked against. Outside one's reach is 404, audited.
import type { Config } from '../../config.ts'
import type { Db, GridpassDb } from '../../db/index.ts'
import { Conflict, NotFound, Validation } from '../../errors.ts'
import type { AuditLog } from '../../plugins/audit.ts'
import type { Scope, Users } from '../../plugins/users.ts'
import { actorName, type Session } from '../../types.ts'
import type { AreasRepository } from './areas.repository.ts'
import { buildTree, LEVELS, PARENT_LEVEL, pathOf, subtree, type AreaNode, type Level, type Tree } from './areas.tree.ts'

export type { AreaNode, Level, Tree }

/** What a session may see: every grid (all, which also covers people with no grid), or these grids and areas. */
export interface Reach {
  all: boolean
  gridIds: ReadonlySet<string>
  /** The areas at or below the user's scope roots (for reach.all: empty, everything counts). */
  areaIds: ReadonlySet<string>
}

/**
 * How long the tree is served from memory: another copy's new area counts here within this time (at once on the copy
 * that made it). The same rule as the accounts' state (src/plugins/users.ts).
 */
export const TREE_TTL_MS = 5_000
const ALL: Reach = { all: true, gridIds: new Set(), areaIds: new Set() }
const NOTHING: Reach = { all: false, gridIds: new Set(), areaIds: new Set() }

interface Deps { repo: AreasRepository, store: GridpassDb, audit: AuditLog, users: Users, config: Config }

export function createAreasService ({ repo, store, audit, users, config }: Deps) {
  let cached: { at: number, tree: Promise<Tree> } | undefined
  const reaches = new WeakMap<Scope, { tree: Tree, reach: Reach }>()
  const tree = async (): Promise<Tree> => {
    if (cached === undefined || Date.now() - cached.at >= TREE_TTL_MS) {
      const entry = { at: Date.now(), tree: repo.all().then(buildTree) }
      entry.tree.catch(() => { if (cached === entry) cached = undefined })
      cached = entry
    }
    return cached.tree
  }
  const forget = (): void => { cached = undefined }

  const below = (t: Tree, roots: Iterable<string>): Reach => {
    const gridIds = new Set<string>()
    const areaIds = new Set<string>()
    for (const root of roots) {
      for (const node of subtree(t, root)) {
        areaIds.add(node.id)
        if (node.level === 'grid') gridIds.add(node.id)
      }
    }
    return { all: false, gridIds, areaIds }
  }

  const reach = async (session: Session): Promise<Reach> => {
    if (session.role === 'admin') return ALL
    if (session.role === 'resident') return NOTHING
    const scope = await users.scope(session.sub)
    if ((session.role === 'officer' || session.role === 'tracer') && scope.areaIds.size === 0) return ALL
    const t = await tree()
    const memo = reaches.get(scope)
    if (memo !== undefined && memo.tree === t) return memo.reach
    let value: Reach
    if (session.role === 'officer' || session.role === 'tracer') value = below(t, scope.areaIds)
    else if (session.role === 'gridworker') value = below(t, scope.gridIds)
    else value = below(t, await repo.checkpointGrids([...scope.checkpointIds]))
    // A grid made before the tree (no area row yet) still counts for the grid worker assigned to it.
    if (session.role === 'gridworker') for (const g of scope.gridIds) (value.gridIds as Set<string>).add(g)
    reaches.set(scope, { tree: t, reach: value })
    return value
  }

  const checkName = (name: string): string => {
    const trimmed = name.normalize('NFC').trim().replace(/\s+/gu, ' ')
    if (trimmed.length === 0) throw new Validation('body.name: must not be empty')
    return trimmed
  }
  /** The parent an area of `level` may have: absent for a city, an area one level up for the others. */
  const checkParent = (t: Tree, level: Level, parentId: string | null | undefined, optional: boolean): string | null => {
    const wanted = PARENT_LEVEL[level]
    if (wanted === null) {
      if (parentId != null) throw new Validation('body.parentId: a city is the top of the tree and has no parent')
      return null
    }
    if (parentId == null) {
      if (optional) return null
      throw new Validation(`body.parentId: a ${level} needs a parent ${wanted}`)
    }
    const parent = t.nodes.get(parentId)
    if (parent === undefined) throw new Validation(`body.parentId: no area ${parentId}`)
    if (parent.level !== wanted) throw new Validation(`body.parentId: ${parentId} is a ${parent.level}; a ${level} belongs to a ${wanted}`)
    return parentId
  }

  const service = {
    tree,
    reach,
    async seesGrid (session: Session, gridId: string | null): Promise<boolean> {
      const r = await reach(session)
      return r.all || (gridId !== null && r.gridIds.has(gridId))
    },
    async seesArea (session: Session, areaId: string): Promise<boolean> {
      const r = await reach(session)
      return r.all || r.areaIds.has(areaId) || r.gridIds.has(areaId)
    },
    async get (areaId: string): Promise<AreaNode | undefined> {
      return (await tree()).nodes.get(areaId)
    },
    /** The children of an area, or the roots (null). */
    async children (areaId: string | null): Promise<AreaNode[]> {
      return [...((await tree()).children.get(areaId) ?? [])]
    },
    /** Every grid id at or below the area (none for an unknown area). */
    async gridsUnder (areaId: string): Promise<string[]> {
      return subtree(await tree(), areaId).filter((n) => n.level === 'grid').map((n) => n.id)
    },
    /** Which of these area ids exist (inside the caller's transaction). */
    existing: async (db: Db, ids: string[]): Promise<Set<string>> => repo.existing(db, ids),
    /** The area and its ancestors, root first. */
    async path (areaId: string): Promise<AreaNode[]> {
      return pathOf(await tree(), areaId)
    },
    /**
     * The answer to anything outside the caller's reach: audited as `<action>.out_of_scope` against the target, then
     * 404, worded like a missing thing (its existence is not revealed).
     */
    async refuse (session: Session, what: { action: string, target: string | null, purpose?: string | null, message?: string }): Promise<never> {
      await audit.record({ actor: actorName(session), role: session.role, action: `${what.action}.out_of_scope`, target: what.target, purpose: what.purpose ?? null })
      throw new NotFound(what.message ?? 'not found')
    },

    /** Creates an area of any level; a grid also becomes a row of grids. parentOptional: POST /v1/grids without parentId. */
    async create (actor: Session, input: { id: string, name: string, level: Level, parentId?: string | null }, parentOptional = false): Promise<AreaNode> {
      if (!(LEVELS as readonly string[]).includes(input.level)) throw new Validation(`body.level: one of ${LEVELS.join(', ')}`)
      const name = checkName(input.name)
      const node = await store.tx(async (db) => {
        const t = buildTree(await repo.all(db))
        const parentId = checkParent(t, input.level, input.parentId, parentOptional)
        const row = { id: input.id, name, level: input.level, parentId }
        if (!await repo.insert(db, { ...row, createdAt: config.now() })) throw new Conflict(`body.id: an area or grid ${input.id} exists`)
        await audit.append(db, { actor: actorName(actor), role: actor.role, action: input.level === 'grid' ? 'grid.create' : 'area.create', target: input.id })
        return row
      })
      forget()
      return node
    },

    /** Renames an area or moves it under another parent of the right level (never under itself or below it). */
    async update (actor: Session, areaId: string, change: { name?: string, parentId?: string | null }): Promise<AreaNode> {
      const node = await store.tx(async (db: Db) => {
        const t = buildTree(await repo.all(db))
        const current = t.nodes.get(areaId)
        if (current === undefined) throw new NotFound(`areaId: no area ${areaId}`)
        const next: { name?: string, parentId?: string | null } = {}
        if (change.name !== undefined) next.name = checkName(change.name)
        if (change.parentId !== undefined) {
          if (change.parentId !== null && subtree(t, areaId).some((n) => n.id === change.parentId)) {
            throw new Validation(`body.parentId: ${change.parentId} is ${change.parentId === areaId ? 'this area itself' : 'below this area'}; the tree would have a cycle`)
          }
          next.parentId = checkParent(t, current.level, change.parentId, false)
        }
        await repo.update(db, areaId, next)
        await audit.append(db, { actor: actorName(actor), role: actor.role, action: 'area.update', target: areaId })
        return { ...current, ...next }
      })
      forget()
      return node
    }
  }
  return service
}
export type AreasService = ReturnType<typeof createAreasService>

// Who may read or change what in the teams module: the area tree's reach, plus one widening (a community's card and
// roster for anyone who reaches one of its grids: the grid workers and volunteers of its team).
import { NotFound } from '../../errors.ts'
import type { Session } from '../../types.ts'
import type { AreaNode, AreasService } from '../areas/index.ts'
import type { Checkpoint } from '../checkpoints/index.ts'

export function createTeamsScope (areas: AreasService) {
  const noArea = (areaId: string): string => `params.areaId: no area ${areaId}`

  /** True when the session reaches at least one grid of the area. */
  const touches = async (session: Session, areaId: string): Promise<boolean> => {
    const reach = await areas.reach(session)
    if (reach.all) return true
    return (await areas.gridsUnder(areaId)).some((g) => reach.gridIds.has(g))
  }

  return {
    /**
     * The area, when the session may read it: it sees the area, or the area is a community one of whose grids it
     * reaches (a grid worker reads the card of the community their grids are in). Unknown → 404; unseen → 404 audited
     * as `<action>.out_of_scope`, with the same message.
     */
    async readable (session: Session, areaId: string, action: string, field = 'params.areaId'): Promise<AreaNode> {
      const node = await areas.get(areaId)
      const message = field === 'params.areaId' ? noArea(areaId) : `${field}: no area ${areaId}`
      if (node === undefined) throw new NotFound(message)
      if (await areas.seesArea(session, areaId)) return node
      if (node.level === 'community' && await touches(session, areaId)) return node
      return areas.refuse(session, { action, target: areaId, message })
    },
    /** The area, when the session's scope covers it (a change: no widening). */
    async writable (session: Session, areaId: string, action: string): Promise<AreaNode> {
      const node = await areas.get(areaId)
      if (node === undefined) throw new NotFound(noArea(areaId))
      if (await areas.seesArea(session, areaId)) return node
      return areas.refuse(session, { action, target: areaId, message: noArea(areaId) })
    },
    /** The checkpoint, when the session's scope covers its grid (a checkpoint with no grid: only an unscoped session). */
    async checkpoint (session: Session, checkpoint: Checkpoint | undefined, id: string, action: string, field: string): Promise<Checkpoint> {
      const message = `${field}: no checkpoint ${id}`
      if (checkpoint === undefined) throw new NotFound(message)
      if (await areas.seesGrid(session, checkpoint.gridId)) return checkpoint
      return areas.refuse(session, { action, target: id, message })
    },
    /** True when the session's scope covers the checkpoint's grid. */
    sees: async (session: Session, checkpoint: Checkpoint): Promise<boolean> => areas.seesGrid(session, checkpoint.gridId),
    refuse: areas.refuse,
    /** The grids the session reaches (null: every grid, and checkpoints with none). */
    async grids (session: Session): Promise<ReadonlySet<string> | null> {
      const reach = await areas.reach(session)
      return reach.all ? null : reach.gridIds
    },
    gridsUnder: areas.gridsUnder
  }
}
export type TeamsScope = ReturnType<typeof createTeamsScope>

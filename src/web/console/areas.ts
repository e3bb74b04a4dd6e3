// The area tree as the grid, team and admin screens read it: children by GET /v1/areas?parentId= (lazily, as el-tree
// asks), the levels in words, and the names of areas and grids for showing ids as people know them.
import { api, call } from './session.ts'
import type { paths } from '../shared/api-types.ts'

export type AreaItem = paths['/v1/areas']['get']['responses'][200]['content']['application/json']['areas'][number]
export type Level = AreaItem['level']

/** The children of an area (null: the top of what the caller sees). */
export async function childrenOf (parentId: string | null): Promise<AreaItem[]> {
  const { data } = await call(api.GET('/v1/areas', { params: { query: parentId === null ? {} : { parentId } } }))
  return data.areas
}

/** el-tree's lazy loader: the root's children at level 0, a node's children below; grids are leaves. */
export function lazyLoader (onError: (key: string) => void) {
  return (node: { level: number, data: AreaItem }, resolve: (d: AreaItem[]) => void): void => {
    const parentId = node.level === 0 ? null : node.data.id
    childrenOf(parentId).then(resolve, (err: unknown) => {
      onError(err instanceof Error ? err.message : 'err.server')
      resolve([])
    })
  }
}

// `children` of an answer is a count: el-tree must not read it as the child nodes.
export const treeProps = { label: 'name', children: 'childNodes', isLeaf: (d: AreaItem) => d.level === 'grid' || d.children === 0 }

/**
 * Every area above the grids (cities, streets, communities) the caller sees, walking the tree by levels; a county has
 * tens of them. Grids come from GET /v1/grids in one call.
 */
export async function nonGridAreas (): Promise<AreaItem[]> {
  const out: AreaItem[] = []
  let level = await childrenOf(null)
  while (level.length > 0) {
    const upper = level.filter((a) => a.level !== 'grid')
    out.push(...upper)
    const next = await Promise.all(upper.filter((a) => a.level !== 'community' && a.children > 0).map(async (a) => await childrenOf(a.id)))
    level = next.flat()
  }
  return out
}

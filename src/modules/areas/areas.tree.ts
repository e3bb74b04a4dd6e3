// The area tree as plain data: levels, the parent a level needs, subtrees and paths. No I/O.
export const LEVELS = ['city', 'street', 'community', 'grid'] as const
export type Level = typeof LEVELS[number]

export interface AreaNode { id: string, name: string, level: Level, parentId: string | null }

export interface Tree {
  nodes: ReadonlyMap<string, AreaNode>
  /** Children by parent id (null: the roots), each list by id. */
  children: ReadonlyMap<string | null, readonly AreaNode[]>
}

/** The level an area's parent must have; null: a city is a root. */
export const PARENT_LEVEL: Record<Level, Level | null> = { city: null, street: 'city', community: 'street', grid: 'community' }

export function buildTree (rows: Array<{ id: string, name: string, level: string, parentId: string | null }>): Tree {
  const nodes = new Map<string, AreaNode>()
  const children = new Map<string | null, AreaNode[]>()
  for (const r of rows) {
    const node: AreaNode = { id: r.id, name: r.name, level: r.level as Level, parentId: r.parentId }
    nodes.set(node.id, node)
  }
  for (const node of nodes.values()) {
    // A parent that is missing (never, with the foreign key) makes the node a root rather than vanish.
    const parent = node.parentId !== null && nodes.has(node.parentId) ? node.parentId : null
    let list = children.get(parent)
    if (list === undefined) children.set(parent, list = [])
    list.push(node)
  }
  for (const list of children.values()) list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return { nodes, children }
}

/** Every area at or below id (id first, depth first). */
export function subtree (tree: Tree, id: string): AreaNode[] {
  const out: AreaNode[] = []
  const start = tree.nodes.get(id)
  if (start === undefined) return out
  const stack: AreaNode[] = [start]
  while (stack.length > 0) {
    const node = stack.pop() as AreaNode
    out.push(node)
    const kids = tree.children.get(node.id) ?? []
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i] as AreaNode)
  }
  return out
}

/** The area and its ancestors, root first. Stops at a cycle (there is none: the service refuses one). */
export function pathOf (tree: Tree, id: string): AreaNode[] {
  const out: AreaNode[] = []
  const seen = new Set<string>()
  for (let node = tree.nodes.get(id); node !== undefined && !seen.has(node.id); node = node.parentId === null ? undefined : tree.nodes.get(node.parentId)) {
    seen.add(node.id)
    out.unshift(node)
  }
  return out
}

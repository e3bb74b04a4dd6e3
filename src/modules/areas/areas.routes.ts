// HTTP for the area tree: create, list children, read one with its path, rename or move (and POST /v1/grids).
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { bearer, errors, Nullable } from '../common.schemas.ts'
import { STAFF_ROLES, type Session } from '../../types.ts'
import type { AreasService } from './areas.service.ts'
import { LEVELS, pathOf, type AreaNode } from './areas.tree.ts'

const AreaId = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'The county\'s own code for the area (e.g. the 12-digit statistical code)' })
const Level = Type.Unsafe<typeof LEVELS[number]>({ type: 'string', enum: [...LEVELS], description: 'city (市/县) → street (街道/镇) → community (社区/村) → grid (网格)' })
const Name = Type.String({ minLength: 1, maxLength: 100 })
const Area = Type.Object({ id: Type.String(), name: Type.String(), level: Level, parentId: Nullable(Type.String()) })
const Listed = Type.Object({ ...Area.properties, children: Type.Integer({ description: 'How many child areas it has' }) })

export default async function areasRoutes (fastify: FastifyInstance, areas: AreasService): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const view = ({ id, name, level, parentId }: AreaNode) => ({ id, name, level, parentId })
  /** The areas a session may name: its reach and the ancestors of it (their names only: the way down to one's own grids). */
  const visible = async (session: Session): Promise<((id: string) => boolean)> => {
    const reach = await areas.reach(session)
    if (reach.all) return () => true
    const tree = await areas.tree()
    const ids = new Set<string>()
    for (const id of [...reach.areaIds, ...reach.gridIds]) for (const n of pathOf(tree, id)) ids.add(n.id)
    return (id) => ids.has(id)
  }

  app.post('/v1/areas', {
    onRequest: [app.authenticate, app.requireRole('admin')],
    schema: {
      tags: ['areas'], summary: 'Create an area of the tree (admin)', security: bearer,
      description: 'A city has no parent; a street belongs to a city, a community to a street, a grid to a community (a parent of another ' +
        'level → 400 naming body.parentId). A grid created here is also a grid of GET /v1/grids. An id that exists → 409. Audited.',
      body: Type.Object({ id: AreaId, name: Name, level: Level, parentId: Type.Optional(AreaId) }, { additionalProperties: false }),
      response: { 201: Area, ...errors(400, 401, 403, 409, 415) }
    }
  }, async (request, reply) => reply.code(201).send(await areas.create(request.user, request.body)))

  app.post('/v1/grids', {
    onRequest: [app.authenticate, app.requireRole('admin')],
    schema: {
      tags: ['grids'], summary: 'Create a grid unit (admin)', security: bearer,
      description: 'The same as POST /v1/areas with level grid; parentId (a community) may be left out and set later with PATCH /v1/areas/{areaId}.',
      body: Type.Object({
        id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'The county\'s own code for the grid' }),
        name: Name,
        parentId: Type.Optional(AreaId)
      }, { additionalProperties: false }),
      response: { 201: Type.Object({ id: Type.String(), name: Type.String(), parentId: Nullable(Type.String()) }), ...errors(400, 401, 403, 409, 415) }
    }
  }, async (request, reply) => {
    const grid = await areas.create(request.user, { ...request.body, level: 'grid' }, true)
    return reply.code(201).send({ id: grid.id, name: grid.name, parentId: grid.parentId })
  })

  app.get('/v1/areas', {
    onRequest: [app.authenticate, app.requireRole(...STAFF_ROLES)],
    schema: {
      tags: ['areas'], summary: 'The children of an area, or the top of the tree (staff)', security: bearer,
      description: 'Lists what the caller may see: their areas and grids, and the areas above them (by name, the way down). A parentId ' +
        'outside that → 404, audited.',
      querystring: Type.Object({ parentId: Type.Optional(AreaId) }, { additionalProperties: false }),
      response: { 200: Type.Object({ areas: Type.Array(Listed) }), ...errors(400, 401, 403, 404) }
    }
  }, async (request) => {
    const sees = await visible(request.user)
    const parentId = request.query.parentId ?? null
    if (parentId !== null && (!sees(parentId) || await areas.get(parentId) === undefined)) {
      return areas.refuse(request.user, { action: 'area.read', target: parentId, message: `query.parentId: no area ${parentId}` })
    }
    const tree = await areas.tree()
    return { areas: (await areas.children(parentId)).filter((a) => sees(a.id)).map((a) => ({ ...view(a), children: tree.children.get(a.id)?.length ?? 0 })) }
  })

  app.get('/v1/areas/:areaId', {
    onRequest: [app.authenticate, app.requireRole(...STAFF_ROLES)],
    schema: {
      tags: ['areas'], summary: 'One area with its path from the top (staff)', security: bearer,
      params: Type.Object({ areaId: AreaId }),
      response: { 200: Type.Object({ ...Area.properties, path: Type.Array(Area, { description: 'From the top of the tree down to this area' }) }), ...errors(401, 403, 404) }
    }
  }, async (request) => {
    const { areaId } = request.params
    const node = await areas.get(areaId)
    if (node === undefined || !(await visible(request.user))(areaId)) {
      return areas.refuse(request.user, { action: 'area.read', target: areaId, message: `areaId: no area ${areaId}` })
    }
    return { ...view(node), path: (await areas.path(areaId)).map(view) }
  })

  app.patch('/v1/areas/:areaId', {
    onRequest: [app.authenticate, app.requireRole('admin')],
    schema: {
      tags: ['areas'], summary: 'Rename an area or move it under another parent (admin)', security: bearer,
      description: 'The new parent must be of the level above (400 naming body.parentId), and never the area itself or one below it ' +
        '(a cycle → 400). Audited.',
      params: Type.Object({ areaId: AreaId }),
      body: Type.Object({ name: Type.Optional(Name), parentId: Type.Optional(AreaId) }, { additionalProperties: false, minProperties: 1 }),
      response: { 200: Area, ...errors(400, 401, 403, 404, 415) }
    }
  }, async (request) => areas.update(request.user, request.params.areaId, request.body))
}

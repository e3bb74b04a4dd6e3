// Grid units (网格): the county's 998 cells that people, checkpoints and grid workers belong to.
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { asc } from 'drizzle-orm'
import { Conflict } from '../../errors.ts'
import { bearer, errors } from '../common.schemas.ts'
import { actorName, STAFF_ROLES } from '../../types.ts'

const Grid = Type.Object({ id: Type.String(), name: Type.String() })

export default async function gridsRoutes (fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { store, audit, config } = app
  const { t } = store

  app.post('/v1/grids', {
    onRequest: [app.authenticate, app.requireRole('admin')],
    schema: {
      tags: ['grids'], summary: 'Create a grid unit (admin)', security: bearer,
      body: Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'The county\'s own code for the grid' }), name: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
      response: { 201: Grid, ...errors(400, 401, 403, 409, 415) }
    }
  }, async (request, reply) => {
    const { id, name } = request.body
    await store.tx(async (db) => {
      const inserted = await db.insert(t.grids).values({ id, name, createdAt: config.now() }).onConflictDoNothing().returning({ id: t.grids.id })
      if (inserted.length === 0) throw new Conflict(`id: grid ${id} exists`)
      await audit.append(db, { actor: actorName(request.user), role: request.user.role, action: 'grid.create', target: id })
    })
    return reply.code(201).send({ id, name })
  })

  app.get('/v1/grids', {
    onRequest: [app.authenticate, app.requireRole(...STAFF_ROLES)],
    schema: { tags: ['grids'], summary: 'List grid units (staff)', security: bearer, response: { 200: Type.Object({ grids: Type.Array(Grid) }), ...errors(401, 403) } }
  }, async () => ({ grids: await store.db.select({ id: t.grids.id, name: t.grids.name }).from(t.grids).orderBy(asc(t.grids.id)) }))
}

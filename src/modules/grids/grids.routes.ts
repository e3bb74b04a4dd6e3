// HTTP for grid units.
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { bearer, errors } from '../common.schemas.ts'
import { STAFF_ROLES } from '../../types.ts'
import type { GridsService } from './grids.service.ts'

const Grid = Type.Object({ id: Type.String(), name: Type.String() })

export default async function gridsRoutes (fastify: FastifyInstance, grids: GridsService): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()

  app.post('/v1/grids', {
    onRequest: [app.authenticate, app.requireRole('admin')],
    schema: {
      tags: ['grids'], summary: 'Create a grid unit (admin)', security: bearer,
      body: Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'The county\'s own code for the grid' }), name: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
      response: { 201: Grid, ...errors(400, 401, 403, 409, 415) }
    }
  }, async (request, reply) => reply.code(201).send(await grids.create(request.user, request.body)))

  app.get('/v1/grids', {
    onRequest: [app.authenticate, app.requireRole(...STAFF_ROLES)],
    schema: { tags: ['grids'], summary: 'List grid units (staff)', security: bearer, response: { 200: Type.Object({ grids: Type.Array(Grid) }), ...errors(401, 403) } }
  }, async () => ({ grids: await grids.list() }))
}

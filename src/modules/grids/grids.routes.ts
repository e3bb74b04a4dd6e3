// HTTP for grid units: the list (a grid is created as an area: src/modules/areas).
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { bearer, errors } from '../common.schemas.ts'
import { STAFF_ROLES } from '../../types.ts'
import type { GridsService } from './grids.service.ts'

const Grid = Type.Object({ id: Type.String(), name: Type.String() })

export default async function gridsRoutes (fastify: FastifyInstance, grids: GridsService): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()

  app.get('/v1/grids', {
    onRequest: [app.authenticate, app.requireRole(...STAFF_ROLES)],
    schema: { tags: ['grids'], summary: 'List grid units (staff)', security: bearer, response: { 200: Type.Object({ grids: Type.Array(Grid) }), ...errors(401, 403) } }
  }, async () => ({ grids: await grids.list() }))
}

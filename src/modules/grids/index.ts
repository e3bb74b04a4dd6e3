// The grids module's one door: its repository and service built once, app.grids, its routes.
import fp from 'fastify-plugin'
import { createGridsRepository } from './grids.repository.ts'
import { createGridsService, type GridsService } from './grids.service.ts'
import gridsRoutes from './grids.routes.ts'

export type { GridsService }
declare module 'fastify' { interface FastifyInstance { grids: GridsService } }

export default fp(async (app) => {
  const grids = createGridsService({ repo: createGridsRepository(app.store) })
  app.decorate('grids', grids)
  await gridsRoutes(app, grids)
}, { name: 'grids', dependencies: ['gp-db', 'gp-audit', 'gp-auth'] })

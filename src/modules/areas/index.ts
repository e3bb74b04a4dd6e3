// The areas module's one door: the area tree and every staff user's reach in it (app.areas), and its routes.
import fp from 'fastify-plugin'
import { createAreasRepository } from './areas.repository.ts'
import { createAreasService, type AreaNode, type AreasService, type Level, type Reach, type Tree } from './areas.service.ts'
import areasRoutes from './areas.routes.ts'

export type { AreaNode, AreasService, Level, Reach, Tree }
declare module 'fastify' { interface FastifyInstance { areas: AreasService } }

export default fp(async (app) => {
  const areas = createAreasService({ repo: createAreasRepository(app.store), store: app.store, audit: app.audit, users: app.users, config: app.config })
  app.decorate('areas', areas)
  await areasRoutes(app, areas)
}, { name: 'areas', dependencies: ['gp-db', 'gp-audit', 'gp-auth', 'grids'] })

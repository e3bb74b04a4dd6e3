// The screening module's one door: the high-risk-area list, screening rounds, grid workers' tasks, households'
// screenings (their findings set colours through the status module) and their exports; app.screening, its routes.
import fp from 'fastify-plugin'
import { createScreeningExport } from './screening.export.ts'
import { createScreeningRepository } from './screening.repository.ts'
import { createScreeningService, type ScreeningService } from './screening.service.ts'
import screeningRoutes from './screening.routes.ts'

export type { ScreeningService }
declare module 'fastify' { interface FastifyInstance { screening: ScreeningService } }

export default fp(async (app) => {
  const repo = createScreeningRepository(app.store)
  const screening = createScreeningService({ repo, store: app.store, status: app.status, areas: app.areas, audit: app.audit, pii: app.pii, config: app.config })
  app.decorate('screening', screening)
  const files = createScreeningExport({ repo, store: app.store, areas: app.areas, audit: app.audit, pii: app.pii, screening })
  await screeningRoutes(app, { screening, files })
}, { name: 'screening', dependencies: ['gp-db', 'gp-keys', 'gp-audit', 'gp-auth', 'areas', 'status'] })

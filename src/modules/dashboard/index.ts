// The dashboard module's one door: counts per area as of now (app.dashboard), its route, and scan_hours kept whole
// (filled once at start on a database from before it existed; purged by the retention module).
import fp from 'fastify-plugin'
import { createDashboardRepository } from './dashboard.repository.ts'
import { createDashboardService, type Dashboard, type DashboardService } from './dashboard.service.ts'
import dashboardRoutes from './dashboard.routes.ts'

export type { Dashboard, DashboardService }
declare module 'fastify' { interface FastifyInstance { dashboard: DashboardService } }

export default fp(async (app) => {
  const dashboard = createDashboardService({ repo: createDashboardRepository(app.store), store: app.store, areas: app.areas, status: app.status, config: app.config })
  app.decorate('dashboard', dashboard)
  // Before any request: scans written before migration 0010 were never counted per hour.
  const filled = await dashboard.fillHoursIfMissing()
  if (filled !== null) app.log.info({ hours: filled }, 'scan_hours filled from the scans on record')
  await dashboardRoutes(app, dashboard)
}, { name: 'dashboard', dependencies: ['gp-db', 'gp-audit', 'gp-auth', 'areas', 'status'] })

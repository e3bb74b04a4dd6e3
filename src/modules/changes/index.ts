// The changes module's one door: four eyes. Modules define their colour-changing actions on app.changes and request
// them; a second officer or admin confirms (or rejects) through its routes.
import fp from 'fastify-plugin'
import { Counter, Gauge } from 'prom-client'
import { createChangesRepository } from './changes.repository.ts'
import { createChangesService, type ActionHandler, type ApplyContext, type ChangesService, type Party, type Requested } from './changes.service.ts'
import { ChangePending } from './changes.schemas.ts'
import changesRoutes from './changes.routes.ts'

export type { ActionHandler, ApplyContext, ChangesService, Party, Requested }
export { ChangePending }
declare module 'fastify' { interface FastifyInstance { changes: ChangesService } }

export default fp(async (app) => {
  const repo = createChangesRepository(app.store)
  const overLimit = new Counter({
    name: 'gridpass_four_eyes_over_limit_total',
    help: 'Four-eyes changes that took their author past the daily reds (GRIDPASS_FOUR_EYES_DAILY_REDS) and so need two confirmations, by action (this copy)',
    labelNames: ['action'],
    registers: [app.metrics]
  })
  new Gauge({
    name: 'gridpass_changes_pending',
    help: 'Four-eyes changes waiting for confirmation (all copies: read from the database at each scrape)',
    registers: [app.metrics],
    async collect () { this.set(await repo.countPending()) }
  })
  const changes = createChangesService({
    repo, store: app.store, users: app.users, audit: app.audit, pii: app.pii, config: app.config,
    onOverLimit: (action) => overLimit.inc({ action })
  })
  app.decorate('changes', changes)
  await changesRoutes(app, changes)
}, { name: 'changes', dependencies: ['gp-db', 'gp-keys', 'gp-audit', 'gp-auth', 'gp-metrics', 'areas', 'people'] })

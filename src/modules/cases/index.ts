// The cases module's one door: cases, their marked contacts and exposure sites, which set colours through the status module once a
// second officer confirms (the changes module); app.cases, its routes.
import fp from 'fastify-plugin'
import { createCasesRepository } from './cases.repository.ts'
import { createCasesService, type CasesService } from './cases.service.ts'
import casesRoutes from './cases.routes.ts'

export type { CasesService }
declare module 'fastify' { interface FastifyInstance { cases: CasesService } }

export default fp(async (app) => {
  const cases = createCasesService({
    repo: createCasesRepository(app.store), store: app.store, people: app.people, status: app.status, tracing: app.tracing, checkpoints: app.checkpoints, changes: app.changes,
    audit: app.audit, pii: app.pii, config: app.config
  })
  app.decorate('cases', cases)
  await casesRoutes(app, cases)
}, { name: 'cases', dependencies: ['gp-db', 'gp-keys', 'gp-audit', 'gp-auth', 'people', 'checkpoints', 'status', 'tracing', 'changes'] })

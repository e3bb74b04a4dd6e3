// The dependents module's one door: a resident's dependents and their codes, declarations made for a person
// (app.dependents), its routes.
import fp from 'fastify-plugin'
import { createDependentsService, type DependentsService } from './dependents.service.ts'
import dependentsRoutes from './dependents.routes.ts'

export type { DependentsService }
declare module 'fastify' { interface FastifyInstance { dependents: DependentsService } }

export default fp(async (app) => {
  const dependents = createDependentsService({ people: app.people, status: app.status, codes: app.codes, areas: app.areas, config: app.config })
  app.decorate('dependents', dependents)
  await dependentsRoutes(app, dependents)
}, { name: 'dependents', dependencies: ['gp-db', 'gp-audit', 'gp-auth', 'areas', 'people', 'status', 'codes'] })

// The households module's one door: households, their members and the members' colours (app.households), its routes.
import fp from 'fastify-plugin'
import { createHouseholdsRepository } from './households.repository.ts'
import { createHouseholdsService, type ColorName, type Household, type HouseholdsService } from './households.service.ts'
import householdsRoutes from './households.routes.ts'

export type { Household, HouseholdsService }
declare module 'fastify' { interface FastifyInstance { households: HouseholdsService } }

export default fp(async (app) => {
  // Colours are the status module's, and status is registered after this module (both depend on people): asked for at
  // request time, when every module is in place, so the rule stays written once.
  const colors = async (personIds: string[]): Promise<Map<string, ColorName>> => {
    const at = app.config.now()
    return new Map(await Promise.all(personIds.map(async (id) => [id, await app.status.colorOf(id, at)] as const)))
  }
  const households = createHouseholdsService({
    repo: createHouseholdsRepository(app.store), store: app.store, pii: app.pii, audit: app.audit, config: app.config,
    grids: app.grids, people: app.people, areas: app.areas, colors
  })
  app.decorate('households', households)
  await householdsRoutes(app, households)
}, { name: 'households', dependencies: ['gp-db', 'gp-keys', 'gp-audit', 'gp-auth', 'grids', 'areas', 'people'] })

// The people module's one door: its repository and service built once, app.people, its routes.
import fp from 'fastify-plugin'
import { createPeopleRepository } from './people.repository.ts'
import { createPeopleService, type PeopleService, type PersonRow } from './people.service.ts'
import peopleRoutes from './people.routes.ts'

export type { PeopleService, PersonRow }
declare module 'fastify' { interface FastifyInstance { people: PeopleService } }

export default fp(async (app) => {
  const people = createPeopleService({
    repo: createPeopleRepository(app.store), store: app.store, pii: app.pii, audit: app.audit, config: app.config, grids: app.grids, areas: app.areas
  })
  app.decorate('people', people)
  await peopleRoutes(app, people)
}, { name: 'people', dependencies: ['gp-db', 'gp-keys', 'gp-audit', 'gp-auth', 'grids', 'areas'] })

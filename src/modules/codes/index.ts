// The codes module's one door: live codes, paper codes and the cards issued, the public key set; app.codes, its routes.
import fp from 'fastify-plugin'
import { createCodesRepository } from './codes.repository.ts'
import { createCodesService, type CodesService } from './codes.service.ts'
import codesRoutes from './codes.routes.ts'

export type { CodesService }
declare module 'fastify' { interface FastifyInstance { codes: CodesService } }

export default fp(async (app) => {
  const codes = createCodesService({ repo: createCodesRepository(app.store), store: app.store, people: app.people, status: app.status, areas: app.areas, audit: app.audit, keyring: app.keyring, es256: app.es256, config: app.config })
  app.decorate('codes', codes)
  await codesRoutes(app, codes)
}, { name: 'codes', dependencies: ['gp-db', 'gp-keys', 'gp-audit', 'gp-auth', 'areas', 'people', 'status'] })

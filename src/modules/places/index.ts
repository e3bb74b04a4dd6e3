// The places module's one door: place codes (场所码) and residents' check-ins, recorded through the scans service;
// app.places, its routes.
import fp from 'fastify-plugin'
import { createPlacesService, type PlacesService } from './places.service.ts'
import placesRoutes from './places.routes.ts'

export type { PlacesService }
declare module 'fastify' { interface FastifyInstance { places: PlacesService } }

export default fp(async (app) => {
  const places = createPlacesService({
    checkpoints: app.checkpoints, people: app.people, status: app.status, scans: app.scans, users: app.users,
    audit: app.audit, keyring: app.keyring, config: app.config, log: app.log
  })
  app.decorate('places', places)
  await placesRoutes(app, places)
}, { name: 'places', dependencies: ['gp-keys', 'gp-audit', 'gp-auth', 'checkpoints', 'people', 'status', 'scans'] })

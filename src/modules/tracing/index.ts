// The tracing module's one door: trails and contacts (reads only, every call audited); app.tracing, its routes.
import fp from 'fastify-plugin'
import { createTracingQueries } from '../../db/tracing-queries.ts'
import { createCursors } from './tracing.cursor.ts'
import { createTracingService, type Contact, type ContactsQuery, type TracingService } from './tracing.service.ts'
import tracingRoutes from './tracing.routes.ts'

export type { Contact, ContactsQuery, TracingService }
declare module 'fastify' { interface FastifyInstance { tracing: TracingService } }

export default fp(async (app) => {
  const tracing = createTracingService({ queries: createTracingQueries(app.store), people: app.people, checkpoints: app.checkpoints, households: app.households, config: app.config, cursors: createCursors(app.keyring.sessionKey) })
  app.decorate('tracing', tracing)
  await tracingRoutes(app, { tracing, audit: app.audit, areas: app.areas, people: app.people })
}, { name: 'tracing', dependencies: ['gp-db', 'gp-keys', 'gp-audit', 'gp-auth', 'areas', 'people', 'checkpoints', 'households'] })

// The status module's one door: colours and their reasons, declarations, manual changes, appeals; app.status, its routes.
import fp from 'fastify-plugin'
import { createStatusRepository } from './status.repository.ts'
import { createStatusService, type ColorName, type Entry, type EntryRow, type SiteDetail, type StatusService } from './status.service.ts'
import statusRoutes from './status.routes.ts'

export type { ColorName, Entry, EntryRow, SiteDetail, StatusService }
export { SYMPTOMS } from './status.schemas.ts'
// A declaration made for someone else (the dependents module) has the same body and answer as the resident's own.
export { DeclarationBody, DeclarationReply } from './status.schemas.ts'
export { statusView } from './status.service.ts'
export { SYMPTOM_WORDS } from './status.rules.ts'
declare module 'fastify' { interface FastifyInstance { status: StatusService } }

export default fp(async (app) => {
  const status = createStatusService({ repo: createStatusRepository(app.store, app.pii), store: app.store, audit: app.audit, config: app.config, people: app.people, changes: app.changes })
  app.decorate('status', status)
  // Reasons, appeal texts and declarations written before they were encrypted are sealed once, before any request.
  const sealed = await status.sealAtRest()
  if (sealed !== null) app.log.info({ sealed }, 'sealed plain status text at rest')
  await statusRoutes(app, status)
}, { name: 'status', dependencies: ['gp-db', 'gp-keys', 'gp-audit', 'gp-auth', 'people', 'changes'] })

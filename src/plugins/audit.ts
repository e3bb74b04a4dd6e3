// Exposes the audit log to every module: app.audit.append(db, entry) inside a transaction.
import fp from 'fastify-plugin'
import { createAuditLog } from '../modules/audit/audit.repository.ts'

export default fp(async (app) => {
  app.decorate('audit', createAuditLog({ store: app.store, now: app.config.now }))
}, { name: 'gp-audit', dependencies: ['gp-db'] })

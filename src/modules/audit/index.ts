// The audit module's one door: reading the audit log and checking its chain (admins) and one's own access log
// (residents). The log and its writer are the gp-audit plugin's (src/plugins/audit.ts), app.audit, which every module appends to.
import fp from 'fastify-plugin'
import auditRoutes from './audit.routes.ts'
import { createAuditService } from './audit.service.ts'

export default fp(async (app) => {
  const service = createAuditService({ store: app.store, key: app.keyring.auditKey, anchorFile: app.config.auditAnchorFile })
  await auditRoutes(app, app.audit, service)
}, { name: 'audit', dependencies: ['gp-audit', 'gp-auth', 'gp-keys', 'gp-db'] })

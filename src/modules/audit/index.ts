// The audit module's one door: reading the audit log (admins) and one's own access log (residents). The log and its
// writer are the gp-audit plugin's (src/plugins/audit.ts), app.audit, which every module appends to.
import fp from 'fastify-plugin'
import auditRoutes from './audit.routes.ts'

export default fp(async (app) => {
  await auditRoutes(app, app.audit)
}, { name: 'audit', dependencies: ['gp-audit', 'gp-auth'] })

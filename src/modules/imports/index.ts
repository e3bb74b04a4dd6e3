// The imports module's one door: register imports (app.imports) and their routes.
import fp from 'fastify-plugin'
import { createImportsRepository } from './imports.repository.ts'
import { createProgressBoard } from './imports.progress.ts'
import { createImportsService, type ImportsService } from './imports.service.ts'
import importsRoutes from './imports.routes.ts'

export type { ImportsService }
export { formatRegisterCsv, formatRegisterCsvGbk, REGISTER_FIELDS, REGISTER_HEADER_EN, REGISTER_HEADER_ZH, type RegisterRow } from './register-csv.ts'
declare module 'fastify' { interface FastifyInstance { imports: ImportsService } }

export default fp(async (app) => {
  const imports = createImportsService({
    repo: createImportsRepository(app.store), store: app.store, pii: app.pii, audit: app.audit, config: app.config,
    grids: app.grids, areas: app.areas, households: app.households, board: createProgressBoard()
  })
  app.decorate('imports', imports)
  await importsRoutes(app, imports)
}, { name: 'imports', dependencies: ['gp-db', 'gp-keys', 'gp-audit', 'gp-auth', 'grids', 'areas', 'households'] })

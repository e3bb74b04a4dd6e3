// Opens the database named by DATABASE_URL, applies migrations (GRIDPASS_MIGRATE=false: only checks that none is pending), closes it with the app.
import fp from 'fastify-plugin'
import { createDb, type DbOptions } from '../db/index.ts'

export default fp<{ dbOptions?: DbOptions }>(async (app, opts) => {
  const store = await createDb(app.config.databaseUrl, { lockTimeoutMs: app.config.dbLockTimeoutMs, migrate: app.config.migrate, ...opts.dbOptions })
  app.decorate('store', store)
  app.addHook('onClose', async () => { await store.close() })
}, { name: 'gp-db' })

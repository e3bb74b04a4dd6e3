// npm run migrate: applies the migrations for DATABASE_URL and exits. The service does this at start too, unless
// GRIDPASS_MIGRATE=false: then this script runs with a role that may change the schema (docs/audit.md, "Database roles"),
// and the service runs with one that may not.
import { createDb } from '../src/db/index.ts'
import { loadConfig } from '../src/config.ts'

const config = loadConfig()
const store = await createDb(config.databaseUrl, { migrate: true })
console.log(`migrations applied (${store.label})`)
await store.close()

// Applies the migrations for DATABASE_URL and exits (the service also does this at start).
import { createDb } from '../src/db/index.ts'
import { loadConfig } from '../src/config.ts'

const config = loadConfig()
const store = await createDb(config.databaseUrl)
console.log(`migrations applied (${store.dialect})`)
await store.close()

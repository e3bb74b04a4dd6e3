// drizzle-kit: generates migrations/sqlite from src/db/schema.sqlite.ts (`npm run db:generate`).
import { defineConfig } from 'drizzle-kit'

export default defineConfig({ dialect: 'sqlite', schema: './src/db/schema.sqlite.ts', out: './migrations/sqlite' })

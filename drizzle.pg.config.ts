// drizzle-kit: generates migrations/pg from src/db/schema.pg.ts (`npm run db:generate`).
import { defineConfig } from 'drizzle-kit'

export default defineConfig({ dialect: 'postgresql', schema: './src/db/schema.pg.ts', out: './migrations/pg' })

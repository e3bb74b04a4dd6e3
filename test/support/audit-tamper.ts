// What a database superuser can do to the audit log, for the tests that check it is caught: raw SQL, and dropping the
// append-only triggers.
import { sql } from 'drizzle-orm'
import type { Ctx } from '../helper.ts'

/** Raw SQL that returns no rows, on either dialect. */
export async function exec (ctx: Ctx, query: ReturnType<typeof sql>): Promise<unknown> {
  const store = ctx.app.store
  return store.dialect === 'sqlite' ? store.db.run(query) : store.rows(store.db, query)
}

/** What a database superuser does first: the append-only triggers go. */
export async function dropTriggers (ctx: Ctx): Promise<void> {
  if (ctx.dialect === 'pg') {
    await exec(ctx, sql`DROP TRIGGER audit_log_no_update_delete ON audit_log`)
    await exec(ctx, sql`DROP TRIGGER audit_log_no_truncate ON audit_log`)
  } else {
    await exec(ctx, sql`DROP TRIGGER audit_log_no_update`)
    await exec(ctx, sql`DROP TRIGGER audit_log_no_delete`)
  }
}

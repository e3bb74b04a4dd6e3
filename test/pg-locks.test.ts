// PostgreSQL's advisory locks (store.lock) are the database's, not a schema's: copies of the service on other schemas
// of one database (each test's own schema) must not wait for each other's lock names; copies on the same schema must.
import t from 'tap'
import { dialects, makeCtx, within } from './helper.ts'

if (dialects().includes('pg')) {
  t.test('store.lock: the same name on another schema is taken at once, on the same schema it waits [pg]', async (t) => {
    const a = await makeCtx(t, 'pg')
    const other = await makeCtx(t, 'pg')
    const same = await makeCtx(t, 'pg', { share: a })
    let release = (): void => {}
    const gate = new Promise<void>((resolve) => { release = resolve })
    let locked = (): void => {}
    const hasLock = new Promise<void>((resolve) => { locked = resolve })
    const holder = a.app.store.tx(async (db) => { await a.app.store.lock(db, 'audit-chain'); locked(); await gate })
    await hasLock
    const take = (ctx: typeof a): Promise<string> => ctx.app.store.tx(async (db) => { await ctx.app.store.lock(db, 'audit-chain'); return 'taken' })
    t.equal(await within(take(other), 2000), 'taken', 'a copy on another schema takes the lock while it is held')
    const waiting = take(same)
    t.equal(await within(waiting, 500), 'waited', 'a copy on the same schema waits for it')
    release()
    await holder
    t.equal(await waiting, 'taken', 'and takes it once it is released')
  })
}

// On PostgreSQL, POST /v1/scans reads the person a token names while its signature is being checked on the ES256 thread
// (src/modules/scans/scans.service.ts). Here every such check is held back 300 ms (the real check, run late), so that
// each read has finished, and failed, before its verdict: the order that a read which is not handled at once turns
// into an unhandled rejection, which ends the process. On a SQLite file the read comes first and the scan thread
// checks the signature with the write: a read that fails is that scan's 500, whatever its signature.
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'drizzle-orm'
import t from 'tap'
import * as es256Thread from '../src/lib/es256-thread.ts'
import { attackerKey, decode, es256, forge } from './support/tokens.ts'
import type * as Helper from './helper.ts'

const VERIFY_DELAY_MS = 300
const { eachDb, bearerOf } = await t.mockImport<typeof Helper>('./helper.ts', {
  // The service's ES256 thread, each of its checks answered late.
  '../src/lib/es256-thread.ts': {
    ...es256Thread,
    createEs256Thread: () => {
      const real = es256Thread.createEs256Thread()
      return { ...real, verify: async (...args: Parameters<typeof real.verify>) => { await sleep(VERIFY_DELAY_MS); return await real.verify(...args) } }
    }
  }
})

eachDb('a read that fails is a 500 for that scan only (a forged token read alongside its check is still bad_signature), and the process stays up', async (t, ctx) => {
  const cp = await ctx.checkpoint()
  const volunteer = await ctx.staff('volunteer', { checkpointIds: [cp] })
  const person = await ctx.resident({ profile: { name: '张三' } })
  const code = (await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(person.token) })).json().token as string
  const { header, payload } = decode(code)
  const forged = forge(header, payload, (i) => es256(i, attackerKey().privateKey))
  const post = (token: string) => ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(volunteer), payload: { id: randomUUID(), token, checkpointId: cp } })
  const trailRows = async (): Promise<number> => (await ctx.app.store.db.select({ id: ctx.app.store.t.scans.id }).from(ctx.app.store.t.scans)).length
  // Someone else first (on SQLite it starts the scan thread, which prepares its statements): the person below has
  // never been scanned, so a SQLite service has nothing of theirs in memory and must read.
  const first = await ctx.resident({ profile: { name: '李四' } })
  const firstCode = (await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(first.token) })).json().token as string
  t.match((await post(firstCode)).json(), { decision: 'allow', recorded: true }, 'a first scan')

  // Every read of a scan now fails: the person's status entries are gone from the schema.
  const store = ctx.app.store
  const drop = store.dialect === 'sqlite' ? sql`DROP TABLE status_entries` : sql`DROP TABLE status_entries CASCADE`
  await (store.dialect === 'sqlite' ? store.db.run(drop) : store.rows(store.db, drop))
  const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => post(i % 2 === 0 ? code : forged)))
  const readFirst = store.dialect === 'sqlite'
  for (const [i, res] of answers.entries()) {
    if (i % 2 === 0 || readFirst) t.match({ status: res.statusCode, body: res.json() }, { status: 500, body: { code: 'GP_INTERNAL' } }, `the ${i % 2 === 0 ? 'valid' : 'forged'} code: the read failed, a 500`)
    else t.match({ status: res.statusCode, body: res.json() }, { status: 200, body: { decision: 'deny', reason: 'bad_signature', personId: null, displayName: null } }, 'the forged code: refused by its signature, its read thrown away')
  }
  t.equal(await trailRows(), 1, 'nothing recorded but the first scan')
  t.equal((await ctx.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'the process still answers')
})

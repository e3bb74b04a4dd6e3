// The hot paths' reads of one event-loop turn: on PostgreSQL gathered into one statement (src/db/pg-batch.ts), on
// SQLite answered one by one (from memory or the scan thread). Either way each caller gets its own person's answer.
import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import { createScanQueries } from '../src/db/scan-queries.ts'
import { eachDb, bearerOf, type Ctx } from './helper.ts'
import { decode } from './support/tokens.ts'

const H = 3_600_000

/** Counts the statements of `name` sent through the PostgreSQL pool from now on (nothing on SQLite). */
function countStatements (ctx: Ctx, name: string): () => number {
  const pool = ctx.app.store.pg
  if (pool === undefined) return () => 0
  let n = 0
  const query = pool.query.bind(pool) as (config: unknown, values?: unknown) => Promise<unknown>
  ;(pool as unknown as { query: typeof query }).query = async (config, values) => {
    if (typeof config === 'object' && config !== null && (config as pg.QueryConfig).name === name) n++
    return query(config, values)
  }
  return () => n
}

eachDb('scans read side by side: each lookup answers its own person, at its own time, unknown people as unknown', async (t, ctx) => {
  const cp = await ctx.checkpoint()
  const volunteer = await ctx.staff('volunteer', { checkpointIds: [cp] })
  const people = await Promise.all(['张三', '李四', '王五'].map(async (name) => ctx.resident({ profile: { name } })))
  const [a, b, c] = people as [typeof people[number], typeof people[number], typeof people[number]]
  // 李四 has a fever (a yellow entry); 张三 and 李四 were scanned an hour apart, 王五 never.
  await ctx.inject({ method: 'POST', url: '/v1/me/declarations', headers: bearerOf(b.token), payload: { temperature: 38.4, symptoms: [], visitedHighRiskArea: false, contactWithConfirmed: false } })
  for (const who of [a, b, a]) {
    const token = (await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(who.token) })).json().token as string
    const res = await ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(volunteer), payload: { id: randomUUID(), token, checkpointId: cp } })
    t.equal(res.statusCode, 200, res.body)
    ctx.clock.advance(H)
  }
  const now = ctx.clock.now()
  const queries = createScanQueries(ctx.app.store)
  await queries.ready()
  t.teardown(async () => { await queries.close() })
  const asks: Array<[string, number]> = [
    [a.personId, now], [b.personId, now], ['no-such-person', now], [a.personId, now - 10 * H], [c.personId, now], [b.personId, now - 90 * 60_000], [a.personId, now]
  ]
  const statements = countStatements(ctx, 'gp_scan_lookups')
  const together = await Promise.all(asks.map(async ([id, at]) => queries.lookup(id, at)))
  if (ctx.dialect === 'pg') t.equal(statements(), 1, 'PostgreSQL: the seven lookups of one turn in one statement')
  const alone = []
  for (const [id, at] of asks) alone.push(await queries.lookup(id, at))
  t.same(together, alone, 'the same answers as one at a time')

  const summary = together.map((r) => ({ person: r.person?.id ?? null, colours: r.entries.map((e) => e.color), sightings: r.around.length }))
  t.same(summary, [
    { person: a.personId, colours: [], sightings: 2 },
    { person: b.personId, colours: ['yellow'], sightings: 1 },
    { person: null, colours: [], sightings: 0 },
    { person: a.personId, colours: [], sightings: 0 },
    { person: c.personId, colours: [], sightings: 0 },
    { person: b.personId, colours: ['yellow'], sightings: 1 },
    { person: a.personId, colours: [], sightings: 2 }
  ], 'each its own person, entries and sightings within six hours of its time (none ten hours before the first scan)')
})

eachDb('live codes asked for side by side: each resident gets a code of their own, in their own colour', async (t, ctx) => {
  const people = await Promise.all(['张三', '李四', '王五', '赵六'].map(async (name) => ctx.resident({ profile: { name } })))
  await ctx.inject({ method: 'POST', url: '/v1/me/declarations', headers: bearerOf((people[1] as { token: string }).token), payload: { temperature: 38.6, symptoms: [], visitedHighRiskArea: false, contactWithConfirmed: false } })
  const statements = countStatements(ctx, 'gp_codes_live')
  const answers = await Promise.all([...people, ...people].map(async (p) => ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(p.token) })))
  if (ctx.dialect === 'pg') t.ok(statements() < answers.length, `PostgreSQL: eight codes read in fewer statements (${statements()})`)
  const got = answers.map((res) => ({ status: res.statusCode, color: res.json().color as string, sub: decode(res.json().token as string).payload.sub }))
  t.same(got, [...people, ...people].map((p, i) => ({ status: 200, color: i % 4 === 1 ? 'yellow' : 'green', sub: p.personId })), 'each code names its resident and their colour now')
})

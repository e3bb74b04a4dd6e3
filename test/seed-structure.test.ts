// The county seed (scripts/seed.ts) at a small scale, then the service on its database: the area tree of 宜都, people in
// households of their grid, the 1+1+N+K cards with today's roster, grid workers signing in with the demo password, the
// open round's tasks and a returnee's red, and the GBK register of the same people importing with nothing to change.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import iconv from 'iconv-lite'
import { eq } from 'drizzle-orm'
import pg from 'pg'
import t from 'tap'
import { bearerOf, dialects, makeCtx, type Clock, type Ctx } from './helper.ts'
import { DEMO_PASSWORD } from '../scripts/lib/seed-staff.ts'
import { STREETS } from '../scripts/lib/seed-structure.ts'

const END = Date.parse('2026-03-01T04:00:00.000Z') // noon in 宜都
const PG_URL = process.env.GRIDPASS_TEST_PG_URL as string

for (const dialect of dialects()) {
  void t.test(`the seed builds 宜都's structure and a register of the same people [${dialect}]`, { timeout: 240_000 }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'gridpass-seed-'))
    const keysDir = join(dir, 'keys')
    const schema = `t_${randomBytes(6).toString('hex')}`
    const url = dialect === 'sqlite' ? `file:${join(dir, 'county.db')}` : PG_URL
    const registerFile = join(dir, 'register.csv')
    t.teardown(async () => {
      rmSync(dir, { recursive: true, force: true })
      if (dialect === 'pg') {
        const client = new pg.Client({ connectionString: PG_URL })
        await client.connect()
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
        await client.end()
      }
    })
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/seed.ts', '--scale', '0.003', '--db', url, '--keys', keysDir,
      '--end', new Date(END).toISOString(), '--register-file', registerFile, ...(dialect === 'pg' ? ['--pg-schema', schema] : [])], { encoding: 'utf8' })
    t.equal(run.status, 0, run.status === 0 ? 'seeded' : run.stderr.slice(-2000))

    let now = END + 60_000
    const clock: Clock = { now: () => now, set: (ms) => { now = ms }, advance: (ms) => { now += ms } }
    // The service on the seeded database (its own keys): a ctx sharing it, the schema and folders dropped above.
    const ctx = await makeCtx(t, dialect, { keysDir, share: { pgSchema: schema, config: { databaseUrl: url }, keysDir, clock } as unknown as Ctx })
    const admin = await ctx.admin()
    const { db, t: tables } = ctx.app.store

    // The tree: one city, its ten streets and towns, communities under streets, grids under communities (and in grids).
    const { nodes } = await ctx.app.areas.tree()
    const all = [...nodes.values()]
    const city = all.filter((n) => n.level === 'city')
    t.match(city, [{ name: '宜都市', parentId: null }], 'one city, the root')
    const streets = all.filter((n) => n.level === 'street')
    t.same(streets.map((s) => s.name).sort(), STREETS.map((s) => s.name).sort(), '宜都\'s ten streets and towns')
    t.ok(streets.every((s) => s.parentId === city[0]?.id), 'every street under the city')
    const communities = all.filter((n) => n.level === 'community')
    t.ok(communities.length >= 2 && communities.every((c) => nodes.get(c.parentId as string)?.level === 'street'), `${communities.length} communities and villages, each under a street`)
    const grids = all.filter((n) => n.level === 'grid')
    t.ok(grids.length >= communities.length && grids.every((g) => nodes.get(g.parentId as string)?.level === 'community'), `${grids.length} grids, each under a community`)
    t.same((await db.select({ id: tables.grids.id }).from(tables.grids)).map((g) => g.id).sort(), grids.map((g) => g.id).sort(), 'every grid is a row of grids too')
    const checkpoints = await db.select().from(tables.checkpoints)
    t.ok(checkpoints.every((c) => c.gridId !== null && nodes.get(c.gridId)?.level === 'grid' && Math.abs((c.lat ?? 0) - 30.38) < 0.5 && Math.abs((c.lon ?? 0) - 111.45) < 0.5), 'every checkpoint in a grid, around 宜都')

    // Households: every person in one, of their grid; 1 to 6 people each.
    const people = await db.select({ id: tables.people.id, gridId: tables.people.gridId, householdId: tables.people.householdId }).from(tables.people)
    const households = new Map((await db.select({ id: tables.households.id, gridId: tables.households.gridId }).from(tables.households)).map((h) => [h.id, h]))
    t.ok(people.length > 1000 && people.every((p) => p.householdId !== null && households.get(p.householdId)?.gridId === p.gridId), `${people.length} people, each in a household of their grid`)
    const sizes = new Map<string, number>()
    for (const p of people) sizes.set(p.householdId as string, (sizes.get(p.householdId as string) ?? 0) + 1)
    t.ok(sizes.size === households.size && [...sizes.values()].every((n) => n >= 1 && n <= 6), `${households.size} households of 1 to 6 people`)
    const first = people[0] as { householdId: string }
    const household = await ctx.inject({ method: 'GET', url: `/v1/households/${first.householdId}`, headers: bearerOf(admin) })
    t.equal(household.statusCode, 200, household.body.slice(0, 300))
    t.match(household.json(), { address: /^湖北省宜都市\S+(社区\d+栋\d单元\d0\d室|村\d+组\d+号)$/, members: Array }, 'the address decrypts as the households module reads it')
    t.ok(household.json().members.length >= 1, 'its members are listed')

    // A community's 1+1+N+K card: doctor, police officer, grid workers, checkpoints with who is on duty now.
    const community = communities.find((c) => checkpoints.some((cp) => nodes.get(cp.gridId as string)?.parentId === c.id)) as { id: string }
    const card = await ctx.inject({ method: 'GET', url: `/v1/areas/${community.id}/team`, headers: bearerOf(admin) })
    t.equal(card.statusCode, 200, card.body.slice(0, 300))
    t.match(card.json(), { doctor: { name: String, phone: /^1\d{10}$/ }, police: { name: String, phone: /^0717-48\d{5}$/ } }, 'the doctor and police officer')
    t.ok(card.json().gridWorkers.length >= 1 && card.json().gridWorkers.length <= 3, 'about three grid workers')
    t.ok(card.json().checkpoints.length >= 1 && card.json().checkpoints.every((c: { onDuty: unknown[] }) => c.onDuty.length >= 1), 'each checkpoint with a volunteer on duty now')

    // A grid worker signs in with the demo password and finds the open round's households not yet screened.
    const worker = card.json().gridWorkers[0] as { username: string }
    const login = await ctx.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: worker.username, password: DEMO_PASSWORD } })
    t.equal(login.statusCode, 200, `${worker.username} signs in with the demo password`)
    const tasks = await ctx.inject({ method: 'GET', url: '/v1/me/tasks', headers: bearerOf(login.json().accessToken) })
    t.match(tasks.json(), { rounds: [{ name: '第一轮入户排查', households: Array }] }, 'the open round of the city on the task list')
    const round = tasks.json().rounds[0] as { total: number, remaining: number }
    t.ok(round.remaining < round.total, `${round.total - round.remaining} of ${round.total} households screened already`)

    // A returnee from a listed area is red by the screening's rule, its place in words.
    const returnee = await db.select({ personId: tables.statusEntries.personId }).from(tables.statusEntries).where(eq(tables.statusEntries.rule, 'high_risk_travel')).limit(1)
    if (returnee[0] !== undefined) {
      const ev = await ctx.app.status.evaluateIn(db, returnee[0].personId, now)
      t.equal(ev.color, 'red', 'a returnee from a listed area is red')
    }

    // The register: GBK, the Chinese header, and importing it changes nothing (the same people, households, grids).
    const bytes = readFileSync(registerFile)
    const text = iconv.decode(bytes, 'gbk')
    t.equal(text.split('\r\n')[0], '姓名,身份证号,手机号,网格,住址', 'the first line decodes from GBK to the Chinese header')
    t.not(bytes.toString('utf8').split('\r\n')[0], '姓名,身份证号,手机号,网格,住址', 'GBK, not UTF-8')
    t.equal(text.trimEnd().split('\r\n').length - 1, people.length, 'one row per person')
    const imported = await ctx.inject({ method: 'POST', url: '/v1/imports/residents', headers: { ...bearerOf(admin), 'content-type': 'text/csv; charset=gbk' }, payload: bytes })
    t.equal(imported.statusCode, 200, imported.body.slice(0, 1000))
    t.same(imported.json(), { people: 0, households: 0, updated: 0 }, 'the register imports cleanly: everyone on record as the file has them')
  })
}

// GET /v1/people?idNumber=: purpose required, scoped (a grid worker finds only people of their grids), rate-limited per account, audited.
import { and, asc, eq } from 'drizzle-orm'
import { checkCharacter } from '../src/lib/id-number.ts'
import { LOOKUPS_PER_MINUTE } from '../src/modules/status/status.routes.ts'
import { eachDb, bearerOf, type Ctx } from './helper.ts'

let serial = 0
function idNumber (): string {
  const n = ++serial + (process.pid % 500) * 1000
  const body = `110109${1960 + (n % 40)}0${1 + (n % 9)}${10 + (n % 18)}${String(n % 1000).padStart(3, '0')}`
  return body + checkCharacter(body)
}
const lookup = (ctx: Ctx, token: string, query: string) => ctx.inject({ method: 'GET', url: `/v1/people?${query}`, headers: bearerOf(token) })
const auditRows = async (ctx: Ctx, action: string) => {
  const { t } = ctx.app.store
  return ctx.app.store.db.select().from(t.auditLog).where(and(eq(t.auditLog.action, action))).orderBy(asc(t.auditLog.seq))
}

eachDb('GET /v1/people without a purpose of 3 characters or more → 400 GP_PURPOSE_REQUIRED, for every role', async (t, ctx) => {
  const gridId = await ctx.grid()
  const r = await ctx.resident({ profile: { gridId } })
  for (const role of ['gridworker', 'tracer', 'officer', 'admin']) {
    const token = role === 'admin' ? await ctx.admin() : await ctx.staff(role, role === 'gridworker' ? { gridIds: [gridId] } : {})
    for (const query of [`idNumber=${r.idNumber}`, `idNumber=${r.idNumber}&purpose=`, `idNumber=${r.idNumber}&purpose=ab`, `idNumber=${r.idNumber}&purpose=%20%20%20%20`, 'purpose=', '']) {
      const res = await lookup(ctx, token, query)
      t.equal(res.statusCode, 400, `${role} ${query}: ${res.body}`)
      t.equal(res.json().code, 'GP_PURPOSE_REQUIRED', `${role} ${query}`)
      t.match(res.json().message, /^query\.purpose: /)
    }
    const ok = await lookup(ctx, token, `idNumber=${r.idNumber}&purpose=visit`)
    t.equal(ok.statusCode, 200, ok.body)
    t.same(ok.json().people.map((p: { personId: string }) => p.personId), [r.personId], role)
  }
  const rows = await auditRows(ctx, 'identity.lookup')
  t.same(rows.map((row) => [row.role, row.target, row.purpose]), [['gridworker', r.personId, 'visit'], ['tracer', r.personId, 'visit'], ['officer', r.personId, 'visit'], ['admin', r.personId, 'visit']], 'only the answered lookups, each with its purpose')
})

eachDb('a grid worker finds only people of their own grids; others are answered as unknown and the attempt is audited', async (t, ctx) => {
  const mine = await ctx.grid('mine')
  const theirs = await ctx.grid('theirs')
  const gw = await ctx.staff('gridworker', { gridIds: [mine] })
  const officer = await ctx.staff('officer')
  const inMine = await ctx.resident({ profile: { name: '张三', gridId: mine } })
  const inTheirs = await ctx.resident({ profile: { name: '李四', gridId: theirs } })
  const noGrid = await ctx.resident({ profile: { name: '王五' } })
  const registered = await ctx.inject({ method: 'POST', url: '/v1/people', headers: bearerOf(officer), payload: { name: '赵六', idNumber: idNumber(), gridId: theirs } })
  t.equal(registered.statusCode, 201)

  const found = await lookup(ctx, gw, `idNumber=${inMine.idNumber}&purpose=household-visit`)
  t.same(found.json(), { people: [{ personId: inMine.personId, name: '张三', gridId: mine, color: 'green' }] })
  for (const other of [inTheirs, noGrid]) {
    const res = await lookup(ctx, gw, `idNumber=${other.idNumber}&purpose=household-visit`)
    t.equal(res.statusCode, 200, res.body)
    t.same(res.json(), { people: [] }, 'outside the grid worker\'s grids: as if unknown')
    // An officer (no grid scope) finds the same person.
    t.same((await lookup(ctx, officer, `idNumber=${other.idNumber}&purpose=case-1`)).json().people.map((p: { personId: string }) => p.personId), [other.personId])
  }
  const unknown = await lookup(ctx, gw, `idNumber=${idNumber()}&purpose=household-visit`)
  t.same(unknown.json(), { people: [] })

  const refused = await auditRows(ctx, 'identity.lookup_out_of_scope')
  t.same(refused.map((row) => [row.role, row.target, row.purpose]), [['gridworker', inTheirs.personId, 'household-visit'], ['gridworker', noGrid.personId, 'household-visit']])
  // The person sees the attempt in their access log.
  const log = await ctx.inject({ method: 'GET', url: '/v1/me/access-log', headers: bearerOf(inTheirs.token) })
  t.ok(log.json().entries.some((e: { action: string, role: string, purpose: string }) => e.action === 'identity.lookup_out_of_scope' && e.role === 'gridworker' && e.purpose === 'household-visit'), log.body)
})

eachDb(`GET /v1/people is limited to ${LOOKUPS_PER_MINUTE} a minute per account → 429 GP_RATE_LIMITED`, async (t, ctx) => {
  const tracer = await ctx.staff('tracer')
  const other = await ctx.staff('tracer')
  const r = await ctx.resident()
  for (let i = 0; i < LOOKUPS_PER_MINUTE; i++) {
    const res = await lookup(ctx, tracer, `idNumber=${i % 2 === 0 ? r.idNumber : idNumber()}&purpose=case-${i}`)
    if (res.statusCode !== 200) { t.fail(`lookup ${i + 1}: ${res.body}`); return }
  }
  const over = await lookup(ctx, tracer, `idNumber=${r.idNumber}&purpose=case-x`)
  t.equal(over.statusCode, 429, over.body)
  t.equal(over.json().code, 'GP_RATE_LIMITED')
  t.equal((await lookup(ctx, other, `idNumber=${r.idNumber}&purpose=case-x`)).statusCode, 200, 'another account is not limited by the first')
})

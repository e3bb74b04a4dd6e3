// PUT /v1/me/profile is rate-limited and audited; an officer unbinds an ID number squatted by another phone.
import { asc, eq } from 'drizzle-orm'
import { PROFILE_WRITES } from '../src/modules/people/people.routes.ts'
import { checkCharacter } from '../src/lib/id-number.ts'
import { eachDb, bearerOf, type Ctx } from './helper.ts'

let serial = 0
function idNumber (): string {
  const n = ++serial + (process.pid % 500) * 1000
  const body = `110111${1960 + (n % 40)}0${1 + (n % 9)}${10 + (n % 18)}${String(n % 1000).padStart(3, '0')}`
  return body + checkCharacter(body)
}
const putProfile = (ctx: Ctx, token: string, payload: Record<string, unknown>) => ctx.inject({ method: 'PUT', url: '/v1/me/profile', headers: bearerOf(token), payload })
const unbind = (ctx: Ctx, token: string, personId: string, payload: Record<string, unknown> = { reason: 'ticket 1024: ID card checked at the office' }) =>
  ctx.inject({ method: 'POST', url: `/v1/people/${personId}/unbind-id-number`, headers: bearerOf(token), payload })
const auditOf = async (ctx: Ctx, action: string) => {
  const { t } = ctx.app.store
  return ctx.app.store.db.select().from(t.auditLog).where(eq(t.auditLog.action, action)).orderBy(asc(t.auditLog.seq))
}

eachDb('PUT /v1/me/profile is audited as profile.updated, without the name or ID number', async (t, ctx) => {
  const r = await ctx.resident({ profile: false })
  const id = idNumber()
  const res = await putProfile(ctx, r.token, { name: '欧阳明月', idNumber: id })
  t.equal(res.statusCode, 200, res.body)
  const rows = await auditOf(ctx, 'profile.updated')
  t.equal(rows.length, 1)
  const row = rows[0] as (typeof rows)[number]
  t.match(row, { role: 'resident', actor: r.personId, target: r.personId, purpose: null })
  const text = JSON.stringify(row)
  for (const secret of ['欧阳明月', id, id.slice(6, 14), r.phone]) t.notOk(text.includes(secret), 'no name, ID number or phone in the audit row')
  // A refused write (the number is someone else's) changes nothing and is not a profile update.
  const other = await ctx.resident()
  t.equal((await putProfile(ctx, r.token, { name: '欧阳明月', idNumber: other.idNumber })).statusCode, 409)
  t.equal((await auditOf(ctx, 'profile.updated')).length, 2, 'the helper\'s own profile for `other` and the first write only')
})

eachDb(`PUT /v1/me/profile: at most ${PROFILE_WRITES.max} writes per resident per ${PROFILE_WRITES.timeWindow} → 429`, async (t, ctx) => {
  const squatter = await ctx.resident({ profile: false })
  const neighbour = await ctx.resident({ profile: false })
  const victims = await Promise.all(Array.from({ length: 3 }, async () => ctx.resident()))
  // Probing which numbers are bound: every attempt counts, answered or refused.
  const answers: number[] = []
  for (let i = 0; i < PROFILE_WRITES.max; i++) answers.push((await putProfile(ctx, squatter.token, { name: '张三', idNumber: (victims[i % 3] as { idNumber: string }).idNumber })).statusCode)
  t.same([...new Set(answers)], [409])
  const over = await putProfile(ctx, squatter.token, { name: '张三', idNumber: idNumber() })
  t.equal(over.statusCode, 429, over.body)
  t.equal(over.json().code, 'GP_RATE_LIMITED')
  const mine = await putProfile(ctx, neighbour.token, { name: '李四', idNumber: idNumber() })
  t.equal(mine.statusCode, 200, 'another resident is not limited by the first')
})

eachDb('an officer unbinds an ID number squatted by another phone; the rightful resident then binds it', async (t, ctx) => {
  const owner = await ctx.resident({ profile: false })
  const squatter = await ctx.resident({ profile: false })
  const id = idNumber()
  t.equal((await putProfile(ctx, squatter.token, { name: '冒名', idNumber: id })).statusCode, 200)
  const refused = await putProfile(ctx, owner.token, { name: '真名', idNumber: id })
  t.equal(refused.statusCode, 409)
  t.equal(refused.json().code, 'GP_CONFLICT')

  // The officer checks the ID card, finds who holds the number, and unbinds it.
  const officer = await ctx.staff('officer')
  const found = await ctx.inject({ method: 'GET', url: `/v1/people?idNumber=${id}&purpose=ticket-1024`, headers: bearerOf(officer) })
  t.same(found.json().people.map((p: { personId: string }) => p.personId), [squatter.personId])
  for (const role of ['tracer', 'gridworker', 'volunteer']) {
    const denied = await unbind(ctx, await ctx.staff(role), squatter.personId)
    t.equal(denied.statusCode, 403, role)
  }
  t.equal((await unbind(ctx, squatter.token, squatter.personId)).statusCode, 403, 'not by a resident')
  const noReason = await unbind(ctx, officer, squatter.personId, {})
  t.equal(noReason.statusCode, 400)
  t.match(noReason.json().message, /reason/)
  const done = await unbind(ctx, officer, squatter.personId)
  t.equal(done.statusCode, 200, done.body)
  t.same(done.json(), { personId: squatter.personId, idNumberBound: false })
  const again = await unbind(ctx, officer, squatter.personId)
  t.equal(again.statusCode, 409, 'nothing left to unbind')
  t.equal(again.json().code, 'GP_CONFLICT')
  t.equal((await unbind(ctx, officer, 'no-such-person-0000000')).statusCode, 404)

  // The squatter's code needs a profile again; the rightful resident binds the number and gets a code.
  const squatterCode = await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(squatter.token) })
  t.equal(squatterCode.statusCode, 409)
  t.equal(squatterCode.json().code, 'GP_PROFILE_REQUIRED')
  const bound = await putProfile(ctx, owner.token, { name: '真名', idNumber: id })
  t.equal(bound.statusCode, 200, bound.body)
  t.equal((await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(owner.token) })).statusCode, 200)
  t.same((await ctx.inject({ method: 'GET', url: `/v1/people?idNumber=${id}&purpose=ticket-1024`, headers: bearerOf(officer) })).json().people.map((p: { personId: string }) => p.personId), [owner.personId])
  // The squatter cannot take it back.
  t.equal((await putProfile(ctx, squatter.token, { name: '冒名', idNumber: id })).statusCode, 409)

  const rows = await auditOf(ctx, 'person.id_number_unbound')
  t.same(rows.map((r) => [r.role, r.target, r.purpose]), [['officer', squatter.personId, 'ticket 1024: ID card checked at the office']])
  const log = await ctx.inject({ method: 'GET', url: '/v1/me/access-log', headers: bearerOf(squatter.token) })
  t.ok(log.json().entries.some((e: { action: string }) => e.action === 'person.id_number_unbound'), 'the squatter sees it in their access log')
})

// Declarations made for a person (代报): a grid worker declares for someone of their grids, with the same rules and
// answer as the resident's own; the person's status names the role; another grid is 404 and audited.
import { eachDb, bearerOf, idNumberFor, type Ctx } from './helper.ts'

let serial = 7_500_000
const FEVER = { temperature: 38.2, symptoms: ['cough'], visitedHighRiskArea: false, contactWithConfirmed: false }
const declare = async (ctx: Ctx, token: string, personId: string, payload: Record<string, unknown> = FEVER) =>
  ctx.inject({ method: 'POST', url: `/v1/people/${personId}/declarations`, headers: bearerOf(token), payload })

eachDb('a grid worker declares a fever for a person of their grid: yellow, the reason in that person\'s status', async (t, ctx) => {
  const gridA = await ctx.grid()
  const worker = await ctx.staff('gridworker', { gridIds: [gridA], username: 'worker-a' })
  const r = await ctx.resident({ profile: { gridId: gridA } })

  const res = await declare(ctx, worker, r.personId)
  t.equal(res.statusCode, 201, res.body)
  t.equal(res.json().color, 'yellow')
  t.same(res.json().reasons.map((x: { rule: string }) => x.rule), ['symptoms'])

  const status = await ctx.inject({ method: 'GET', url: '/v1/me/status', headers: bearerOf(r.token) })
  t.equal(status.json().color, 'yellow')
  t.equal(status.json().reasons[0].rule, 'symptoms', 'the reason is visible to the person')
  const last = status.json().history.at(-1) as { actor: string, reason: string }
  t.equal(last.actor, 'gridworker', 'the history names the role, never the username')
  t.match(last.reason, /38\.2/)

  const log = await ctx.inject({ method: 'GET', url: '/v1/me/access-log', headers: bearerOf(r.token) })
  t.equal(log.statusCode, 200, log.body)
  t.match(log.body, /declaration\.by_proxy/, 'it shows in the person\'s access log')

  // A person registered without a phone, in a household of the grid: the same.
  const home = (await ctx.inject({ method: 'POST', url: '/v1/households', headers: bearerOf(worker), payload: { gridId: gridA, address: '清江路 30号' } })).json().id as string
  const grandma = (await ctx.inject({ method: 'POST', url: '/v1/people', headers: bearerOf(worker), payload: { name: '周奶奶', idNumber: idNumberFor(++serial), householdId: home } })).json().personId as string
  const fine = await declare(ctx, worker, grandma, { temperature: 36.5, symptoms: [], visitedHighRiskArea: false, contactWithConfirmed: false })
  t.equal(fine.statusCode, 201)
  t.equal(fine.json().color, 'green')
  const members = (await ctx.inject({ method: 'GET', url: `/v1/households/${home}`, headers: bearerOf(worker) })).json().members as Array<{ personId: string, color: string }>
  t.same(members, [{ personId: grandma, name: '周奶奶', color: 'green' }])

  // Officers and admins may too; the body is checked like the resident's.
  t.equal((await declare(ctx, await ctx.admin(), grandma)).statusCode, 201)
  const bad = await declare(ctx, worker, grandma, { temperature: 50, symptoms: [], visitedHighRiskArea: false, contactWithConfirmed: false })
  t.equal(bad.statusCode, 400)
  t.match(bad.json().message, /body\.temperature/)
  for (const role of ['tracer', 'volunteer']) t.equal((await declare(ctx, await ctx.staff(role), grandma)).statusCode, 403, role)
  t.equal((await declare(ctx, r.token, grandma)).statusCode, 403, 'a resident declares only for themselves')

})

eachDb('another grid\'s person: 404 like an unknown one, audited, nothing declared', async (t, ctx) => {
  const gridA = await ctx.grid()
  const gridB = await ctx.grid()
  const workerB = await ctx.staff('gridworker', { gridIds: [gridB], username: 'worker-b' })
  const r = await ctx.resident({ profile: { gridId: gridA } })
  const out = await declare(ctx, workerB, r.personId)
  t.equal(out.statusCode, 404)
  t.equal(out.json().code, 'GP_NOT_FOUND')
  const unknown = await declare(ctx, workerB, 'AAAAAAAAAAAAAAAAAAAAAA')
  t.equal(unknown.statusCode, 404)
  t.equal(out.json().message.replace(r.personId, 'X'), unknown.json().message.replace('AAAAAAAAAAAAAAAAAAAAAA', 'X'), 'the same words')

  const status = await ctx.inject({ method: 'GET', url: '/v1/me/status', headers: bearerOf(r.token) })
  t.equal(status.json().color, 'green', 'nothing declared')
  const audit = await ctx.inject({ method: 'GET', url: '/v1/audit?limit=1000', headers: bearerOf(await ctx.admin()) })
  const entries = audit.json().entries as Array<{ actor: string, action: string, target: string | null }>
  t.ok(entries.some((e) => e.actor === 'worker-b' && e.action === 'declaration.by_proxy.out_of_scope' && e.target === r.personId), 'audited against the person')
  t.notOk(entries.some((e) => e.action === 'declaration.by_proxy'), 'no declaration recorded')
})

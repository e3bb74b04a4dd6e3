// Households: created in a grid by its grid worker (or an officer, an admin), listed and read within the caller's reach
// with their members and colours; people registered into them. Out of reach is 404 and audited; bad input writes nothing.
import { eachDb, bearerOf, idNumberFor, type Ctx } from './helper.ts'

interface AuditEntry { actor: string, role: string, action: string, target: string | null, purpose: string | null }
async function auditEntries (ctx: Ctx): Promise<AuditEntry[]> {
  const res = await ctx.inject({ method: 'GET', url: '/v1/audit?limit=1000', headers: bearerOf(await ctx.admin()) })
  return res.json().entries as AuditEntry[]
}
const post = async (ctx: Ctx, token: string, payload: Record<string, unknown>) =>
  ctx.inject({ method: 'POST', url: '/v1/households', headers: bearerOf(token), payload })
const list = async (ctx: Ctx, token: string, query = '') =>
  ctx.inject({ method: 'GET', url: `/v1/households${query}`, headers: bearerOf(token) })

let serial = 7_100_000

eachDb('a grid worker creates a household, registers people into it, lists and reads it', async (t, ctx) => {
  const gridA = await ctx.grid()
  const worker = await ctx.staff('gridworker', { gridIds: [gridA], username: 'worker-a' })
  const created = await post(ctx, worker, { gridId: gridA, address: '  陆城街道　清江路 １２号  ', phone: '13900001111' })
  t.equal(created.statusCode, 201, created.body)
  const h = created.json() as { id: string, gridId: string, address: string }
  t.same(Object.keys(h).sort(), ['address', 'gridId', 'id'])
  t.equal(h.gridId, gridA)
  t.equal(h.address, '陆城街道 清江路 12号', 'full-width folded, spaces made one, trimmed')

  // A person without a phone registered into it takes its grid; a resident joins it from the profile.
  const reg = await ctx.inject({ method: 'POST', url: '/v1/people', headers: bearerOf(worker), payload: { name: '李奶奶', idNumber: idNumberFor(++serial), householdId: h.id } })
  t.equal(reg.statusCode, 201, reg.body)
  t.same(reg.json(), { personId: reg.json().personId, name: '李奶奶', gridId: gridA, householdId: h.id })
  const r = await ctx.resident({ profile: false })
  const put = await ctx.inject({ method: 'PUT', url: '/v1/me/profile', headers: bearerOf(r.token), payload: { name: '李明', idNumber: idNumberFor(++serial), householdId: h.id } })
  t.equal(put.statusCode, 200, put.body)
  t.same(put.json(), { personId: r.personId, name: '李明', gridId: gridA, householdId: h.id })

  const listed = await list(ctx, worker, `?gridId=${gridA}`)
  t.equal(listed.statusCode, 200, listed.body)
  t.same(listed.json(), { households: [{ id: h.id, gridId: gridA, address: '陆城街道 清江路 12号', phone: '13900001111', members: 2 }], nextCursor: null })
  t.equal((await list(ctx, worker, '?q=清江路12')).json().households.length, 1, 'q ignores spaces')
  t.equal((await list(ctx, worker, '?q=沿江大道')).json().households.length, 0)

  const read = await ctx.inject({ method: 'GET', url: `/v1/households/${h.id}`, headers: bearerOf(worker) })
  t.equal(read.statusCode, 200, read.body)
  const body = read.json() as { members: Array<{ personId: string, name: string, color: string }> }
  t.same(body.members.map((m) => m.name).sort(), ['李奶奶', '李明'].sort())
  t.ok(body.members.every((m) => m.color === 'green'))
  // A tracer sees masked names.
  const byTracer = await ctx.inject({ method: 'GET', url: `/v1/households/${h.id}`, headers: bearerOf(await ctx.staff('tracer')) })
  t.equal(byTracer.statusCode, 200)
  t.same((byTracer.json().members as Array<{ name: string }>).map((m) => m.name).sort(), ['李*', '李**'].sort())

  const entries = await auditEntries(ctx)
  t.ok(entries.some((e) => e.action === 'household.create' && e.target === h.id && e.actor === 'worker-a'), 'creation audited')
  t.ok(entries.some((e) => e.action === 'household.read' && e.target === r.personId && e.actor === 'worker-a'), 'the read shows in each member\'s access log')
})

eachDb('out of reach: 404 and audited, for creating, listing and reading; nothing written', async (t, ctx) => {
  const gridA = await ctx.grid()
  const gridB = await ctx.grid()
  const workerA = await ctx.staff('gridworker', { gridIds: [gridA] })
  const workerB = await ctx.staff('gridworker', { gridIds: [gridB], username: 'worker-b' })
  const hA = (await post(ctx, workerA, { gridId: gridA, address: '清江路 1号' })).json().id as string
  const hB = (await post(ctx, workerB, { gridId: gridB, address: '清江路 2号' })).json().id as string

  const create = await post(ctx, workerB, { gridId: gridA, address: '清江路 3号' })
  t.equal(create.statusCode, 404, 'a household in a grid the worker does not own')
  t.equal(create.json().code, 'GP_NOT_FOUND')
  t.match(create.json().message, /body\.gridId/)
  const byList = await list(ctx, workerB, `?gridId=${gridA}`)
  t.equal(byList.statusCode, 404)
  const read = await ctx.inject({ method: 'GET', url: `/v1/households/${hA}`, headers: bearerOf(workerB) })
  t.equal(read.statusCode, 404)
  const unknown = await ctx.inject({ method: 'GET', url: '/v1/households/no-such-household', headers: bearerOf(workerB) })
  t.equal(unknown.statusCode, 404)
  t.equal(read.json().message, unknown.json().message.replace('no-such-household', hA), 'out of reach reads like unknown')

  // Registering a person into a household out of reach reads like an unknown household: 400, audited.
  const reg = await ctx.inject({ method: 'POST', url: '/v1/people', headers: bearerOf(workerB), payload: { name: '王五', idNumber: idNumberFor(++serial), householdId: hA } })
  t.equal(reg.statusCode, 400, reg.body)
  t.match(reg.json().message, /^body\.householdId: no household/)

  // Without gridId: the households of the caller's reach only.
  t.same((await list(ctx, workerB)).json().households.map((h: { id: string }) => h.id), [hB])
  t.same((await list(ctx, await ctx.admin())).json().households.map((h: { id: string }) => h.id).sort(), [hA, hB].sort())
  const resident = await ctx.resident()
  t.equal((await list(ctx, resident.token)).statusCode, 403)
  t.equal((await list(ctx, await ctx.staff('volunteer'))).statusCode, 403)

  const entries = (await auditEntries(ctx)).filter((e) => e.actor === 'worker-b')
  t.ok(entries.some((e) => e.action === 'household.create.out_of_scope' && e.target === gridA))
  t.ok(entries.some((e) => e.action === 'household.list.out_of_scope' && e.target === gridA))
  t.ok(entries.some((e) => e.action === 'household.read.out_of_scope' && e.target === hA))
  t.ok(entries.some((e) => e.action === 'person.register.out_of_scope' && e.target === hA))
  const inA = (await list(ctx, await ctx.admin(), `?gridId=${gridA}`)).json().households as Array<{ members: number }>
  t.same(inA.map((h) => h.members), [0], 'nothing written in grid A')
})

eachDb('bad input: a clear error naming the field, and nothing written', async (t, ctx) => {
  const gridA = await ctx.grid()
  const gridB = await ctx.grid()
  const worker = await ctx.staff('gridworker', { gridIds: [gridA, gridB] })
  const first = await post(ctx, worker, { gridId: gridA, address: '清江路 12号' })
  t.equal(first.statusCode, 201)
  const refusals: Array<[string, Record<string, unknown>, number, RegExp]> = [
    ['duplicate address (spaces, full width)', { gridId: gridA, address: '清江路１２号' }, 409, /^body\.address: .*already/],
    ['unknown grid', { gridId: 'no-such-grid', address: '清江路 13号' }, 400, /^body\.gridId: unknown grid/],
    ['blank address', { gridId: gridA, address: '   ' }, 400, /^body\.address/],
    ['zero-width character', { gridId: gridA, address: '清江路\u200B14号' }, 400, /^body\.address/],
    ['too long', { gridId: gridA, address: '路'.repeat(201) }, 400, /^body\.address/],
    ['bad phone', { gridId: gridA, address: '清江路 15号', phone: '12345' }, 400, /^body\.phone/],
    ['unknown field', { gridId: gridA, address: '清江路 16号', floor: 3 }, 400, /body\.floor/]
  ]
  for (const [what, payload, status, message] of refusals) {
    const res = await post(ctx, worker, payload)
    t.equal(res.statusCode, status, `${what}: ${res.body}`)
    t.match(res.json().message, message, what)
  }
  // The same address in another grid is another household.
  t.equal((await post(ctx, worker, { gridId: gridB, address: '清江路 12号' })).statusCode, 201)
  const all = (await list(ctx, worker)).json().households as unknown[]
  t.equal(all.length, 2, 'only the two good households exist')

  // People: an unknown household, or a gridId that contradicts it.
  const h = (first.json() as { id: string }).id
  const unknown = await ctx.inject({ method: 'POST', url: '/v1/people', headers: bearerOf(worker), payload: { name: '赵六', idNumber: idNumberFor(++serial), householdId: 'nope' } })
  t.equal(unknown.statusCode, 400)
  t.match(unknown.json().message, /^body\.householdId/)
  const contradicts = await ctx.inject({ method: 'POST', url: '/v1/people', headers: bearerOf(worker), payload: { name: '赵六', idNumber: idNumberFor(++serial), gridId: gridB, householdId: h } })
  t.equal(contradicts.statusCode, 400)
  t.match(contradicts.json().message, /^body\.gridId: household/)
  const neither = await ctx.inject({ method: 'POST', url: '/v1/people', headers: bearerOf(worker), payload: { name: '赵六', idNumber: idNumberFor(++serial) } })
  t.equal(neither.statusCode, 400)
  t.match(neither.json().message, /^body\.gridId/)
  const r = await ctx.resident({ profile: false })
  const profile = await ctx.inject({ method: 'PUT', url: '/v1/me/profile', headers: bearerOf(r.token), payload: { name: '赵六', idNumber: idNumberFor(++serial), householdId: 'nope' } })
  t.equal(profile.statusCode, 400)
  t.match(profile.json().message, /^body\.householdId/)
  t.same((await list(ctx, worker)).json().households.map((x: { members: number }) => x.members), [0, 0], 'no one was added')
})

// Dependents (家人代管): a resident keeps the codes of up to 5 people without phones; each code verifies at a checkpoint
// like the resident's own; someone else's dependent is not found.
import { randomUUID } from 'node:crypto'
import { eachDb, bearerOf, idNumberFor, type Ctx } from './helper.ts'

let serial = 7_300_000
const add = async (ctx: Ctx, token: string, payload: Record<string, unknown>) =>
  ctx.inject({ method: 'POST', url: '/v1/me/dependents', headers: bearerOf(token), payload })

eachDb('a resident adds up to 5 dependents; the 6th is refused and nothing is written', async (t, ctx) => {
  const gridId = await ctx.grid()
  const home = (await ctx.inject({ method: 'POST', url: '/v1/households', headers: bearerOf(await ctx.admin()), payload: { gridId, address: '清江路 20号' } })).json().id as string
  const r = await ctx.resident({ profile: false })
  t.equal((await ctx.inject({ method: 'PUT', url: '/v1/me/profile', headers: bearerOf(r.token), payload: { name: '王明', idNumber: idNumberFor(++serial), householdId: home } })).statusCode, 200)

  const names = ['王爷爷', '王奶奶', '王小宝', '王小贝', '欧阳小妹']
  const ids: string[] = []
  for (const name of names) {
    ctx.clock.advance(1000)
    const res = await add(ctx, r.token, { name, idNumber: idNumberFor(++serial) })
    t.equal(res.statusCode, 201, res.body)
    t.same(Object.keys(res.json()).sort(), ['name', 'personId'])
    t.equal(res.json().name, name)
    ids.push(res.json().personId as string)
  }
  const sixth = await add(ctx, r.token, { name: '王六', idNumber: idNumberFor(++serial) })
  t.equal(sixth.statusCode, 409)
  t.equal(sixth.json().code, 'GP_CONFLICT')
  t.match(sixth.json().message, /at most 5 dependents/)

  const list = await ctx.inject({ method: 'GET', url: '/v1/me/dependents', headers: bearerOf(r.token) })
  t.equal(list.statusCode, 200)
  t.same(list.json(), { dependents: ids.map((personId, i) => ({ personId, name: names[i], color: 'green' })) }, 'oldest first, with colours')

  // They live in the resident's grid and household.
  const household = await ctx.inject({ method: 'GET', url: `/v1/households/${home}`, headers: bearerOf(await ctx.admin()) })
  t.equal(household.json().members.length, 6, 'the resident and five dependents')

  // Releasing one makes room again; the released person stays registered (their ID number is still taken).
  const released = await ctx.inject({ method: 'DELETE', url: `/v1/me/dependents/${ids[4] as string}`, headers: bearerOf(r.token) })
  t.equal(released.statusCode, 204)
  t.equal((await add(ctx, r.token, { name: '王六', idNumber: idNumberFor(++serial) })).statusCode, 201)
  t.equal((await ctx.inject({ method: 'GET', url: `/v1/me/dependents/${ids[4] as string}/code`, headers: bearerOf(r.token) })).statusCode, 404, 'a released person\'s code is no longer mine')
})

eachDb('bad input: profile first, a valid and unregistered ID number, residents only', async (t, ctx) => {
  const bare = await ctx.resident({ profile: false })
  const noProfile = await add(ctx, bare.token, { name: '李四', idNumber: idNumberFor(++serial) })
  t.equal(noProfile.statusCode, 409)
  t.equal(noProfile.json().code, 'GP_PROFILE_REQUIRED')

  const r = await ctx.resident()
  const bad = await add(ctx, r.token, { name: '李四', idNumber: '110105199001011230' })
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().code, 'GP_INVALID_ID_NUMBER')
  const taken = await add(ctx, r.token, { name: '李四', idNumber: r.idNumber })
  t.equal(taken.statusCode, 409, 'an ID number registered to someone else')
  t.match(taken.json().message, /^idNumber: /)
  const blank = await add(ctx, r.token, { name: '   ', idNumber: idNumberFor(++serial) })
  t.equal(blank.statusCode, 400)
  t.match(blank.json().message, /^body\.name/)
  const extra = await add(ctx, r.token, { name: '李四', idNumber: idNumberFor(++serial), phone: '13900000000' })
  t.equal(extra.statusCode, 400)
  t.equal((await add(ctx, await ctx.staff('gridworker'), { name: '李四', idNumber: idNumberFor(++serial) })).statusCode, 403)
  t.same((await ctx.inject({ method: 'GET', url: '/v1/me/dependents', headers: bearerOf(r.token) })).json(), { dependents: [] }, 'nothing written')
})

eachDb('a dependent\'s code verifies at a checkpoint; someone else\'s dependent is not found', async (t, ctx) => {
  const r = await ctx.resident()
  const other = await ctx.resident()
  const dependent = (await add(ctx, r.token, { name: '张奶奶', idNumber: idNumberFor(++serial) })).json().personId as string

  const code = await ctx.inject({ method: 'GET', url: `/v1/me/dependents/${dependent}/code`, headers: bearerOf(r.token) })
  t.equal(code.statusCode, 200, code.body)
  const body = code.json() as { token: string, color: string, issuedAt: string, expiresAt: string, displayName: string }
  t.same(Object.keys(body).sort(), ['color', 'displayName', 'expiresAt', 'issuedAt', 'token'], 'the body of GET /v1/me/code')
  t.equal(body.color, 'green')
  t.equal(body.displayName, '张**')

  const cp = await ctx.checkpoint()
  const volunteer = await ctx.staff('volunteer', { checkpointIds: [cp] })
  const scan = await ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(volunteer), payload: { id: randomUUID(), token: body.token, checkpointId: cp } })
  t.equal(scan.statusCode, 200, scan.body)
  t.equal(scan.json().decision, 'allow')
  t.equal(scan.json().displayName, '张**', 'masked at the checkpoint')

  for (const [what, url, method] of [
    ['code', `/v1/me/dependents/${dependent}/code`, 'GET'],
    ['release', `/v1/me/dependents/${dependent}`, 'DELETE']
  ] as const) {
    const res = await ctx.inject({ method, url, headers: bearerOf(other.token) })
    t.equal(res.statusCode, 404, `someone else's dependent: ${what}`)
    t.equal(res.json().code, 'GP_NOT_FOUND')
  }
  t.equal((await ctx.inject({ method: 'GET', url: `/v1/me/dependents/${r.personId}/code`, headers: bearerOf(other.token) })).statusCode, 404, 'nor another resident')
  t.same((await ctx.inject({ method: 'GET', url: '/v1/me/dependents', headers: bearerOf(other.token) })).json(), { dependents: [] })
})

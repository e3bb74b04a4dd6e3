// POST /v1/scans/id: an ID card typed in at a checkpoint, judged by the server's colour, recorded like a scan, audited in
// the person's access log, idempotent on its id, limited to 30 a minute per volunteer; the number is never logged.
import { randomUUID } from 'node:crypto'
import { bearerOf, eachDb, idNumberFor, makeCtx, type Ctx } from './helper.ts'
import t from 'tap'

const idScan = (ctx: Ctx, token: string, payload: Record<string, unknown>) => ctx.inject({ method: 'POST', url: '/v1/scans/id', headers: bearerOf(token), payload })
const trail = async (ctx: Ctx, personId: string) => {
  const res = await ctx.inject({ method: 'GET', url: `/v1/people/${personId}/trail?purpose=case-42`, headers: bearerOf(await ctx.admin()) })
  return res.json().scans as Array<Record<string, unknown>>
}
const accessLog = async (ctx: Ctx, token: string) => (await ctx.inject({ method: 'GET', url: '/v1/me/access-log', headers: bearerOf(token) })).json().entries as Array<{ role: string, action: string, purpose: string | null }>
const declareFever = (ctx: Ctx, token: string) => ctx.inject({ method: 'POST', url: '/v1/me/declarations', headers: bearerOf(token), payload: { temperature: 38.2, symptoms: [], visitedHighRiskArea: false, contactWithConfirmed: false } })

eachDb('scan by ID number: the server\'s colour decides, kind "id", in the trail and in the person\'s access log', async (t, ctx) => {
  const cp = await ctx.checkpoint({ name: '陆城卡口' })
  const volunteer = await ctx.staff('volunteer', { checkpointIds: [cp] })
  const green = await ctx.resident({ profile: { name: '欧阳娜娜' } })
  const sick = await ctx.resident({ profile: { name: '李四' } })
  t.equal((await declareFever(ctx, sick.token)).statusCode, 201)

  const id = randomUUID()
  const allow = await idScan(ctx, volunteer, { id, idNumber: green.idNumber, checkpointId: cp, direction: 'in', plate: '鄂E12345' })
  t.equal(allow.statusCode, 200, allow.body)
  t.same(allow.json(), { id, decision: 'allow', color: 'green', personId: green.personId, displayName: '欧阳**', reason: null, recorded: true, duplicate: false, offline: false, kind: 'id' })
  const deny = await idScan(ctx, volunteer, { id: randomUUID(), idNumber: sick.idNumber, checkpointId: cp })
  t.match(deny.json(), { decision: 'deny', color: 'yellow', reason: 'color_yellow', personId: sick.personId, displayName: '李*', recorded: true, kind: 'id' })

  t.match(await trail(ctx, green.personId), [{ id, checkpointId: cp, checkpointName: '陆城卡口', direction: 'in', plate: '鄂E12345', color: 'green', decision: 'allow' }])
  t.equal((await trail(ctx, sick.personId)).length, 1, 'a deny of a known person is in their trail too')
  const rows = await ctx.app.store.db.select().from(ctx.app.store.t.scans)
  t.same(rows.map((r) => [r.kind, r.source, r.jti]), [['id', 'id', null], ['id', 'id', null]])
  t.notOk(JSON.stringify(rows).includes(green.idNumber), 'the ID number is stored nowhere in the trail')

  const seen = (await accessLog(ctx, green.token)).filter((e) => e.action === 'identity.scan')
  t.equal(seen.length, 1, 'the look-up is in the person\'s access log')
  t.match(seen[0], { role: 'volunteer', purpose: /陆城卡口/ })

  // Admins may scan anywhere; a volunteer only at their checkpoints.
  const other = await ctx.checkpoint({ name: '清江社区门岗', kind: 'community' })
  t.match((await idScan(ctx, await ctx.admin(), { id: randomUUID(), idNumber: green.idNumber, checkpointId: other })).json(), { decision: 'allow', kind: 'id' })
  const elsewhere = await idScan(ctx, volunteer, { id: randomUUID(), idNumber: green.idNumber, checkpointId: other })
  t.equal(elsewhere.statusCode, 403)
  t.equal(elsewhere.json().code, 'GP_FORBIDDEN')
  const unknownCp = await idScan(ctx, volunteer, { id: randomUUID(), idNumber: green.idNumber, checkpointId: 'no-such-checkpoint' })
  t.equal(unknownCp.statusCode, 404)
  t.equal(unknownCp.json().code, 'GP_NOT_FOUND')
  for (const [label, body] of [
    ['an unknown field', { id: randomUUID(), idNumber: green.idNumber, checkpointId: cp, name: '张三' }],
    ['no id', { idNumber: green.idNumber, checkpointId: cp }],
    ['an ID number of 33 characters', { id: randomUUID(), idNumber: '4'.repeat(33), checkpointId: cp }],
    ['a number, not a string', { id: randomUUID(), idNumber: 420581199001, checkpointId: cp }]
  ] as const) {
    const res = await idScan(ctx, volunteer, body)
    t.equal(res.statusCode, 400, label)
    t.equal(res.json().code, 'GP_VALIDATION', label)
  }
  for (const role of ['gridworker', 'tracer', 'officer']) {
    t.equal((await idScan(ctx, await ctx.staff(role, { checkpointIds: [cp] }), { id: randomUUID(), idNumber: green.idNumber, checkpointId: cp })).statusCode, 403, role)
  }
  t.equal((await idScan(ctx, green.token, { id: randomUUID(), idNumber: green.idNumber, checkpointId: cp })).statusCode, 403, 'resident')
})

eachDb('scan by ID number: unknown or invalid numbers deny with unknown_person and enter no trail; idempotent on id like POST /v1/scans', async (t, ctx) => {
  const cp = await ctx.checkpoint()
  const volunteer = await ctx.staff('volunteer', { checkpointIds: [cp] })
  const r = await ctx.resident()
  const valid = idNumberFor(777_777)
  const badCheckDigit = valid.slice(0, 17) + (valid[17] === '1' ? '2' : '1')
  for (const [label, idNumber] of [['valid but unknown', valid], ['wrong check digit', badCheckDigit], ['not an ID number', 'abc']] as const) {
    const id = randomUUID()
    const res = await idScan(ctx, volunteer, { id, idNumber, checkpointId: cp })
    t.equal(res.statusCode, 200, `${label}: ${res.body}`)
    t.same(res.json(), { id, decision: 'deny', color: null, personId: null, displayName: null, reason: 'unknown_person', recorded: false, duplicate: false, offline: false, kind: 'id' }, label)
    const again = await idScan(ctx, volunteer, { id, idNumber, checkpointId: cp })
    t.same(again.json(), { ...res.json(), duplicate: true }, `${label}: a retry gets the first answer`)
    const other = await idScan(ctx, volunteer, { id, idNumber: r.idNumber, checkpointId: cp })
    t.equal(other.statusCode, 409, `${label}: the same id with another number`)
    t.equal(other.json().code, 'GP_CONFLICT')
  }
  t.equal((await ctx.app.store.db.select().from(ctx.app.store.t.scans)).length, 0, 'nothing in any trail')
  const security = await ctx.app.store.db.select().from(ctx.app.store.t.securityEvents)
  t.equal(security.length, 3, 'kept in the security log')
  t.notOk(JSON.stringify(security).includes(valid), 'the security log holds no ID number')

  // A known person: a retry with the same body is the first answer, one trail row, one audit entry.
  const id = randomUUID()
  const body = { id, idNumber: r.idNumber, checkpointId: cp, direction: 'out' }
  const first = await idScan(ctx, volunteer, body)
  t.match(first.json(), { decision: 'allow', recorded: true, duplicate: false })
  t.equal((await declareFever(ctx, r.token)).statusCode, 201)
  const again = await idScan(ctx, volunteer, body)
  t.same(again.json(), { ...first.json(), duplicate: true }, 'the first answer (green), even though the person turned yellow since')
  for (const [label, changed] of [['another direction', { ...body, direction: 'in' }], ['a plate', { ...body, plate: '鄂E12345' }], ['another number', { ...body, idNumber: valid }]] as const) {
    const res = await idScan(ctx, volunteer, changed)
    t.equal(res.statusCode, 409, label)
    t.equal(res.json().code, 'GP_CONFLICT', label)
  }
  t.equal((await ctx.app.store.db.select().from(ctx.app.store.t.scans)).length, 1, 'one trail row')
  t.equal((await accessLog(ctx, r.token)).filter((e) => e.action === 'identity.scan').length, 1, 'audited once')

  // An id used by a code scan, or by an ID scan, is not free for the other kind.
  const code = (await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(r.token) })).json().token as string
  const asCode = await ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(volunteer), payload: { id, token: code, checkpointId: cp } })
  t.equal(asCode.statusCode, 409, 'a code scan cannot reuse an ID scan\'s id')
  const scanId = randomUUID()
  t.equal((await ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(volunteer), payload: { id: scanId, token: code, checkpointId: cp } })).statusCode, 200)
  t.equal((await idScan(ctx, volunteer, { id: scanId, idNumber: r.idNumber, checkpointId: cp })).statusCode, 409, 'an ID scan cannot reuse a code scan\'s id')
})

eachDb('scan by ID number: at most 30 a minute per volunteer → 429 GP_RATE_LIMITED; another volunteer is not held up', async (t, ctx) => {
  const cp = await ctx.checkpoint()
  const busy = await ctx.staff('volunteer', { checkpointIds: [cp] })
  const calm = await ctx.staff('volunteer', { checkpointIds: [cp] })
  const r = await ctx.resident()
  for (let i = 0; i < 30; i++) {
    const res = await idScan(ctx, busy, { id: randomUUID(), idNumber: i % 2 === 0 ? r.idNumber : idNumberFor(600_000 + i), checkpointId: cp })
    if (res.statusCode !== 200) { t.fail(`scan ${i + 1}: ${res.statusCode} ${res.body}`); return }
  }
  const over = await idScan(ctx, busy, { id: randomUUID(), idNumber: r.idNumber, checkpointId: cp })
  t.equal(over.statusCode, 429)
  t.equal(over.json().code, 'GP_RATE_LIMITED')
  t.equal((await idScan(ctx, calm, { id: randomUUID(), idNumber: r.idNumber, checkpointId: cp })).statusCode, 200, 'the limit is per volunteer')
  t.equal((await ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(busy), payload: { id: randomUUID(), token: 'not-a-code', checkpointId: cp } })).statusCode, 200, 'code scans are not limited by it')
})

t.test('scan by ID number: the number never reaches the log', async (t) => {
  const lines: string[] = []
  const ctx = await makeCtx(t, 'sqlite', { config: { logger: true, logLevel: 'trace' }, build: { logStream: { write (line: string) { lines.push(line) } } } })
  const cp = await ctx.checkpoint()
  const volunteer = await ctx.staff('volunteer', { checkpointIds: [cp] })
  const r = await ctx.resident()
  const unknown = idNumberFor(888_888)
  t.equal((await idScan(ctx, volunteer, { id: randomUUID(), idNumber: r.idNumber, checkpointId: cp })).statusCode, 200)
  t.equal((await idScan(ctx, volunteer, { id: randomUUID(), idNumber: unknown, checkpointId: cp })).statusCode, 200)
  t.equal((await idScan(ctx, volunteer, { id: randomUUID(), idNumber: unknown, checkpointId: cp, extra: 1 })).statusCode, 400)
  t.ok(lines.length > 0, 'something was logged')
  const all = lines.join('\n')
  t.notOk(all.includes(r.idNumber), 'not a known person\'s number')
  t.notOk(all.includes(unknown), 'not an unknown number')
})

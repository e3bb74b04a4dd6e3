// Register imports refused: each bad input answers a clear error naming the row and column (422 GP_IMPORT_INVALID), or
// 413 / 415 for the body as a whole, and nothing is imported: the people and households are as they were.
import iconv from 'iconv-lite'
import { eachDb, bearerOf, idNumberFor, type Ctx, type Test } from './helper.ts'
import { formatRegisterCsv, type RegisterRow } from '../src/modules/imports/index.ts'

const post = async (ctx: Ctx, body: string | Buffer, contentType = 'text/csv', token?: string) =>
  ctx.inject({ method: 'POST', url: '/v1/imports/residents', headers: { ...bearerOf(token ?? await ctx.admin()), 'content-type': contentType }, payload: body })

const HEADER = '姓名,身份证号,手机号,网格,住址'
const row = (serial: number, extra: Partial<RegisterRow> = {}): RegisterRow =>
  ({ name: '张三', idNumber: idNumberFor(serial), phone: `1380000${String(serial).padStart(4, '0')}`, gridId: 'g-a', address: `清江路${serial}号`, ...extra })

/** How many people and households there are, and the register's rows as stored (to see that nothing changed). */
async function state (ctx: Ctx) {
  const { db, t } = ctx.app.store
  return { people: await db.select().from(t.people), households: await db.select().from(t.households) }
}

/** The file is refused with these rows and nothing changed. */
async function refused (t: Test, ctx: Ctx, body: string | Buffer, expected: Array<{ row: number, column: string | null, message: RegExp }>, label: string, token?: string) {
  const before = await state(ctx)
  const res = await post(ctx, body, 'text/csv', token)
  t.equal(res.statusCode, 422, res.statusCode === 422 ? label : `${label}: ${res.body.slice(0, 300)}`)
  const answer = res.json()
  t.match(answer, { statusCode: 422, code: 'GP_IMPORT_INVALID', error: 'Unprocessable Entity', message: /not imported/ }, label)
  t.equal(answer.errors.length, expected.length, answer.errors.length === expected.length ? label : `${label}: ${JSON.stringify(answer.errors).slice(0, 2000)}`)
  t.match(answer.errors, expected, `${label}: the rows and columns`)
  t.same(await state(ctx), before, `${label}: nothing changed`)
  return answer
}

eachDb('a bad file is refused row by row, with nothing imported', async (t, ctx) => {
  await ctx.grid('g-a')
  await ctx.grid('g-b')
  const good = await post(ctx, formatRegisterCsv([row(1), row(2, { address: '清江路1号' })]))
  t.same(good.json(), { people: 2, households: 1, updated: 0 }, 'a register on record to be refused against')

  await refused(t, ctx, '姓名,身份证,手机号,网格,住址,备注\r\n', [
    { row: 0, column: '身份证', message: /unknown column "身份证"/ },
    { row: 0, column: '备注', message: /unknown column "备注"/ },
    { row: 0, column: '身份证号', message: /the column 身份证号 \(idNumber\) is missing/ }
  ], 'a wrong header')
  await refused(t, ctx, 'name,idNumber,phone,gridId,gridId,address\r\n', [{ row: 0, column: 'gridId', message: /given twice/ }], 'a column twice')
  await refused(t, ctx, '', [{ row: 0, column: null, message: /the file is empty/ }], 'an empty file')
  await refused(t, ctx, '\uFEFF\r\n', [{ row: 0, column: null, message: /the file is empty/ }], 'a BOM alone')
  await refused(t, ctx, HEADER + '\r\n', [{ row: 0, column: null, message: /a header but no rows/ }], 'a header alone')

  const bad = formatRegisterCsv([
    row(10),
    row(11, { idNumber: idNumberFor(11).slice(0, 17) + (idNumberFor(11).endsWith('0') ? '1' : '0') }),
    row(12, { idNumber: idNumberFor(10) }),
    row(13, { phone: '1234' }),
    row(14, { gridId: 'g-nowhere' }),
    row(15, { name: '张\u200b三' }),
    row(16, { address: '  ' }),
    row(17, { phone: row(10).phone }),
    row(18, { idNumber: '' })
  ]) + '王五,110101199003070000\r\n\r\n' + formatRegisterCsv([row(19)]).split('\r\n')[1] + '\r\n'
  await refused(t, ctx, bad, [
    { row: 2, column: '身份证号', message: /身份证号: is not a valid ID number: check digit does not match/ },
    { row: 3, column: '身份证号', message: /身份证号: the same ID number as row 1/ },
    { row: 4, column: '手机号', message: /手机号: must be a mainland mobile number/ },
    { row: 5, column: '网格', message: /网格: no grid g-nowhere in your area/ },
    { row: 6, column: '姓名', message: /姓名: contains an invisible or control character \(U\+200B\)/ },
    { row: 7, column: '住址', message: /住址: is blank/ },
    { row: 8, column: '手机号', message: /the same phone as row 1/ },
    { row: 9, column: '身份证号', message: /身份证号: is required/ },
    { row: 10, column: null, message: /row 10 has 2 fields; the header has 5/ }
  ], 'bad rows (the blank line 11 is skipped but counted: 张三 of serial 19 is row 12 and passes)')

  // Against the database: a person of another household, a phone of another person.
  const resident = await ctx.resident({ profile: false })
  await refused(t, ctx, formatRegisterCsv([
    row(1, { address: '清江路99号' }),
    row(20, { phone: resident.phone }),
    row(2, { gridId: 'g-b', address: '清江路1号' })
  ]), [
    { row: 1, column: '身份证号', message: /already registered in another household/ },
    { row: 2, column: '手机号', message: /this phone belongs to another person already registered/ },
    { row: 3, column: '身份证号', message: /already registered in another household/ }
  ], 'rows that clash with the register on record')

  // At most 100 refused rows are listed; checking stops there.
  const many = formatRegisterCsv(Array.from({ length: 150 }, (_, i) => row(100 + i, { phone: `12${i}` })))
  const answer = await refused(t, ctx, many, Array.from({ length: 100 }, (_, i) => ({ row: i + 1, column: '手机号', message: /mainland mobile/ })), '150 bad rows')
  t.match(answer.message, /100 or more refused row\(s\) \(the first 100 are listed\)/)

  const after = await state(ctx)
  t.equal(after.people.length, 3, 'the two imported people and the resident, nobody else')
  t.equal(after.households.length, 1)
})

eachDb('the body as a whole: too large, neither UTF-8 nor GBK, not CSV, a bad X-Import-Id', async (t, ctx) => {
  await ctx.grid('g-a')
  const before = await state(ctx)
  const big = Buffer.alloc(60 * 1024 * 1024, 'a')
  const large = await post(ctx, big)
  t.equal(large.statusCode, 413)
  t.match(large.json(), { code: 'GP_PAYLOAD_TOO_LARGE', message: /body: over the limit of 52428800 bytes/ })

  // 0xFF never occurs in UTF-8 nor in GBK.
  const binary = Buffer.concat([Buffer.from(HEADER + '\r\n'), Buffer.from([0xff, 0xfe, 0x80, 0x41, 0xff, 0x0d, 0x0a])])
  const neither = await post(ctx, binary)
  t.equal(neither.statusCode, 415)
  t.match(neither.json(), { code: 'GP_UNSUPPORTED_MEDIA_TYPE', message: 'body: the file is neither UTF-8 nor GBK; save it from the spreadsheet as "CSV UTF-8" or as CSV (GBK)' })
  const gbkDeclaredUtf8 = await post(ctx, iconv.encode(formatRegisterCsv([row(1)]), 'gbk'), 'text/csv; charset=utf-8')
  t.equal(gbkDeclaredUtf8.statusCode, 415)
  t.match(gbkDeclaredUtf8.json().message, /not valid UTF-8 \(declared charset=utf-8\)/)
  const big5 = await post(ctx, formatRegisterCsv([row(1)]), 'text/csv; charset=big5')
  t.equal(big5.statusCode, 415)
  t.match(big5.json().message, /charset big5 is not supported/)

  const json = await ctx.inject({ method: 'POST', url: '/v1/imports/residents', headers: bearerOf(await ctx.admin()), payload: { rows: [] } })
  t.equal(json.statusCode, 415, 'JSON is not a register')
  const quote = await post(ctx, HEADER + '\r\n"张三,1\r\n')
  t.equal(quote.statusCode, 400)
  t.match(quote.json(), { code: 'GP_VALIDATION', message: /quote/ })
  const badId = await ctx.inject({ method: 'POST', url: '/v1/imports/residents', headers: { ...bearerOf(await ctx.admin()), 'content-type': 'text/csv', 'x-import-id': 'import-1' }, payload: formatRegisterCsv([row(1)]) })
  t.equal(badId.statusCode, 400)
  t.match(badId.json().message, /headers.x-import-id: must be a UUID/)
  t.same(await state(ctx), before, 'nothing changed')

  for (const role of ['tracer', 'gridworker', 'volunteer']) {
    const res = await post(ctx, formatRegisterCsv([row(1)]), 'text/csv', await ctx.staff(role))
    t.equal(res.statusCode, 403, `${role} may not import`)
  }
  const resident = await ctx.resident({ profile: false })
  t.equal((await post(ctx, formatRegisterCsv([row(1)]), 'text/csv', resident.token)).statusCode, 403)
  t.equal((await ctx.inject({ method: 'POST', url: '/v1/imports/residents', headers: { 'content-type': 'text/csv' }, payload: 'x' })).statusCode, 401)
})

eachDb('an officer scoped to an area: a grid outside it is refused like an unknown one, a person registered outside it too', async (t, ctx) => {
  const admin = bearerOf(await ctx.admin())
  for (const [id, level, parentId] of [['c1', 'city', undefined], ['s1', 'street', 'c1'], ['m1', 'community', 's1'], ['m2', 'community', 's1'], ['g-in', 'grid', 'm1'], ['g-out', 'grid', 'm2']]) {
    const res = await ctx.inject({ method: 'POST', url: '/v1/areas', headers: admin, payload: { id, name: `区域 ${id}`, level, ...(parentId !== undefined ? { parentId } : {}) } })
    t.equal(res.statusCode, 201, res.body)
  }
  const created = await ctx.inject({ method: 'POST', url: '/v1/users', headers: admin, payload: { username: 'officer-m1', password: 'staff-password-123', role: 'officer', areaIds: ['m1'] } })
  t.equal(created.statusCode, 201, created.body)
  const officer = (await ctx.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'officer-m1', password: 'staff-password-123' } })).json().accessToken as string
  // A person the admin registered in the other community's grid, with no household.
  const outside = await ctx.resident({ profile: { name: '孙八', idNumber: idNumberFor(30), gridId: 'g-out' } })

  await refused(t, ctx, formatRegisterCsv([row(1, { gridId: 'g-in' }), row(2, { gridId: 'g-out' }), row(3, { gridId: 'g-unknown' })]), [
    { row: 2, column: '网格', message: /^网格: no grid g-out in your area$/ },
    { row: 3, column: '网格', message: /^网格: no grid g-unknown in your area$/ }
  ], 'grids outside the area and unknown grids: one answer', officer)
  await refused(t, ctx, formatRegisterCsv([row(1, { gridId: 'g-in' }), { name: '孙八', idNumber: outside.idNumber, phone: outside.phone, gridId: 'g-in', address: '清江路1号' }]), [
    { row: 2, column: '身份证号', message: /registered in a grid outside your area/ }
  ], 'a person of another area is not moved into this one', officer)

  const ok = await post(ctx, formatRegisterCsv([row(1, { gridId: 'g-in' })]), 'text/csv', officer)
  t.same(ok.json(), { people: 1, households: 1, updated: 0 }, 'inside the area the import goes through')
})

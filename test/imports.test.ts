// Register imports: UTF-8, UTF-8 with a BOM and GBK files of the same rows give the same people in the same households
// and grids; importing again changes nothing; a changed phone updates one person; progress is shown; audited once.
import { randomUUID } from 'node:crypto'
import { asc } from 'drizzle-orm'
import iconv from 'iconv-lite'
import { eachDb, bearerOf, idNumberFor, makeCtx, nextPhone, type Ctx } from './helper.ts'
import { formatRegisterCsv, formatRegisterCsvGbk, type RegisterRow } from '../src/modules/imports/index.ts'

const post = async (ctx: Ctx, body: string | Buffer, contentType = 'text/csv', headers: Record<string, string> = {}) =>
  ctx.inject({ method: 'POST', url: '/v1/imports/residents', headers: { ...bearerOf(await ctx.admin()), 'content-type': contentType, ...headers }, payload: body })

function register (gridA: string, gridB: string): RegisterRow[] {
  return [
    { name: '张三', idNumber: idNumberFor(101), phone: nextPhone(), gridId: gridA, address: '陆城街道清江路12号1单元101' },
    { name: '李四', idNumber: idNumberFor(102), phone: nextPhone(), gridId: gridA, address: '陆城街道清江路１２号1单元101' },
    { name: '王五', idNumber: idNumberFor(103), phone: '', gridId: gridA, address: '陆城街道清江路12号 2单元301' },
    { name: '赵六, 长者', idNumber: idNumberFor(104), phone: null, gridId: gridB, address: '红花套镇渔洋溪村3组' },
    { name: '阿依古丽·买买提', idNumber: idNumberFor(105), phone: nextPhone(), gridId: gridB, address: '红花套镇渔洋溪村3组' }
  ]
}

/** Every person and household as a reader sees them (decrypted), in a stable order. */
async function snapshot (ctx: Ctx) {
  const { db, t } = ctx.app.store
  const pii = ctx.app.pii
  const homes = new Map((await db.select().from(t.households)).map((h) => [h.id, { gridId: h.gridId, address: pii.decrypt(h.addressEnc) }]))
  const people = (await db.select().from(t.people).orderBy(asc(t.people.idNumberIdx))).map((p) => ({
    name: p.nameEnc === null ? null : pii.decrypt(p.nameEnc),
    idNumber: p.idNumberEnc === null ? null : pii.decrypt(p.idNumberEnc),
    phone: p.phoneEnc === null ? null : pii.decrypt(p.phoneEnc),
    gridId: p.gridId,
    household: p.householdId === null ? null : homes.get(p.householdId),
    createdBy: p.createdBy
  }))
  return { people: people.sort((a, b) => String(a.idNumber).localeCompare(String(b.idNumber))), households: homes.size }
}

eachDb('UTF-8, UTF-8 with a BOM and GBK (declared or detected) give the same people, households and grids', async (t, ctx) => {
  const files = (rows: RegisterRow[]): Array<[string, string | Buffer, string]> => [
    ['UTF-8', formatRegisterCsv(rows), 'text/csv'],
    ['UTF-8 with a BOM', '\uFEFF' + formatRegisterCsv(rows), 'text/csv; charset=utf-8'],
    ['GBK, declared', formatRegisterCsvGbk(rows), 'text/csv; charset=gbk'],
    ['GBK, detected', formatRegisterCsvGbk(rows), 'text/csv']
  ]
  let first: Awaited<ReturnType<typeof snapshot>> | undefined
  for (const [label] of files([])) {
    // A fresh service and database for each file.
    const c = label === 'UTF-8' ? ctx : await makeCtx(t, ctx.dialect)
    const rows = register(await c.grid('g-a'), await c.grid('g-b'))
    rows.forEach((r, i) => { r.phone = r.phone === null || r.phone === '' ? r.phone : `1390000000${i}` })
    const [, body, type] = files(rows).find(([l]) => l === label) as [string, string | Buffer, string]
    const res = await post(c, body, type)
    t.equal(res.statusCode, 200, `${label}: ${res.body}`)
    t.same(res.json(), { people: 5, households: 3, updated: 0 }, `${label}: 5 people in 3 households (full-width digits and spaces do not make another address)`)
    const now = await snapshot(c)
    if (first === undefined) {
      first = now
      t.same(now.people.map((p) => p.name), ['张三', '李四', '王五', '赵六, 长者', '阿依古丽·买买提'])
      t.same(now.people.map((p) => p.household?.gridId), ['g-a', 'g-a', 'g-a', 'g-b', 'g-b'], 'each person in a household of their grid')
      t.same(now.people.map((p) => p.gridId), ['g-a', 'g-a', 'g-a', 'g-b', 'g-b'])
      t.equal(now.people[0]?.household?.address, '陆城街道清江路12号1单元101')
      t.same(now.people[1]?.household, now.people[0]?.household, 'one household for 12号 and １２号')
      t.equal(now.people[2]?.phone, null, 'an empty phone cell: no phone')
      t.equal(now.people[0]?.createdBy, 'import:admin')
    } else {
      t.same(now, first, `${label}: the same people as from the UTF-8 file`)
    }
  }
})

eachDb('importing again changes nothing; a changed phone or name updates that person; a person already on record joins the household', async (t, ctx) => {
  const rows = register(await ctx.grid('g-a'), await ctx.grid('g-b'))
  // A resident who set their own profile before the import: matched by ID number, not duplicated.
  const resident = await ctx.resident({ profile: { name: '钱七', idNumber: idNumberFor(106), gridId: 'g-b' } })
  rows.push({ name: '钱七', idNumber: resident.idNumber, phone: resident.phone, gridId: 'g-b', address: '红花套镇渔洋溪村3组' })

  const first = await post(ctx, formatRegisterCsvGbk(rows), 'text/csv; charset=gbk')
  t.equal(first.statusCode, 200, first.body)
  t.same(first.json(), { people: 5, households: 3, updated: 1 }, 'the resident on record is updated (put in the household), not created')
  const after = await snapshot(ctx)
  t.equal(after.people.length, 6)
  t.same(after.people.find((p) => p.name === '钱七')?.household, { gridId: 'g-b', address: '红花套镇渔洋溪村3组' })

  const again = await post(ctx, formatRegisterCsv(rows))
  t.same(again.json(), { people: 0, households: 0, updated: 0 }, 'the same file again changes nothing')
  t.same(await snapshot(ctx), after, 'nothing changed')

  const changed = rows.map((r) => ({ ...r }))
  changed[0] = { ...changed[0] as RegisterRow, phone: '13911112222' }
  changed[3] = { ...changed[3] as RegisterRow, phone: '' }
  const phone = await post(ctx, formatRegisterCsv(changed, 'en'))
  t.equal(phone.statusCode, 200, phone.body)
  t.same(phone.json(), { people: 0, households: 0, updated: 1 }, 'a changed phone updates one person; an empty phone cell keeps none and changes nothing')
  const now = await snapshot(ctx)
  t.equal(now.people.find((p) => p.name === '张三')?.phone, '13911112222')

  // The columns in another order, English names.
  const reordered = ['address,gridId,name,phone,idNumber', ...changed.map((r) => [r.address, r.gridId, r.name === '张三' ? '张三丰' : r.name, r.phone ?? '', r.idNumber].map((v) => `"${v}"`).join(','))].join('\n')
  const renamed = await post(ctx, reordered)
  t.same(renamed.json(), { people: 0, households: 0, updated: 1 }, 'columns in any order; a changed name updates that person')

  // The resident still logs in with their phone and sees the name the register gives.
  const lookup = await ctx.inject({ method: 'GET', url: `/v1/people?idNumber=${idNumberFor(101)}&purpose=import-check`, headers: bearerOf(await ctx.admin()) })
  t.equal(lookup.statusCode, 200, lookup.body)
  t.match(lookup.json().people, [{ name: '张三丰', gridId: 'g-a' }])
})

eachDb('progress by X-Import-Id; the import is audited once with counts only', async (t, ctx) => {
  const rows = register(await ctx.grid('g-a'), await ctx.grid('g-b'))
  const importId = randomUUID()
  const res = await post(ctx, formatRegisterCsv(rows), 'text/csv', { 'x-import-id': importId })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['x-import-id'], importId)
  const progress = await ctx.inject({ method: 'GET', url: `/v1/imports/${importId}`, headers: bearerOf(await ctx.admin()) })
  t.equal(progress.statusCode, 200, progress.body)
  t.match(progress.json(), { state: 'done', rows: 5, done: 5, result: { people: 5, households: 3, updated: 0 } })
  const reused = await post(ctx, formatRegisterCsv(rows), 'text/csv', { 'x-import-id': importId })
  t.equal(reused.statusCode, 409, 'an id is used once')

  const officer = await ctx.staff('officer')
  t.equal((await ctx.inject({ method: 'GET', url: `/v1/imports/${importId}`, headers: bearerOf(officer) })).statusCode, 404, 'another user\'s import is not shown')
  t.equal((await ctx.inject({ method: 'GET', url: `/v1/imports/${randomUUID()}`, headers: bearerOf(officer) })).statusCode, 404)
  const byOfficer = await ctx.inject({ method: 'POST', url: '/v1/imports/residents', headers: { ...bearerOf(officer), 'content-type': 'text/csv' }, payload: formatRegisterCsv(rows) })
  t.same(byOfficer.json(), { people: 0, households: 0, updated: 0 }, 'an officer without an area imports too')

  const audit = (await ctx.inject({ method: 'GET', url: '/v1/audit?limit=1000', headers: bearerOf(await ctx.admin()) })).json().entries as Array<{ action: string, target: string | null, purpose: string | null, actor: string }>
  const imports = audit.filter((e) => e.action === 'register.import')
  t.equal(imports.length, 2, 'each import audited once')
  t.match(imports.find((e) => e.target === importId), { actor: 'admin', purpose: 'rows=5 people=5 households=3 updated=0' })
  const text = JSON.stringify(audit)
  for (const r of rows) {
    t.notOk(text.includes(r.idNumber) || text.includes(r.name) || (r.phone !== '' && r.phone !== null && r.phone !== undefined && text.includes(r.phone)), 'no personal data in the audit log')
  }
  t.ok(iconv.encodingExists('gbk'))
})

eachDb('during an import the service answers, the progress moves, and a second import waits its turn (409)', async (t, ctx) => {
  await ctx.grid('g-a')
  const rows: RegisterRow[] = Array.from({ length: 3000 }, (_, i) => ({ name: '周九', idNumber: idNumberFor(200_000 + i), phone: `1370${String(i).padStart(7, '0')}`, gridId: 'g-a', address: `清江路${Math.floor(i / 3)}号` }))
  const importId = randomUUID()
  const token = await ctx.admin()
  const running = ctx.inject({ method: 'POST', url: '/v1/imports/residents', headers: { ...bearerOf(token), 'content-type': 'text/csv; charset=gbk', 'x-import-id': importId }, payload: formatRegisterCsvGbk(rows) })
  const seen = new Set<string>()
  let answeredMeanwhile = 0
  let second: number | undefined
  for (let i = 0; i < 10_000; i++) {
    const progress = await ctx.inject({ method: 'GET', url: `/v1/imports/${importId}`, headers: bearerOf(token) })
    const state = progress.statusCode === 200 ? progress.json().state as string : 'not yet'
    seen.add(state)
    if (state === 'done' || state === 'failed') break
    if ((await ctx.inject({ method: 'GET', url: '/healthz' })).statusCode === 200 && state !== 'not yet') answeredMeanwhile++
    if (second === undefined && state !== 'not yet') second = (await post(ctx, formatRegisterCsv(rows.slice(0, 1)))).statusCode
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  const res = await running
  t.equal(res.statusCode, 200, res.body.slice(0, 300))
  t.same(res.json(), { people: 3000, households: 1000, updated: 0 })
  t.ok(answeredMeanwhile > 0, `/healthz answered ${answeredMeanwhile} times while the import ran (states seen: ${[...seen].join(', ')})`)
  t.ok(seen.has('validating') || seen.has('writing'), 'the progress showed the import under way')
  t.equal(second, 409, 'one import at a time')
  t.match((await ctx.inject({ method: 'GET', url: `/v1/imports/${importId}`, headers: bearerOf(token) })).json(), { state: 'done', rows: 3000, done: 3000 })
})

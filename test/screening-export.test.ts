// A round's screenings as CSV and XLSX: Chinese headers, one row per member seen (one for a household with nobody at
// home), names in full and ID numbers masked, symptoms and findings in words, formulas guarded; scoped and audited.
import ExcelJS from 'exceljs'
import { parse } from 'csv-parse/sync'
import { eachDb, bearerOf, DAY, T0, type Ctx } from './helper.ts'
import { audited, highRisk, household, member, openRound, screen, staffIn, tree } from './support/screening.ts'

const iso = (ms: number): string => new Date(ms).toISOString()
const HEADER = ['网格', '网格编号', '住址', '有人在家', '姓名', '身份证号', '体温（°C）', '症状', '返回地', '返回时间', '中高风险地区', '车牌', '判定', '排查时间', '排查人', '备注']
const file = async (ctx: Ctx, token: string, ext: 'csv' | 'xlsx', query: string) =>
  ctx.inject({ method: 'GET', url: `/v1/screenings.${ext}?${query}`, headers: bearerOf(token) })

eachDb('CSV and XLSX of a round: Chinese headers, masked ID numbers, words, formulas guarded', async (t, ctx) => {
  await tree(ctx)
  const officer = await staffIn(ctx, 'officer', {}, 'officer-export')
  const worker = await staffIn(ctx, 'gridworker', { gridIds: ['g1'] }, 'worker-wu')
  // An address and a note that a spreadsheet would run as formulas, one with a comma and quotes.
  const h1 = await household(ctx, 'g1', '=1+2 号楼')
  const h2 = await household(ctx, 'g3', '清江路 30 号')
  const ma = await member(ctx, h1, 'g1', '欧阳娜娜')
  const mb = await member(ctx, h1, 'g1', '陈平')
  await highRisk(ctx, officer, [{ code: '420100', name: '武汉市', from: iso(T0 - 30 * DAY) }])
  const roundId = await openRound(ctx, officer, 'c1')

  ctx.clock.set(T0 + 3_600_000) // 17:00 in Beijing
  const res = await screen(ctx, worker, h1, {
    roundId, present: true, note: '@张三, "电话" 不通',
    members: [
      { personId: ma.personId, temperature: 38.5, symptoms: ['fever', 'cough'], returnedFrom: '420102', returnedAt: iso(T0 - 2 * DAY), plate: '鄂E 12345' },
      { personId: mb.personId, temperature: 36.4 }
    ]
  })
  t.equal(res.statusCode, 201, res.body)
  t.equal((await screen(ctx, officer, h2, { roundId, present: false, members: [] })).statusCode, 201)

  const csv = await file(ctx, officer, 'csv', `roundId=${roundId}`)
  t.equal(csv.statusCode, 200, csv.body.slice(0, 300))
  t.match(csv.headers['content-type'], /^text\/csv; charset=utf-8/)
  t.match(csv.headers['content-disposition'], `attachment; filename="screenings-${roundId}.csv"`)
  t.equal(csv.headers['cache-control'], 'no-store')
  t.ok(csv.body.startsWith('\uFEFF'), 'a BOM, so spreadsheets read UTF-8')
  const rows = parse(csv.body.slice(1)) as string[][]
  t.same(rows[0], HEADER, 'Chinese headers')
  t.equal(rows.length, 4, 'two members seen, one household with nobody at home')
  const masked = (id: string): string => `${id.slice(0, 6)}********${id.slice(-4)}`
  // The members of one household in either order (their ids are random): found by name.
  const byName = (name: string): string[] | undefined => rows.find((r) => r[4] === name)
  t.same(byName('欧阳娜娜'), [
    '桂花园一网格', 'g1', "'=1+2 号楼", '是', '欧阳娜娜', masked(ma.idNumber), '38.5', '发热、咳嗽', '420102', '2026-02-27 16:00', '武汉市（420100）', '鄂E12345',
    '发热或有症状（黄码）；自中高风险地区返回（红码）', '2026-03-01 17:00', 'worker-wu', "'@张三, \"电话\" 不通"
  ])
  t.same(byName('陈平')?.slice(4, 13), ['陈平', masked(mb.idNumber), '36.4', '', '', '', '', '', '未见异常'])
  t.same(rows[3], ['清江一网格', 'g3', '清江路 30 号', '否', '', '', '', '', '', '', '', '', '', '2026-03-01 17:00', 'officer-export', ''])
  t.notOk(csv.body.includes(ma.idNumber), 'no full ID number anywhere')
  t.match(csv.body, /"'@张三, ""电话"" 不通"/, 'RFC 4180 quoting after the guard')

  // Only the grids under areaId.
  const k2 = parse((await file(ctx, officer, 'csv', `roundId=${roundId}&areaId=k2`)).body.slice(1)) as string[][]
  t.same(k2.map((r) => r[1]), ['网格编号', 'g3'])

  const xlsx = await file(ctx, officer, 'xlsx', `roundId=${roundId}`)
  t.equal(xlsx.statusCode, 200)
  t.equal(xlsx.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  const book = new ExcelJS.Workbook()
  await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer)
  const sheet = book.getWorksheet('排查结果')
  t.ok(sheet, 'the worksheet 排查结果')
  const values = (n: number): unknown[] => ((sheet?.getRow(n).values ?? []) as unknown[]).slice(1)
  t.same(values(1), HEADER)
  t.equal(sheet?.actualRowCount, 4)
  // A cell of text is never run as a formula: the address is kept as written.
  const row = [2, 3].find((n) => values(n)[4] === '欧阳娜娜') ?? 2
  t.same(values(row).slice(0, 8), ['桂花园一网格', 'g1', '=1+2 号楼', '是', '欧阳娜娜', masked(ma.idNumber), 38.5, '发热、咳嗽'])
  const cell = sheet?.getRow(row).getCell(3)
  t.equal(cell?.type, ExcelJS.ValueType.String, 'text, never a formula')
  t.equal(values(4)[3], '否')

  t.same((await audited(ctx, 'screening.export')).reverse().map((e) => [e.actor, e.target, e.purpose]), [
    ['officer-export', roundId, 'csv'], ['officer-export', roundId, 'csv, area k2'], ['officer-export', roundId, 'xlsx']
  ])
})

eachDb('exports are scoped: an area or round outside the reach is 404 and audited, unknown ones are refused', async (t, ctx) => {
  await tree(ctx)
  const admin = await ctx.admin()
  const scoped = await staffIn(ctx, 'officer', { areaIds: ['k2'] }, 'officer-k2')
  const k1 = await openRound(ctx, admin, 'k1')
  const city = await openRound(ctx, admin, 'c1')

  let res = await file(ctx, scoped, 'csv', `roundId=${k1}`)
  t.match({ status: res.statusCode, code: res.json().code }, { status: 404, code: 'GP_NOT_FOUND' }, 'a round wholly outside the scope')
  res = await file(ctx, scoped, 'xlsx', `roundId=${city}&areaId=k1`)
  t.match({ status: res.statusCode, message: res.json().message }, { status: 404, message: 'query.areaId: no area k1' }, 'an area outside the scope')
  t.same((await audited(ctx, 'screening.export.out_of_scope')).reverse().map((e) => e.target), [k1, 'k1'])
  t.equal((await file(ctx, scoped, 'csv', `roundId=${city}`)).statusCode, 200, 'the part of a city round inside the scope')

  res = await file(ctx, admin, 'csv', 'roundId=nope')
  t.match({ status: res.statusCode, message: res.json().message }, { status: 404, message: 'query.roundId: no screening round nope' })
  res = await file(ctx, admin, 'csv', `roundId=${city}&areaId=nowhere`)
  t.match({ status: res.statusCode, message: res.json().message }, { status: 400, message: 'query.areaId: no area nowhere' })
  t.equal((await file(ctx, admin, 'csv', '')).statusCode, 400, 'roundId is required')
  t.same((await audited(ctx, 'screening.export')).length, 1, 'only the export that ran is audited as one')

  for (const role of ['gridworker', 'tracer', 'volunteer']) {
    t.equal((await file(ctx, await staffIn(ctx, role), 'csv', `roundId=${city}`)).statusCode, 403, `${role}: no export`)
  }
})

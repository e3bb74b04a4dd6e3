// The console's grid-management screens in real Chromium on a small tree (a city, two streets, two communities, three
// grids): an admin imports a register with errors and reads them row by row in Chinese, then a correct GBK file and
// reads the counts; the dashboard shows the imported figures and drills into a street; the team card and the battle map
// show who is on duty; the users screen shows a grid worker's grids. Screenshots at 1440×900.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { resolve } from 'node:path'
import iconv from 'iconv-lite'
import t from 'tap'
import type { Browser, Page } from 'playwright-core'
import { ADMIN_PASSWORD, bearerOf, dialects, idNumberFor, makeCtx, type Ctx, type Test } from './helper.ts'
import { browserSkipReason, launch } from './support/browser.ts'
import { consoleLogin, staffUser } from './support/console-world.ts'

const SHOTS = resolve(import.meta.dirname, '../test-artifacts/console')
mkdirSync(SHOTS, { recursive: true })
const RAW = /GP_[A-Z]|header:|must (NOT )?(have|match|be)|is not a valid|in your area|query\.|body\.|\bundefined\b|\bnull\b/
const HEADER = '姓名,身份证号,手机号,网格,住址'

async function tree (ctx: Ctx, admin: { authorization: string }): Promise<void> {
  for (const a of [
    { id: 'C', name: '宜都市', level: 'city' },
    { id: 'S1', name: '陆城街道', level: 'street', parentId: 'C' },
    { id: 'S2', name: '红花套镇', level: 'street', parentId: 'C' },
    { id: 'M1', name: '清江社区', level: 'community', parentId: 'S1' },
    { id: 'M2', name: '渔洋溪村', level: 'community', parentId: 'S2' },
    { id: 'g1', name: '清江一网格', level: 'grid', parentId: 'M1' },
    { id: 'g2', name: '清江二网格', level: 'grid', parentId: 'M1' },
    { id: 'g3', name: '渔洋溪一网格', level: 'grid', parentId: 'M2' }
  ]) {
    const res = await ctx.inject({ method: 'POST', url: '/v1/areas', headers: admin, payload: a })
    if (res.statusCode !== 201) throw new Error(`area ${a.id}: ${res.body}`)
  }
}

async function open (t: Test, browser: Browser, base: string): Promise<{ page: Page, outside: string[], errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })
  t.teardown(async () => { await context.close() })
  const page = await context.newPage()
  const outside: string[] = []
  const errors: string[] = []
  context.on('request', (req) => { if (!req.url().startsWith(base) && !req.url().startsWith('blob:') && !req.url().startsWith('data:')) outside.push(req.url()) })
  page.on('pageerror', (err) => { errors.push(String(err)) })
  return { page, outside, errors }
}

const shot = async (page: Page, name: string): Promise<void> => {
  await page.waitForTimeout(400)
  await page.screenshot({ path: `${SHOTS}/console-${name}.png` })
}

const skip = browserSkipReason()
for (const dialect of dialects()) void t.test(`the console's grid screens in Chromium [${dialect}]`, { skip: skip ?? false }, async (t) => {
  const browser = await launch()
  t.teardown(async () => { await browser.close() })
  const ctx = await makeCtx(t, dialect)
  ctx.clock.set(Date.now())
  await ctx.app.listen({ port: 0, host: '127.0.0.1' })
  const address = ctx.app.server.address()
  const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
  const admin = bearerOf(await ctx.admin())
  await tree(ctx, admin)
  const gate = await ctx.checkpoint({ name: '清江社区东门', kind: 'community', gridId: 'g1', lat: 30.391, lon: 111.452 })
  await ctx.checkpoint({ name: '清江菜场', kind: 'venue', gridId: 'g2', lat: 30.402, lon: 111.471 })
  await ctx.checkpoint({ name: '清江大桥卡口', kind: 'traffic', gridId: 'g2', lat: 30.385, lon: 111.481 })
  await ctx.staff('gridworker', { username: 'gw-wang', gridIds: ['g1'] })
  await ctx.staff('volunteer', { username: 'vol-sun', checkpointIds: [gate] })
  const tracer = await staffUser(ctx, 'tracer', 'tracer-li')
  const users = (await ctx.inject({ method: 'GET', url: '/v1/users', headers: admin })).json().users as Array<{ id: string, username: string }>
  const volunteer = users.find((u) => u.username === 'vol-sun')!.id
  const now = ctx.clock.now()
  const shift = await ctx.inject({ method: 'POST', url: '/v1/duty-shifts', headers: admin, payload: { checkpointId: gate, userId: volunteer, from: new Date(now - 3_600_000).toISOString(), to: new Date(now + 3 * 3_600_000).toISOString() } })
  t.equal(shift.statusCode, 201, shift.body)
  const team = await ctx.inject({ method: 'PUT', url: '/v1/areas/M1/team', headers: admin, payload: { doctor: { name: '周医生', phone: '13912345678' }, police: { name: '吴警官', phone: '0717-4812345' } } })
  t.equal(team.statusCode, 200, team.body)
  t.equal((await ctx.inject({ method: 'POST', url: '/v1/screening-rounds', headers: admin, payload: { areaId: 'C', name: '第一轮入户排查' } })).statusCode, 201)

  const { page, outside, errors } = await open(t, browser, base)
  await consoleLogin(page, base, { username: 'admin', password: ADMIN_PASSWORD })

  await t.test('the menus follow the roles', async (t) => {
    t.same(await page.getByRole('menuitem').allInnerTexts(), ['流调', '人工改码与申诉', '数据看板', '网格与人员', '团队与排班', '审计', '用户与卡口'])
    const other = await open(t, browser, base)
    await consoleLogin(other.page, base, tracer)
    t.same(await other.page.getByRole('menuitem').allInnerTexts(), ['流调', '数据看板', '网格与人员', '团队与排班'], 'a tracer: no audit, no users')
    await other.page.getByRole('menuitem', { name: '网格与人员' }).click()
    await other.page.getByRole('tab', { name: '住户与成员' }).waitFor()
    t.equal(await other.page.getByRole('tab', { name: '导入户籍名册' }).count(), 0, 'a tracer may not import')
  })

  await t.test('an admin imports a register with errors, reads them row by row, then a correct GBK file', async (t) => {
    await page.getByRole('menuitem', { name: '网格与人员' }).click()
    await page.getByRole('tab', { name: '导入户籍名册' }).click()
    const bad = [HEADER,
      `张三,${idNumberFor(9001)},13900000001,g1,清江路1号`,
      `李四,123,13900000002,g1,清江路2号`,
      `王五,${idNumberFor(9003)},12345,g1,清江路3号`,
      `赵六,${idNumberFor(9004)},,gX,清江路4号`,
      `钱七,${idNumberFor(9001)},,g1,清江路5号`].join('\r\n')
    const badFile = resolve(tmpdir(), `register-bad-${process.pid}-${dialect}.csv`)
    writeFileSync(badFile, bad)
    t.teardown(() => { rmSync(badFile, { force: true }) })
    await page.getByLabel('名册文件（CSV）').setInputFiles(badFile)
    await page.getByRole('button', { name: '上传并导入' }).click()
    await page.getByRole('alert').filter({ hasText: '文件有 4 处错误，未导入任何数据' }).waitFor()
    const table = page.getByRole('region', { name: '导入户籍名册（一标三实）' })
    const rows = (await table.locator('tbody tr').allInnerTexts()).map((r) => r.replace(/\s+/g, ' ').trim())
    t.ok(rows.some((r) => /^2 身份证号 身份证号应为 18 位/.test(r)), `row 2: the ID number (${rows.join(' | ')})`)
    t.ok(rows.some((r) => /^3 手机号 手机号应为 11 位/.test(r)), 'row 3: the phone')
    t.ok(rows.some((r) => /^4 网格 您的辖区内没有网格“gX”/.test(r)), 'row 4: the grid')
    t.ok(rows.some((r) => /^5 身份证号 与第 1 行的身份证号重复/.test(r)), 'row 5: the same ID number as row 1')
    t.notMatch(await page.locator('body').innerText(), RAW, 'no server text on screen')
    await shot(page, 'import-errors')

    const good = [HEADER,
      `张三,${idNumberFor(9101)},13900000101,g1,清江路1号`,
      `张小三,${idNumberFor(9102)},,g1,清江路1号`,
      `李四,${idNumberFor(9103)},13900000103,g1,清江路2号`,
      `王五,${idNumberFor(9104)},13900000104,g3,渔洋溪村5组`].join('\r\n')
    const goodFile = resolve(tmpdir(), `register-gbk-${process.pid}-${dialect}.csv`)
    writeFileSync(goodFile, iconv.encode(good, 'gbk'))
    t.teardown(() => { rmSync(goodFile, { force: true }) })
    await page.getByLabel('名册文件（CSV）').setInputFiles(goodFile)
    await page.getByRole('button', { name: '上传并导入' }).click()
    await page.getByRole('status').filter({ hasText: '导入完成：新增人员 4 人，新增住户 3 户，更新 0 人' }).waitFor()
    t.ok(await page.getByRole('progressbar').isVisible(), 'the progress bar')
    await shot(page, 'import')

    // The households of 清江一网格 in the tree, and one household's members.
    await page.getByRole('tab', { name: '住户与成员' }).click()
    const areas = page.getByRole('tree', { name: '区域与网格' })
    await areas.getByText('宜都市').click()
    await areas.getByText('陆城街道').click()
    await areas.getByText('清江社区').click()
    await areas.getByText('清江一网格').click()
    const households = page.getByRole('region', { name: '清江一网格 的住户' })
    await households.getByText('清江路1号').waitFor()
    t.ok(await households.getByText('清江路2号').isVisible())
    await households.getByRole('button', { name: '查看成员：清江路1号' }).click()
    const members = page.getByRole('dialog', { name: '住户成员：清江路1号' })
    await members.getByText('张小三').waitFor()
    t.ok(await members.getByText('张三', { exact: true }).isVisible())
    t.equal(await members.getByText('绿码').count(), 2)
    await shot(page, 'grid')
    await members.getByRole('button', { name: /关闭|Close/ }).click()
  })

  await t.test('the dashboard: the city\'s figures, colours by street, the round, a drill into a street', async (t) => {
    await page.getByRole('menuitem', { name: '数据看板' }).click()
    await page.getByRole('heading', { name: '宜都市（市/县）' }).waitFor()
    const tile = (name: string) => page.getByRole('group', { name, exact: true }).locator('dd')
    t.equal(await tile('人口').innerText(), '4')
    t.equal(await tile('户数').innerText(), '3')
    t.equal(await tile('绿码').innerText(), '4')
    const children = page.getByRole('region', { name: '下级区域' })
    t.match((await children.locator('tbody tr').nth(0).innerText()).replace(/\s+/g, ' '), /红花套镇 街道\/镇 1 1|陆城街道 街道\/镇 3 2/)
    await page.getByRole('img', { name: /各下级区域当前颜色人数.*陆城街道 绿码 3、黄码 0、红码 0/ }).locator('canvas').waitFor()
    await page.getByRole('img', { name: /排查轮次的进度.*第一轮入户排查 0 \/ 3/ }).locator('canvas').waitFor()
    await shot(page, 'dashboard')
    await children.getByRole('button', { name: '陆城街道' }).click()
    await page.getByRole('heading', { name: '陆城街道（街道/镇）' }).waitFor()
    t.equal(await tile('人口').innerText(), '3')
    await children.getByRole('button', { name: '清江社区' }).waitFor()
    await page.getByRole('navigation', { name: '当前位置' }).getByRole('button', { name: '全部辖区' }).click()
    await page.getByRole('heading', { name: '宜都市（市/县）' }).waitFor()
    t.notMatch(await page.locator('body').innerText(), RAW)
  })

  await t.test('the team card, the roster and the battle map with who is on duty', async (t) => {
    await page.getByRole('menuitem', { name: '团队与排班' }).click()
    const areas = page.getByRole('tree', { name: '社区/村' })
    await areas.getByText('宜都市').click()
    await areas.getByText('陆城街道').click()
    await areas.getByText('清江社区').click()
    await page.getByRole('heading', { name: '清江社区 1+1+N+K 防控队伍' }).waitFor()
    t.ok(await page.getByText('周医生 · 13912345678').isVisible(), 'the doctor')
    t.ok(await page.getByText('吴警官 · 0717-4812345').isVisible(), 'the police officer')
    t.match(await page.getByRole('region', { name: '网格员（N=1）' }).getByRole('row', { name: /gw-wang/ }).innerText(), /清江一网格/, 'the grid worker and their grid')
    const cps = page.getByRole('region', { name: '卡口（K=3）' })
    t.match(await cps.getByRole('row', { name: /清江社区东门/ }).innerText(), /vol-sun/, 'on duty at the gate')
    await shot(page, 'team')
    await page.getByRole('tab', { name: '排班表' }).click()
    await page.getByRole('region', { name: '排班表' }).getByText('vol-sun').waitFor()
    await page.getByRole('tab', { name: '作战图' }).click()
    const drawing = page.getByRole('img', { name: /作战图.*共 3 个卡口/ })
    await drawing.locator('canvas').waitFor()
    t.ok(await page.getByText('当前值班：vol-sun').isVisible(), 'who is on duty now')
    t.notMatch(await page.locator('body').innerText(), RAW)
    await shot(page, 'battle-map')
  })

  await t.test('the users screen shows a grid worker\'s grids and prints a place code', async (t) => {
    await page.getByRole('menuitem', { name: '用户与卡口' }).click()
    const table = page.getByRole('region', { name: '工作人员账号' })
    await table.getByRole('row', { name: /gw-wang/ }).getByText('网格：清江一网格').waitFor()
    t.match(await table.getByRole('row', { name: /vol-sun/ }).innerText(), /卡口：清江社区东门/)
    t.match(await table.getByRole('row', { name: /tracer-li/ }).innerText(), /全部辖区/)
    await table.getByRole('button', { name: '修改范围 tracer-li' }).click()
    const dialog = page.getByRole('dialog', { name: '修改 tracer-li 的管辖范围' })
    await dialog.getByRole('combobox', { name: '区域' }).click({ force: true })
    await page.getByRole('option', { name: '陆城街道' }).click()
    await dialog.getByText('流调人员：所选区域及其下级').click()
    await dialog.getByRole('button', { name: '保存' }).click()
    await table.getByRole('row', { name: /tracer-li/ }).getByText('区域：陆城街道').waitFor()
    await shot(page, 'users')
    await page.getByRole('region', { name: '卡口与场所码' }).getByRole('button', { name: '打印场所码：清江菜场' }).click()
    const code = page.getByRole('dialog', { name: '场所码：清江菜场' })
    await code.getByRole('img', { name: '场所码：清江菜场' }).waitFor()
    await shot(page, 'place-code')
    await code.getByRole('button', { name: '关闭', exact: true }).click()
    await page.getByRole('button', { name: 'English' }).click()
    await page.getByRole('heading', { name: 'Staff accounts' }).waitFor()
    t.match(await page.getByRole('region', { name: 'Staff accounts' }).getByRole('row', { name: /gw-wang/ }).innerText(), /Grids: 清江一网格/)
    await page.getByRole('button', { name: '中文' }).click()
  })

  t.same(outside, [], 'nothing loaded from outside the service')
  t.same(errors, [], 'no page errors')
})

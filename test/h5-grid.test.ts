// The grid worker's page (/h5/grid/) in real Chromium at 390×844, driven by labels, roles and text: staff login, the
// task list, a household's screening (a member back from a listed high-risk area → red, said in words), the task gone,
// a person without a phone registered (a draft that survives a reload and an offline submit), their paper code printed
// and read back by zbarimg and accepted at a checkpoint; every button at least 44 px high, every input labelled.
import { execFile } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { promisify } from 'node:util'
import t from 'tap'
import type { Browser, Page } from 'playwright-core'
import { bearerOf, DAY, dialects, idNumberFor, makeCtx, T0, type Dialect, type Test } from './helper.ts'
import { browserSkipReason, launch } from './support/browser.ts'
import { household, highRisk, member, openRound, STAFF_PASSWORD, staffIn, tree } from './support/screening.ts'

const run = promisify(execFile)
const SHOTS = 'test-artifacts/screenshots'
const DOCS = 'docs/img'
mkdirSync(SHOTS, { recursive: true })
mkdirSync(DOCS, { recursive: true })
const iso = (ms: number): string => new Date(ms).toISOString()
// Server ids and English server texts that must never reach the Chinese page as they are.
const RAW = /high_risk_travel|symptoms|GP_[A-Z]|body\.|must match|[a-z]+_[a-z]+/

/** Buttons under 44 px high and form controls without a label, among those on screen. */
async function a11yProblems (page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const bad: string[] = []
    for (const b of Array.from(document.querySelectorAll('button, [role="button"], input[type="submit"], a[href]'))) {
      const r = b.getBoundingClientRect()
      if (r.width === 0 && r.height === 0) continue
      if (r.height < 44) bad.push(`button "${(b.textContent ?? '').trim()}" is ${r.height}px high`)
    }
    for (const i of Array.from(document.querySelectorAll('input, select, textarea'))) {
      const el = i as HTMLInputElement
      if (el.type === 'hidden') continue
      const named = (el.labels !== null && el.labels.length > 0 && Array.from(el.labels).some((l) => (l.textContent ?? '').trim() !== '')) ||
        (el.getAttribute('aria-label') ?? '') !== '' || el.getAttribute('aria-labelledby') !== null
      if (!named) bad.push(`${el.tagName.toLowerCase()} ${el.name || el.type} has no label`)
    }
    return bad
  })
}

async function checkScreen (t: Test, page: Page, what: string): Promise<void> {
  t.same(await a11yProblems(page), [], `${what}: 44 px buttons, labelled inputs`)
}

const skip = browserSkipReason()
void t.test('grid worker page in Chromium', { skip: skip ?? false }, async (t) => {
  const browser: Browser = await launch()
  t.teardown(async () => { await browser.close() })

  for (const dialect of dialects()) {
    await t.test(`tasks, a screening that turns a returnee red, registering, a draft, a paper code that scans [${dialect}]`, async (t) => {
      await scenario(t, browser, dialect)
    })
  }
})

async function scenario (t: Test, browser: Browser, dialect: Dialect): Promise<void> {
  const ctx = await makeCtx(t, dialect)
  await ctx.app.listen({ port: 0, host: '127.0.0.1' })
  const address = ctx.app.server.address()
  const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`

  // The world: a tree, a worker of grid g1, two households there, a round over the community, 武汉市 listed.
  await tree(ctx)
  const username = `wang-${dialect}`
  await staffIn(ctx, 'gridworker', { gridIds: ['g1'] }, username)
  const officer = await staffIn(ctx, 'officer')
  t.equal((await highRisk(ctx, officer, [{ code: '420100', name: '武汉市', from: iso(T0 - 30 * DAY) }])).statusCode, 200)
  const home = await household(ctx, 'g1', '桂花园小区 3 栋 2 单元 501')
  const other = await household(ctx, 'g1', '桂花园小区 5 栋 1 单元 102')
  await member(ctx, home, 'g1', '张大山')
  await member(ctx, home, 'g1', '李秀英')
  await member(ctx, other, 'g1', '赵小明')
  await openRound(ctx, officer, 'k1', '三月第一轮入户排查')
  const checkpoint = await ctx.checkpoint()
  const volunteer = await ctx.staff('volunteer', { checkpointIds: [checkpoint] })

  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, locale: 'zh-CN' })
  t.teardown(async () => { await context.close() })
  const page = await context.newPage()
  const outside: string[] = []
  const errors: string[] = []
  context.on('request', (req) => { if (!req.url().startsWith(base)) outside.push(req.url()) })
  page.on('pageerror', (err) => { errors.push(String(err)) })
  const docs = dialect === 'sqlite'
  const shot = async (name: string): Promise<void> => {
    await page.screenshot({ path: `${SHOTS}/grid-${name}-${dialect}.png`, fullPage: true })
    if (docs) await page.screenshot({ path: `${DOCS}/grid-${name}.png` })
  }

  // Login: a wrong password in words, then in.
  await page.goto(`${base}/h5/grid/`)
  await page.getByRole('heading', { name: '网格员登录' }).waitFor()
  await checkScreen(t, page, 'login')
  await page.getByLabel('用户名').fill(username)
  await page.getByLabel('密码').fill('wrong-password')
  await page.getByRole('button', { name: '登录' }).click()
  t.match(await page.getByRole('alert').innerText(), '用户名或密码不正确')
  await page.getByLabel('密码').fill(STAFF_PASSWORD)
  await page.getByRole('button', { name: '登录' }).click()

  // 我的任务: the round, its progress, both households.
  await page.getByRole('heading', { name: '我的任务' }).waitFor()
  await page.getByText('三月第一轮入户排查').waitFor()
  t.match(await page.getByTestId('progress').innerText(), /剩余 2 户 \/ 共 2 户/)
  t.equal(await page.getByTestId('task').count(), 2)
  await page.getByTestId('task').filter({ hasText: /2 人：(张大山、李秀英|李秀英、张大山)/ }).waitFor()
  await page.getByTestId('task').filter({ hasText: '1 人：赵小明' }).waitFor()
  await checkScreen(t, page, 'tasks')
  await shot('tasks')

  // A household: its members with their colours now.
  await page.getByRole('button', { name: /桂花园小区 3 栋 2 单元 501/ }).first().click()
  await page.getByRole('heading', { name: '桂花园小区 3 栋 2 单元 501' }).waitFor()
  t.equal(await page.getByTestId('member').count(), 2)
  t.match(await page.getByTestId('member').first().innerText(), /绿码/)
  await checkScreen(t, page, 'household')

  // The screening: 张大山 came back from 武汉市 six days ago by car, with a cough; 李秀英 is well.
  await page.getByRole('button', { name: /入户排查（三月第一轮入户排查）/ }).click()
  await page.getByRole('heading', { name: '入户排查' }).waitFor()
  const zhang = page.locator('fieldset.gp-member', { hasText: '张大山' })
  await zhang.getByLabel('体温（°C，可不填）').fill('36.8')
  await zhang.getByLabel('咳嗽').check()
  await zhang.getByLabel('14 天内从何处返回').selectOption({ label: '武汉市' })
  await zhang.getByLabel('返回日期').fill(iso(T0 - 6 * DAY).slice(0, 10))
  await zhang.getByLabel('返回时乘坐车辆的车牌号（可不填）').fill('鄂e12345')
  await page.locator('fieldset.gp-member', { hasText: '李秀英' }).getByLabel('体温（°C，可不填）').fill('36.5')
  await page.getByLabel('备注（可不填）').fill('张大山 已居家')
  await page.getByTestId('draft').filter({ hasText: '草稿已保存在本机' }).waitFor()
  await checkScreen(t, page, 'screening form')
  await shot('screening')
  await page.getByRole('button', { name: '提交排查结果' }).click()
  await page.getByRole('heading', { name: '排查结果' }).waitFor()
  const results = page.getByTestId('result')
  t.equal(await results.count(), 2)
  const zhangResult = await results.filter({ hasText: '张大山' }).innerText()
  t.match(zhangResult, /红码/, 'the returnee is red, in words')
  t.match(zhangResult, /武汉市/, 'and why: where they came back from')
  t.match(zhangResult, /14 天内为红码/)
  t.match(await results.filter({ hasText: '李秀英' }).innerText(), /绿码/)
  const resultText = await page.locator('main').innerText()
  t.notMatch(resultText, RAW, 'no rule ids or server codes on screen')
  await checkScreen(t, page, 'result')
  await shot('result')

  // Back to the tasks: the household is gone, one left.
  await page.getByRole('button', { name: '返回我的任务' }).click()
  await page.getByRole('heading', { name: '我的任务' }).waitFor()
  await page.getByText(/剩余 1 户 \/ 共 2 户/).waitFor()
  t.equal(await page.getByTestId('task').count(), 1)
  t.notOk(await page.getByText('桂花园小区 3 栋 2 单元 501').isVisible(), 'the screened household left the list')

  // Registering a person without a phone into the other household: a draft survives a reload and an offline submit.
  await page.getByRole('button', { name: /桂花园小区 5 栋 1 单元 102/ }).first().click()
  await page.getByRole('button', { name: '登记无手机人员' }).click()
  await page.getByRole('heading', { name: '登记无手机人员' }).waitFor()
  const idNumber = idNumberFor(dialect === 'pg' ? 424_242 : 434_343)
  await page.getByLabel('姓名').fill('赵奶奶')
  await page.getByLabel('身份证号').fill(idNumber)
  await page.getByTestId('draft').filter({ hasText: '草稿已保存在本机' }).waitFor()
  await checkScreen(t, page, 'register form')
  await page.reload()
  await page.getByRole('heading', { name: '登记无手机人员' }).waitFor()
  await page.getByTestId('draft').filter({ hasText: '已恢复上次未提交的草稿' }).waitFor()
  t.equal(await page.getByLabel('姓名').inputValue(), '赵奶奶', 'the name came back after a reload')
  t.equal(await page.getByLabel('身份证号').inputValue(), idNumber, 'and the ID number')
  await context.setOffline(true)
  await page.getByRole('button', { name: '登记', exact: true }).click()
  t.match(await page.getByRole('alert').innerText(), /当前离线，未能提交：内容已保存为草稿/)
  await page.getByText('离线：无法连接服务器').waitFor()
  await context.setOffline(false)
  await page.reload()
  await page.getByTestId('draft').filter({ hasText: '已恢复上次未提交的草稿' }).waitFor()
  t.equal(await page.getByLabel('姓名').inputValue(), '赵奶奶', 'the draft is still there after the offline submit')
  await page.getByRole('button', { name: '登记', exact: true }).click()
  // Registered, or the page's own error: a refusal fails here with the words the worker saw, not after a timeout.
  await page.getByText('已登记：赵奶奶').or(page.getByRole('alert')).first().waitFor()
  t.same(await page.getByRole('alert').allInnerTexts(), [], 'registered once back online: no error on screen')
  await page.getByText('已登记：赵奶奶').waitFor()

  // Their paper code: a printable card whose QR zbarimg reads, and a checkpoint lets them through.
  await page.evaluate(() => { (window as unknown as { printed: number }).printed = 0; window.print = () => { (window as unknown as { printed: number }).printed++ } })
  await page.getByRole('button', { name: '打印纸质码' }).click()
  const card = page.getByRole('img', { name: '纸质健康码卡片' })
  await card.waitFor()
  await page.waitForFunction(() => { const img = document.querySelector('img[data-testid="paper-card"]') as HTMLImageElement | null; return img !== null && img.complete && img.naturalWidth > 0 })
  await checkScreen(t, page, 'paper code')
  await shot('paper')
  const png = `${SHOTS}/grid-card-${dialect}.png`
  await card.screenshot({ path: png })
  // QR codes only, as a checkpoint's scanner reads them: with every symbology on, zbar now and then also reports a
  // one-dimensional barcode it imagines in the card's text or modules, a second line beside the token (about one card in 750).
  const { stdout } = await run('zbarimg', ['-q', '--raw', '-Sdisable', '-Sqrcode.enable', png])
  const token = stdout.trim()
  t.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/, `zbarimg reads a token off the printed card (${png}): ${JSON.stringify(stdout.slice(0, 80))}`)
  await page.getByRole('button', { name: '打印' }).click()
  t.equal(await page.evaluate(() => (window as unknown as { printed: number }).printed), 1, 'the print button prints')
  const scan = await ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(volunteer), payload: { id: crypto.randomUUID(), checkpointId: checkpoint, token, direction: 'in' } })
  t.equal(scan.statusCode, 200, scan.body)
  t.equal(scan.json().decision, 'allow', 'a green person\'s paper code lets them through')
  t.equal(scan.json().color, 'green')

  // The registered person is a member of the household now, and the worker may declare for them.
  await page.getByRole('button', { name: '返回' }).click()
  await page.getByTestId('member').filter({ hasText: '赵奶奶' }).waitFor()
  await page.getByRole('button', { name: '代为申报：赵奶奶' }).click()
  await page.getByLabel('体温（°C）').fill('38.1')
  await page.getByRole('button', { name: '提交申报' }).click()
  await page.getByText(/已提交，当前为：黄码/).waitFor()
  t.notMatch(await page.locator('main').innerText(), RAW)
  await checkScreen(t, page, 'declaration')

  // The English switch: the same screen in English.
  await page.getByRole('button', { name: 'English' }).click()
  await page.getByRole('heading', { name: 'Declare health for someone' }).waitFor()
  t.notMatch((await page.locator('main').innerText()).replace(/赵奶奶/g, ''), /[\u4e00-\u9fff]/, 'no Chinese words left but the name')

  t.same(outside, [], 'nothing is fetched from outside the service')
  t.same(errors, [], 'no script errors')
}

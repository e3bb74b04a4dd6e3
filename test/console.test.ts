// The staff console (/console/) in real Chromium, by what a person sees: a tracer finds a seeded person with the
// purpose asked first, sees the trail and the contacts by tier, pages through companions; an officer opens a case,
// marks two close contacts and confirms an exposure site, and changes a colour to red, none of which acts until a
// second officer confirms; the marked people's status is then red and yellow with the reasons; an officer answers an
// overdue appeal; an admin reads the audit log filtered and the chain check. Screenshots of every screen at 1440×900.
import { mkdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import t from 'tap'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { ADMIN_PASSWORD, bearerOf, dialects, makeCtx, type Ctx, type Test } from './helper.ts'
import { browserSkipReason, launch } from './support/browser.ts'
import { COMPANIONS, consoleLogin, resident, seedCounty, staffUser, type ConsoleWorld } from './support/console-world.ts'

const SHOTS = resolve(import.meta.dirname, '../test-artifacts/console')
mkdirSync(SHOTS, { recursive: true })
const H5 = resolve(import.meta.dirname, '../dist/h5')
// What must never reach the screen as it is: error codes, rule ids, validation text, audit action ids.
const RAW = /GP_[A-Z]|close_contact|secondary_contact|site_exposure|case_confirmed|querystring|query\.|body\.|must (NOT )?(have|match|be)|trail\.read|contacts\.read|identity\.lookup|\bundefined\b|\bnull\b/
const PURPOSE = '宜都-2026-017 号病例流调'

interface Opened { context: BrowserContext, page: Page, outside: string[], errors: string[] }

async function open (t: Test, browser: Browser, base: string): Promise<Opened> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', acceptDownloads: true })
  t.teardown(async () => { await context.close() })
  const page = await context.newPage()
  const outside: string[] = []
  const errors: string[] = []
  context.on('request', (req) => { if (!req.url().startsWith(base) && !req.url().startsWith('blob:') && !req.url().startsWith('data:')) outside.push(req.url()) })
  page.on('pageerror', (err) => { errors.push(String(err)) })
  return { context, page, outside, errors }
}

const shot = async (page: Page, name: string): Promise<void> => {
  await page.waitForTimeout(300)
  await page.screenshot({ path: `${SHOTS}/console-${name}.png` })
}

async function noRawText (t: Test, page: Page, where: string): Promise<void> {
  const text = await page.locator('body').innerText()
  t.notMatch(text, RAW, `${where}: no codes, rule ids or validation text on screen`)
}

async function statusOf (ctx: Ctx, token: string): Promise<{ color: string, reasons: Array<{ rule: string, text: string, textZh?: string }>, appeals?: Array<{ outcome: string | null }> }> {
  const res = await ctx.inject({ method: 'GET', url: '/v1/me/status', headers: bearerOf(token) })
  if (res.statusCode !== 200) throw new Error(res.body)
  return res.json()
}

async function startTracing (page: Page, idNumber: string): Promise<void> {
  await page.getByRole('menuitem', { name: '流调' }).click()
  await page.getByLabel('查询目的').fill(PURPOSE)
  await page.getByRole('button', { name: '开始' }).click()
  await page.getByLabel('身份证号').fill(idNumber)
  await page.getByRole('button', { name: '查找' }).click()
  await page.getByText('被查询人：张伟').waitFor()
}

const skip = browserSkipReason()
for (const dialect of dialects()) void t.test(`the staff console in Chromium [${dialect}]`, { skip: skip ?? false }, async (t) => {
  const browser = await launch()
  t.teardown(async () => { await browser.close() })
  const ctx = await makeCtx(t, dialect)
  // The browser keeps the real clock (appeals' time left): the service's clock starts at the real now, held still.
  ctx.clock.set(Date.now())
  await ctx.app.listen({ port: 0, host: '127.0.0.1' })
  const address = ctx.app.server.address()
  const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`

  const w: ConsoleWorld = await seedCounty(ctx)
  const tracer = await staffUser(ctx, 'tracer', 'tracer-li')
  const officer1 = await staffUser(ctx, 'officer', 'officer-wang')
  const officer2 = await staffUser(ctx, 'officer', 'officer-zhao')
  const red = await resident(ctx, '周强')
  // An appeal sent 50 hours ago (overdue) and one sent now.
  const now = ctx.clock.now()
  ctx.clock.set(now - 50 * 3_600_000)
  const late = await resident(ctx, '吴敏')
  const lateAppeal = await ctx.inject({ method: 'POST', url: '/v1/me/appeals', headers: bearerOf(late.token), payload: { message: '我没有去过那个市场，请核实' } })
  t.equal(lateAppeal.statusCode, 201, lateAppeal.body)
  ctx.clock.set(now)
  const fresh = await resident(ctx, '郑洁')
  t.equal((await ctx.inject({ method: 'POST', url: '/v1/me/appeals', headers: bearerOf(fresh.token), payload: { message: '体温已恢复正常' } })).statusCode, 201)
  // Every account exists before any change is asked for (an account created after a change may not confirm it).
  ctx.clock.advance(60_000)

  await t.test('served at /console/, its bundle apart from the phone pages', async (t) => {
    const bare = await fetch(`${base}/console`, { redirect: 'manual' })
    t.equal(bare.status, 301)
    t.equal(bare.headers.get('location'), '/console/')
    const old = await fetch(`${base}/h5/console/`, { redirect: 'manual' })
    t.equal(old.headers.get('location'), '/console/', 'the page under /h5/ too')
    const page = await fetch(`${base}/console/`)
    t.equal(page.status, 200)
    t.match(page.headers.get('content-type'), /text\/html/)
    t.match(await page.text(), /<div id="app"><\/div>/)
    // The scanner page (a volunteer's phone) loads no Element Plus and no ECharts, and its worker caches none.
    const scannerHtml = await readFile(resolve(H5, 'scanner/index.html'), 'utf8')
    const scripts = [...scannerHtml.matchAll(/(?:src|href)="\/h5\/(assets\/[^"]+\.js)"/g)].map((m) => m[1] as string)
    t.ok(scripts.length > 0)
    for (const s of scripts) {
      const js = await readFile(resolve(H5, s), 'utf8')
      t.notMatch(js, /ElementPlus|el-table|echarts|zrender/i, `${s}: no console code`)
    }
    const sw = await readFile(resolve(H5, 'sw.js'), 'utf8')
    t.notMatch(sw, /console/, 'the phones\' offline cache holds nothing of the console')
  })

  await t.test('a tracer: purpose first, a person by ID number, the trail, contacts by tier, pages of companions, the exports', async (t) => {
    const { page, outside, errors } = await open(t, browser, base)
    await page.goto(`${base}/console/`)
    await page.getByRole('heading', { name: '防疫工作台 · 工作人员登录' }).waitFor()
    await shot(page, 'login')
    await page.getByLabel('用户名').fill(tracer.username)
    await page.getByLabel('密码').fill('wrong-password-123')
    await page.getByRole('button', { name: '登录' }).click()
    await page.getByRole('alert').filter({ hasText: '用户名或密码不正确' }).waitFor()
    await consoleLogin(page, base, tracer)
    t.same(await page.getByRole('menuitem').allInnerTexts(), ['流调', '数据看板', '网格与人员', '团队与排班'], 'a tracer\'s menu: no colour changes, audit or users')
    await page.getByRole('menuitem', { name: '流调' }).waitFor()

    // The purpose is asked first; too short is said in words.
    await page.getByLabel('查询目的').fill('查')
    await page.getByRole('button', { name: '开始' }).click()
    await page.getByText('查询目的至少 3 个字').waitFor()
    await shot(page, 'purpose')
    await page.getByLabel('查询目的').fill(PURPOSE)
    await page.getByRole('button', { name: '开始' }).click()
    await page.getByText(`查询目的：${PURPOSE}`).waitFor()
    await page.getByLabel('身份证号').fill('420581199001011234')
    await page.getByRole('button', { name: '查找' }).click()
    await page.getByText(/没有找到此身份证号的人员|身份证号码不正确/).waitFor()
    await page.getByLabel('身份证号').fill(w.index.idNumber)
    await page.getByRole('button', { name: '查找' }).click()
    await page.getByText('被查询人：张伟').waitFor()
    t.ok(await page.getByText(`查询目的：${PURPOSE}`).isVisible(), 'the purpose stays on screen')

    // The trail: a timeline and the drawing.
    const timeline = page.getByRole('region', { name: '行程时间线' })
    await timeline.getByText('清江农贸市场').first().waitFor()
    for (const name of ['陆城高速卡口', '园林社区东门']) t.ok(await timeline.getByText(name).first().isVisible(), name)
    t.ok(await timeline.getByText('车牌 鄂E12345').isVisible(), 'the plate')
    t.ok(await page.getByRole('img', { name: /行程路线图.*3 个卡口/ }).locator('canvas').isVisible(), 'the route drawn on three checkpoints')
    await noRawText(t, page, 'trail')
    await shot(page, 'trail')

    // Contacts by tier with totals.
    await page.getByRole('tab', { name: '接触者', exact: true }).click()
    await page.getByRole('tab', { name: '密接（3）' }).waitFor()
    await page.getByRole('tab', { name: '涉疫场所暴露（2）' }).waitFor()
    await page.getByRole('tab', { name: `时空伴随（${COMPANIONS}）` }).waitFor()
    const closeTable = page.getByRole('region', { name: '密接接触者列表' })
    await closeTable.getByText('李娜').first().waitFor()
    for (const n of ['王芳', '刘洋', '陈静']) t.ok(await closeTable.getByText(n).first().isVisible(), `close tab lists ${n}`)
    t.ok(await closeTable.getByText('次密接').isVisible(), 'the depth-2 contact is 次密接')
    t.ok(await page.getByText('开立病例和标记接触者需由卫生健康人员或管理员操作。').first().isVisible(), 'a tracer may not mark')
    // One contact's encounters: where, both times, the gap, one vehicle.
    await closeTable.getByRole('button', { name: '李娜 的接触记录' }).click()
    const encounters = page.getByRole('dialog', { name: '李娜 的接触记录' })
    await encounters.getByText('陆城高速卡口').waitFor()
    t.ok(await encounters.getByText('同车').waitFor().then(() => true), 'the same car')
    await shot(page, 'encounters')
    await encounters.getByRole('button', { name: /关闭|Close/ }).click()
    await encounters.waitFor({ state: 'hidden' })
    await noRawText(t, page, 'contacts')
    await shot(page, 'contacts')
    await page.getByRole('tab', { name: '涉疫场所暴露（2）' }).click()
    const exposureTable = page.getByRole('region', { name: '涉疫场所暴露接触者列表' })
    await exposureTable.getByText('杨敏').waitFor()
    t.ok(await exposureTable.getByText('赵磊').isVisible())

    // Companions: 25, twenty to a page, the second page through nextCursor.
    await page.getByRole('tab', { name: `时空伴随（${COMPANIONS}）` }).click()
    const companions = page.getByRole('region', { name: '时空伴随接触者列表' })
    await companions.getByText('孙一').waitFor()
    const pager = page.getByRole('navigation', { name: '第 1 页' }).last()
    const firstPage = await companions.locator('tbody tr').count()
    t.equal(firstPage, 20, 'a page of twenty')
    await shot(page, 'companions')
    await pager.getByRole('button', { name: '下一页' }).click()
    await page.getByRole('navigation', { name: '第 2 页' }).last().waitFor()
    await page.waitForFunction(() => document.querySelectorAll('table[aria-label="时空伴随接触者列表"] tbody tr, [aria-label="时空伴随接触者列表"] tbody tr').length <= 6)
    t.equal(await companions.locator('tbody tr').count(), COMPANIONS - 20, 'the rest on the second page')
    t.ok(await page.getByRole('navigation', { name: '第 2 页' }).last().getByRole('button', { name: '下一页' }).isDisabled(), 'the last page')

    // The graph.
    await page.getByRole('tab', { name: '关系图', exact: true }).click()
    await page.getByRole('img', { name: /接触关系图/ }).locator('canvas').waitFor()
    await shot(page, 'graph')

    // Exposure sites with headcounts.
    await page.getByRole('tab', { name: '涉疫场所', exact: true }).click()
    const sites = page.getByRole('region', { name: '涉疫场所（按时间）' })
    await sites.getByText('清江农贸市场').waitFor()
    t.ok(await sites.getByText('密接 0 · 暴露 2 · 伴随 0').isVisible(), 'the market: two exposure contacts')
    t.ok(await sites.getByText('密接 3 · 暴露 0 · 伴随 0').isVisible(), 'the highway gate: the car')
    await shot(page, 'sites')

    // The exports, with the token and the purpose.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '行程（CSV）' }).click()])
    t.match(download.suggestedFilename(), /\.csv$/)
    await page.getByText(/已下载 .*\.csv/).waitFor()
    const [geo] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '行程（GeoJSON）' }).click()])
    t.match(geo.suggestedFilename(), /geojson/)
    const [contacts] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '接触者（CSV）' }).click()])
    t.match(contacts.suggestedFilename(), /\.csv$/)

    // In English: the same screen, every word switched, nothing raw.
    await page.getByRole('button', { name: 'English' }).click()
    await page.getByRole('tab', { name: 'Contacts', exact: true }).click()
    await page.getByRole('tab', { name: 'Close contact (3)' }).click()
    await page.getByRole('region', { name: 'Close contact contacts' }).getByText('Secondary contact').waitFor()
    t.ok(await page.getByText(`Purpose: ${PURPOSE}`).isVisible())
    t.ok(await page.getByText(/^Downloaded contacts.*\.csv$/).isVisible(), 'what was said before the switch is said again in English')
    t.ok(await page.getByRole('tab', { name: `Companion (${COMPANIONS})` }).isVisible())
    await noRawText(t, page, 'contacts in English')
    await shot(page, 'contacts-en')
    await page.getByRole('button', { name: '中文' }).click()
    await page.getByRole('tab', { name: '密接（3）' }).waitFor()

    // A shorter period: the same question, asked again for the last 3 days (the car was a day ago).
    await page.getByRole('combobox', { name: '时间范围' }).click({ force: true })
    const asked = page.waitForRequest((r) => /\/contacts\?.*from=.*to=/.test(r.url()))
    await page.getByRole('option', { name: '最近 3 天' }).click()
    await page.getByRole('tab', { name: '接触者', exact: true }).click()
    const from = new URL((await asked).url()).searchParams.get('from') as string
    t.ok(Math.abs(Date.now() - 3 * 86_400_000 - Date.parse(from)) < 600_000, 'the period goes with the question')
    await page.getByRole('tab', { name: '密接（3）' }).waitFor()

    // Every read went with the purpose, into the audit log.
    const audit = await ctx.inject({ method: 'GET', url: `/v1/audit?actor=${tracer.username}&target=${w.index.personId}&limit=1000`, headers: bearerOf(await ctx.admin()) })
    const entries = audit.json().entries as Array<{ action: string, purpose: string | null }>
    t.ok(entries.length >= 5)
    t.ok(entries.every((e) => e.purpose === PURPOSE), 'every tracing call carried the purpose')
    t.same(outside, [], 'nothing fetched from outside the service')
    t.same(errors, [])
  })

  await t.test('officers: a case, its marks and a site, and a red change, each confirmed by a second officer', async (t) => {
    const one = await open(t, browser, base)
    const two = await open(t, browser, base)
    await consoleLogin(one.page, base, officer1)
    t.same(await one.page.getByRole('menuitem').allInnerTexts(), ['流调', '人工改码与申诉', '数据看板', '网格与人员', '团队与排班'])
    await startTracing(one.page, w.index.idNumber)
    await one.page.getByRole('tab', { name: '病例', exact: true }).click()
    await one.page.getByText('此人目前没有已生效的病例。').waitFor()
    await one.page.getByLabel('立案说明').fill('核酸阳性，报告编号 YD-0417')
    await one.page.getByRole('button', { name: '提交立案' }).click()
    await one.page.getByRole('status').filter({ hasText: '已提交，等待第二位复核人确认' }).waitFor()
    await shot(one.page, 'case-pending')

    // A red change by the first officer.
    await one.page.getByRole('menuitem', { name: '人工改码与申诉' }).click()
    await one.page.getByLabel('改码理由').fill('密接核查，转红码管控')
    await one.page.getByLabel('身份证号').fill(red.idNumber)
    await one.page.getByRole('button', { name: '查找' }).click()
    await one.page.getByText('周强，当前 绿码').waitFor()
    await one.page.getByRole('radio', { name: '红码' }).check({ force: true })
    await one.page.getByRole('button', { name: '提交改码' }).click()
    await one.page.getByRole('status').filter({ hasText: '已提交，等待第二位复核人确认' }).waitFor()
    await one.page.getByRole('button', { name: '刷新', exact: true }).click()
    const changesOne = one.page.getByRole('region', { name: '待复核的变更' })
    await changesOne.getByText('人工改码').waitFor({ timeout: 5000 }).catch(async (e: unknown) => { console.error(await one.page.locator('body').innerText()); throw e })
    t.equal(await changesOne.getByText('您提出的，需他人确认').count(), 2, 'the author sees both as needing someone else')
    t.equal(await changesOne.getByRole('button', { name: /^确认/ }).count(), 0, 'and no confirm button')
    await shot(one.page, 'officer')
    // The server refuses the author anyway.
    const pending = (await ctx.inject({ method: 'GET', url: '/v1/changes?status=pending', headers: bearerOf((await ctx.inject({ method: 'POST', url: '/v1/auth/login', payload: officer1 })).json().accessToken) })).json().changes as Array<{ changeId: string }>
    const self = await ctx.inject({ method: 'POST', url: `/v1/changes/${pending[0]!.changeId}/confirm`, headers: bearerOf((await ctx.inject({ method: 'POST', url: '/v1/auth/login', payload: officer1 })).json().accessToken) })
    t.equal(self.statusCode, 403, 'the first officer cannot confirm alone')

    // An account created after the changes were asked for may not confirm them: the server's 403, in words.
    const newcomer = await open(t, browser, base)
    await consoleLogin(newcomer.page, base, await staffUser(ctx, 'officer', 'officer-new'))
    await newcomer.page.getByRole('menuitem', { name: '人工改码与申诉' }).click()
    await newcomer.page.getByRole('region', { name: '待复核的变更' }).getByRole('button', { name: /^确认 开立病例/ }).click()
    await newcomer.page.getByRole('alert').filter({ hasText: '您不能确认这项变更：提出人本人、由提出人创建的账号、以及在变更提出之后创建的账号都不能确认。' }).waitFor()
    await noRawText(t, newcomer.page, 'a refused confirmation')

    // The second officer confirms both.
    await consoleLogin(two.page, base, officer2)
    await two.page.getByRole('menuitem', { name: '人工改码与申诉' }).click()
    const changesTwo = two.page.getByRole('region', { name: '待复核的变更' })
    for (const name of [/^确认 开立病例/, /^确认 人工改码 改为 红码/]) {
      await changesTwo.getByRole('button', { name }).click()
      await changesTwo.getByRole('button', { name }).waitFor({ state: 'detached' })
      await two.page.getByText('已确认并生效').waitFor()
    }
    t.equal((await statusOf(ctx, red.token)).color, 'red', 'the red change applies once confirmed')

    // The first officer, with the case in force: marks two close contacts and confirms the market as a site.
    await one.page.getByRole('menuitem', { name: '流调' }).click()
    await one.page.getByRole('tab', { name: '病例', exact: true }).click()
    await one.page.getByRole('button', { name: '刷新病例' }).click()
    await one.page.getByText(/病例 .+：.+ 立案/).waitFor()
    await one.page.getByRole('tab', { name: '接触者', exact: true }).click()
    // Element Plus hides the input itself: the person clicks its box, the label around it.
    for (const name of ['选择 李娜', '选择 王芳']) await one.page.getByRole('checkbox', { name }).locator('xpath=ancestor::label[1]').click()
    await one.page.getByText('已选 2 人').waitFor()
    await one.page.getByRole('button', { name: '标记所选人员' }).click()
    await one.page.getByRole('status').filter({ hasText: '已提交，等待第二位复核人确认' }).first().waitFor()
    await shot(one.page, 'mark-pending')
    await one.page.getByRole('tab', { name: '涉疫场所', exact: true }).click()
    const siteRow = one.page.getByRole('region', { name: '涉疫场所（按时间）' }).getByRole('row').filter({ hasText: '清江农贸市场' })
    await siteRow.getByRole('button', { name: '确认为涉疫场所' }).click()
    await one.page.getByRole('status').filter({ hasText: '已提交，等待第二位复核人确认' }).last().waitFor()

    await two.page.getByRole('button', { name: '刷新', exact: true }).click()
    for (const name of [/^确认 标记接触者/, /^确认 确认涉疫场所/]) {
      await changesTwo.getByRole('button', { name }).click()
      await changesTwo.getByRole('button', { name }).waitFor({ state: 'detached' })
      await two.page.getByText('已确认并生效').waitFor()
    }
    await shot(two.page, 'officer-confirmed')

    // What the marked people see.
    for (const c of w.close.slice(0, 2)) {
      const s = await statusOf(ctx, c.token)
      t.equal(s.color, 'red', `${c.name}: red`)
      t.ok(s.reasons.some((r) => r.rule === 'close_contact'), `${c.name}: as a close contact`)
    }
    for (const e of w.exposure) {
      const s = await statusOf(ctx, e.token)
      t.equal(s.color, 'yellow', `${e.name}: yellow`)
      t.ok(s.reasons.some((r) => r.rule === 'site_exposure' && /清江农贸市场/.test(r.textZh ?? r.text)), `${e.name}: at the market, said with the place`)
    }
    await one.page.getByRole('tab', { name: '病例', exact: true }).click()
    await one.page.getByRole('button', { name: '刷新病例' }).click()
    await one.page.getByRole('region', { name: '已确认的涉疫场所' }).getByText('清江农贸市场').waitFor()
    t.equal(await one.page.getByRole('region', { name: '已标记的接触者' }).getByText('密接（一度）').count(), 2)
    await noRawText(t, one.page, 'case')
    await shot(one.page, 'case')
    t.same([...one.outside, ...two.outside], [])
    t.same([...one.errors, ...two.errors], [])
  })

  await t.test('an officer answers the overdue appeal first', async (t) => {
    const { page, outside, errors } = await open(t, browser, base)
    await consoleLogin(page, base, officer2)
    await page.getByRole('menuitem', { name: '人工改码与申诉' }).click()
    await page.getByRole('alert').filter({ hasText: '有 1 件申诉已超过 48 小时未答复' }).waitFor()
    const table = page.getByRole('region', { name: '待处理申诉（最早到期在前）' })
    const rows = table.locator('tbody tr')
    t.match(await rows.nth(0).innerText(), /我没有去过那个市场[\s\S]*已超时 2 小时/, 'the overdue one first, with its alarm')
    t.match(await rows.nth(1).innerText(), /体温已恢复正常[\s\S]*(47|48) 小时/, 'then the fresh one with its time left')
    await shot(page, 'appeals')
    await rows.nth(0).getByRole('button', { name: '答复' }).click()
    const dialog = page.getByRole('dialog', { name: '答复申诉' })
    await dialog.getByRole('radio', { name: '维持原颜色' }).check({ force: true })
    await dialog.getByLabel('答复内容').fill('经核实，您当日 10 时在该市场扫码，维持原颜色。')
    await dialog.getByRole('button', { name: '提交答复' }).click()
    await page.getByText('已答复').waitFor()
    await page.waitForFunction(() => !document.body.innerText.includes('我没有去过那个市场'))
    const s = await statusOf(ctx, late.token)
    t.equal(s.appeals?.[0]?.outcome, 'upheld', 'the resident sees the answer')
    await noRawText(t, page, 'appeals')
    t.same(outside, [])
    t.same(errors, [])
  })

  await t.test('an admin: the audit log filtered, the chain checked, in both languages', async (t) => {
    const { page, outside, errors } = await open(t, browser, base)
    await consoleLogin(page, base, { username: 'admin', password: ADMIN_PASSWORD })
    t.same(await page.getByRole('menuitem').allInnerTexts(), ['流调', '人工改码与申诉', '数据看板', '网格与人员', '团队与排班', '审计', '用户与卡口'])
    await page.getByRole('menuitem', { name: '审计' }).click()
    await page.getByText(/审计链完整：已校验 \d+ 条记录/).waitFor()
    await page.getByLabel('操作人').fill(tracer.username)
    await page.getByRole('button', { name: '筛选', exact: true }).click()
    const table = page.getByRole('region', { name: '审计日志' })
    // The filtered page replaces the unfiltered one, which has tracing entries of its own: wait until every row shown
    // is the tracer's before reading the table (on a busy machine the first rows seen were still the unfiltered ones).
    const actorCells = table.locator('tbody tr td:nth-child(3)')
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; await page.waitForTimeout(100)) {
      const shown = await actorCells.allInnerTexts()
      if (shown.length > 0 && shown.every((a) => a === tracer.username)) break
    }
    await table.getByText('查看行程').first().waitFor()
    t.ok(await table.getByText(PURPOSE).first().isVisible(), 'with the purpose')
    t.ok(await table.getByText('按身份证号查询').first().isVisible())
    for (const words of ['查看接触者', '查看涉疫场所', '导出行程', '导出接触者']) t.ok(await table.getByText(words).first().isVisible(), words)
    t.equal(await table.getByText('其他操作').count(), 0, 'every tracing action in words')
    const actors = await table.locator('tbody tr td:nth-child(3)').allInnerTexts()
    t.ok(actors.length > 0 && actors.every((a) => a === tracer.username), 'only the tracer\'s entries')
    await page.getByLabel('对象（人员编号等）').fill(w.index.personId)
    await page.getByRole('button', { name: '筛选', exact: true }).click()
    await page.waitForTimeout(300)
    await noRawText(t, page, 'audit')
    await shot(page, 'audit')
    await page.getByRole('button', { name: 'English' }).click()
    await page.getByRole('heading', { name: 'Audit log' }).waitFor()
    await page.getByText(/The audit chain is intact: \d+ entries checked/).waitFor()
    t.ok(await page.getByRole('menuitem', { name: 'Colour changes and appeals' }).isVisible())
    await shot(page, 'audit-en')
    await page.getByRole('button', { name: '中文' }).click()
    await page.getByRole('heading', { name: '审计日志' }).waitFor()
    t.same(outside, [])
    t.same(errors, [])
  })
})

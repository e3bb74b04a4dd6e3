// The resident's page (/h5/resident/) in real Chromium at 390×844, for someone present at a case's exposure site: the
// code turns yellow and "why" names the place and the window in the page's language and clock; the access log names
// each tracer read and each step of the case in words with its purpose (流调人员 查看了您的行程记录（目的：案例 C-12）),
// never an action code or the service's English purpose.
import { randomUUID } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import t from 'tap'
import type { Browser } from 'playwright-core'
import { bearerOf, makeCtx, T0, type Ctx, type Test } from './helper.ts'
import { browserSkipReason, launch, phoneLogin } from './support/browser.ts'

const SHOTS = 'test-artifacts/screenshots'
mkdirSync(SHOTS, { recursive: true })
const H = 3_600_000
const MIN = 60_000
const iso = (ms: number): string => new Date(ms).toISOString()

const W = {
  'zh-CN': {
    phone: '手机号', send: '获取验证码', code: '验证码', yellow: '黄码', why: '为何此色', access: '查阅记录',
    site: '2026-03-01 15:00–17:00 在 陆城农贸市场 与确诊病例同场：场所时段结束后 7 天内为黄码',
    trailRead: '流调人员 查看了您的行程记录（目的：案例 C-12）',
    lookup: '流调人员 按身份证号查询了您（目的：流调 C-12 核实身份）',
    marked: (caseId: string) => `流调人员 因您到过涉疫场所，将您列为涉疫场所暴露人员（目的：案例 ${caseId}：涉疫场所 陆城农贸市场，2026-03-01 15:00–17:00）`,
    logout: '退出登录',
    // The case person's own log: the opening and the site, each asked, confirmed by a second person, and applied.
    casePerson: (caseId: string) => [
      `卫生健康人员 提交了一项涉及您的防疫措施（待复核）（目的：案例 ${caseId}：立案）`,
      `卫生健康人员 复核确认了一项涉及您的防疫措施（目的：案例 ${caseId}：立案（第 1 次复核，共需 1 次））`,
      `卫生健康人员 为您立案（目的：案例 ${caseId}）`,
      `流调人员 申请将您到过的一处场所确认为涉疫场所（待复核）（目的：案例 ${caseId}：涉疫场所 陆城农贸市场，2026-03-01 15:00–17:00）`,
      `卫生健康人员 复核确认了一项涉及您的防疫措施（目的：案例 ${caseId}：确认涉疫场所（第 1 次复核，共需 1 次））`,
      `流调人员 申请确认的涉疫场所（您到过的一处场所）已复核生效（目的：案例 ${caseId}：涉疫场所 陆城农贸市场，2026-03-01 15:00–17:00，在场 1 人）`
    ]
  },
  en: {
    phone: 'Phone number', send: 'Get code', code: 'Code', yellow: 'Yellow code', why: 'Why', access: 'Who looked',
    site: 'At 陆城农贸市场 on 2026-03-01 15:00–17:00, at the same time as a confirmed case: yellow for 7 days after',
    trailRead: 'Tracer read your movement trail (purpose: case C-12)',
    lookup: 'Tracer looked you up by ID number (purpose: 流调 C-12 核实身份)',
    marked: (caseId: string) => `Tracer marked you as present at an exposure site (purpose: case ${caseId}: exposure site 陆城农贸市场, 2026-03-01 15:00–17:00)`,
    logout: 'Log out',
    casePerson: (caseId: string) => [
      `Health officer asked for a measure concerning you (to be confirmed by a second person) (purpose: case ${caseId}: opening)`,
      `Health officer confirmed a measure concerning you (purpose: case ${caseId}: opening a case (confirmation 1 of 1))`,
      `Health officer opened a case for you (purpose: case ${caseId})`,
      `Tracer asked to confirm a place you visited as an exposure site (to be confirmed by a second person) (purpose: case ${caseId}: exposure site 陆城农贸市场, 2026-03-01 15:00–17:00)`,
      `Health officer confirmed a measure concerning you (purpose: case ${caseId}: confirming an exposure site (confirmation 1 of 1))`,
      `Tracer asked for an exposure site you visited, now confirmed (purpose: case ${caseId}: exposure site 陆城农贸市场, 2026-03-01 15:00–17:00, people present: 1)`
    ]
  }
} as const

async function scanAt (ctx: Ctx, volunteer: string, resident: { token: string }, checkpointId: string, at: number, direction: 'in' | 'out'): Promise<void> {
  ctx.clock.set(at)
  const token = (await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(resident.token) })).json().token as string
  const res = await ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(volunteer), payload: { id: randomUUID(), token, checkpointId, direction } })
  if (res.statusCode !== 200) throw new Error(`scan failed: ${res.body}`)
}
async function fourEyes (t: Test, ctx: Ctx, asked: { statusCode: number, body: string, json: () => { changeId: string } }): Promise<Record<string, unknown>> {
  t.equal(asked.statusCode, 202, asked.body)
  const done = await ctx.confirm(asked.json().changeId)
  t.equal(done.statusCode, 200, done.body)
  return done.json()
}

/**
 * The case person stays in the market 16:00–16:30 (Asia/Shanghai) on 1 March, the resident 16:10–16:50. A tracer
 * looks the resident up and reads their trail for case C-12, then asks for the site 15:00–17:00; an officer confirms.
 */
async function world (t: Test, ctx: Ctx, phone: string): Promise<{ caseId: string, indexPhone: string }> {
  const market = await ctx.checkpoint({ name: '陆城农贸市场', kind: 'venue' })
  const volunteer = await ctx.staff('volunteer', { checkpointIds: [market] })
  const officer = await ctx.staff('officer')
  const tracer = await ctx.staff('tracer')
  const index = await ctx.resident()
  const me = await ctx.resident({ phone, profile: { name: '刘小明' } })
  await scanAt(ctx, volunteer, index, market, T0, 'in')
  await scanAt(ctx, volunteer, me, market, T0 + 10 * MIN, 'in')
  await scanAt(ctx, volunteer, index, market, T0 + 30 * MIN, 'out')
  await scanAt(ctx, volunteer, me, market, T0 + 50 * MIN, 'out')
  ctx.clock.set(T0 + 3 * H)
  const { caseId } = await fourEyes(t, ctx, await ctx.inject({ method: 'POST', url: '/v1/cases', headers: bearerOf(officer), payload: { personId: index.personId, note: 'C-12' } })) as { caseId: string }
  const lookup = await ctx.inject({ method: 'GET', url: `/v1/people?idNumber=${me.idNumber}&purpose=${encodeURIComponent('流调 C-12 核实身份')}`, headers: bearerOf(tracer) })
  t.equal(lookup.statusCode, 200, lookup.body)
  t.equal((await ctx.inject({ method: 'GET', url: `/v1/people/${me.personId}/trail?purpose=${encodeURIComponent('case C-12')}`, headers: bearerOf(tracer) })).statusCode, 200)
  await fourEyes(t, ctx, await ctx.inject({ method: 'POST', url: `/v1/cases/${caseId}/sites`, headers: bearerOf(tracer), payload: { checkpointId: market, from: iso(T0 - H), to: iso(T0 + H) } }))
  return { caseId, indexPhone: index.phone }
}

const skip = browserSkipReason()
void t.test('resident page: an exposure site and the access log in words', { skip: skip ?? false }, async (t) => {
  const browser: Browser = await launch()
  t.teardown(async () => { await browser.close() })

  for (const locale of ['zh-CN', 'en'] as const) {
    await t.test(`yellow for a site, why with the place and window, who looked with purposes [${locale}]`, async (t) => {
      const w = W[locale]
      const ctx = await makeCtx(t, 'sqlite')
      await ctx.app.listen({ port: 0, host: '127.0.0.1' })
      const address = ctx.app.server.address()
      const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
      const phone = locale === 'en' ? '13700004444' : '13700003333'
      const { caseId, indexPhone } = await world(t, ctx, phone)

      // The phone's clock is Beijing time, as the residents' phones are.
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
      t.teardown(async () => { await context.close() })
      if (locale === 'en') await context.addInitScript(() => { if (localStorage.getItem('gp.lang') === null) localStorage.setItem('gp.lang', 'en') })
      const page = await context.newPage()
      const errors: string[] = []
      page.on('pageerror', (err) => { errors.push(String(err)) })
      await page.goto(`${base}/h5/resident/`)
      await phoneLogin(page, phone, w)

      await page.getByText(w.yellow, { exact: true }).first().waitFor()
      await page.getByRole('tab', { name: w.why }).click()
      const why = page.getByRole('region', { name: locale === 'en' ? 'Why your code has this colour' : '当前颜色的原因' })
      await why.getByText(w.site).first().waitFor()
      t.equal(await why.getByText(w.site).count(), 2, 'the reason and the history both name the place and the window')
      await page.screenshot({ path: `${SHOTS}/resident-site-why-${locale}.png`, fullPage: true })

      await page.getByRole('tab', { name: w.access }).click()
      await page.getByText(w.trailRead, { exact: true }).waitFor()
      t.ok(await page.getByText(w.lookup, { exact: true }).isVisible(), 'an identity look-up with the purpose typed')
      t.ok(await page.getByText(w.marked(caseId), { exact: true }).isVisible(), 'the site mark with its case, place and window')
      await page.screenshot({ path: `${SHOTS}/resident-site-access-${locale}.png`, fullPage: true })

      const log = await page.getByRole('region', { name: locale === 'en' ? 'Who looked at your data' : '谁查阅过我的信息' }).innerText()
      const text = log.split(caseId).join('')
      t.notMatch(text, /\b[a-z_]+\.[a-z_]+\b/, 'no action codes')
      t.notMatch(text, /\d{4}-\d\d-\d\dT|Z\b|: site |, degree \d|, applied\b/, 'no service English or ISO times in the purposes')
      if (locale === 'zh-CN') {
        t.notMatch(text.replace(/C-12/g, ''), /[A-Za-z]{2,}/, 'the Chinese access log has no English words')
      }

      // The case person's own access log: every step of the case in words, the four-eyes steps by what they were for.
      await page.getByRole('button', { name: w.logout }).click()
      await phoneLogin(page, indexPhone, w)
      await page.getByRole('tab', { name: w.access }).click()
      const region = page.getByRole('region', { name: locale === 'en' ? 'Who looked at your data' : '谁查阅过我的信息' })
      await region.getByText(w.casePerson(caseId)[0] as string, { exact: true }).waitFor()
      const lines = (await region.getByRole('listitem').allInnerTexts()).map((l) => l.split('\n')[0]?.trim())
      t.same(lines, [...w.casePerson(caseId)].reverse(), 'newest first, each a sentence')
      await page.screenshot({ path: `${SHOTS}/resident-case-access-${locale}.png`, fullPage: true })
      t.same(errors, [], 'no script errors')
    })
  }
})

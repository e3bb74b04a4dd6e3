// The resident's page (/h5/resident/) in real Chromium, driven by labels, roles and text: login, profile, a live code
// that decodes and verifies, a fever turning it yellow with the reason in words, every word in the page's language.
import { createPublicKey, verify } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import t from 'tap'
import jsQRModule from 'jsqr'
import { PNG } from 'pngjs'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { bearerOf, idNumberFor, makeCtx, type Ctx, type Test } from './helper.ts'
import { browserSkipReason, launch, phoneLogin } from './support/browser.ts'

type JsQR = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null
const jsQR = ((jsQRModule as unknown as { default?: JsQR }).default ?? jsQRModule) as unknown as JsQR

const SHOTS = 'test-artifacts/screenshots'
mkdirSync(SHOTS, { recursive: true })
// Server ids and English server texts that must never reach a Chinese page as they are.
const RAW = {
  'zh-CN': /symptoms|default|identity\.lookup|trail\.read|must match|body\.|self-declaration|no rule active|declared|GP_[A-Z]/,
  // The server says why in English too (its history reasons): what must not show is an id, a code or validation text.
  en: /\bdefault\b|identity\.lookup|trail\.read|must match|body\.|self-declaration|[a-z]+_[a-z]+|GP_[A-Z]/
}

interface Opened { ctx: Ctx, base: string, context: BrowserContext, page: Page, outside: string[], errors: string[] }

async function open (t: Test, browser: Browser, opts: { locale?: 'zh-CN' | 'en' } = {}): Promise<Opened> {
  const ctx = await makeCtx(t, 'sqlite')
  await ctx.app.listen({ port: 0, host: '127.0.0.1' })
  const address = ctx.app.server.address()
  const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, locale: 'zh-CN' })
  t.teardown(async () => { await context.close() })
  if (opts.locale === 'en') await context.addInitScript(() => { if (localStorage.getItem('gp.lang') === null) localStorage.setItem('gp.lang', 'en') })
  const page = await context.newPage()
  const outside: string[] = []
  const errors: string[] = []
  context.on('request', (req) => { if (!req.url().startsWith(base)) outside.push(req.url()) })
  page.on('pageerror', (err) => { errors.push(String(err)) })
  return { ctx, base, context, page, outside, errors }
}

const shot = async (page: Page, name: string): Promise<void> => { await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true }) }

const W = {
  'zh-CN': { phone: '手机号', send: '获取验证码', code: '验证码', login: '登录', name: '姓名', id: '身份证号', save: '保存', green: '绿码', yellow: '黄码', declare: '健康申报', temp: '体温（°C）', submitDeclare: '提交申报', why: '为何此色', fever: /本人申报体温 ≥ 37\.3 °C 或有症状/, access: '查阅记录', trailRead: '流调人员 查看了您的行程记录', lookup: '按身份证号查询了您', appeal: '申诉', appealField: '申诉内容', appealGo: '提交申诉', appealOpen: '处理中', logout: '退出登录', badId: '身份证号码不正确', badPhone: '请输入 11 位手机号', whose: '持码人' },
  en: { phone: 'Phone number', send: 'Get code', code: 'Code', login: 'Log in', name: 'Name', id: 'ID number', save: 'Save', green: 'Green code', yellow: 'Yellow code', declare: 'Declare', temp: 'Temperature (°C)', submitDeclare: 'Submit', why: 'Why', fever: /You declared a temperature of 37\.3 °C or more/, access: 'Who looked', trailRead: 'Tracer read your movement trail', lookup: 'looked you up by ID number', appeal: 'Appeal', appealField: 'Your appeal', appealGo: 'Send appeal', appealOpen: 'In progress', logout: 'Log out', badId: 'The ID number is not valid', badPhone: 'Enter an 11-digit mobile number', whose: 'Holder' }
} as const

/** The QR on screen, as a volunteer's camera would read it. */
async function decodeQr (page: Page): Promise<string | null> {
  const png = PNG.sync.read(await page.locator('canvas').first().screenshot())
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data ?? null
}

async function verifies (base: string, token: string): Promise<boolean> {
  const [h, p, s] = token.split('.') as [string, string, string]
  const kid = (JSON.parse(Buffer.from(h, 'base64url').toString()) as { kid: string }).kid
  const jwks = (await (await fetch(`${base}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> }
  const jwk = jwks.keys.find((k) => k.kid === kid)
  return jwk !== undefined && verify('sha256', Buffer.from(`${h}.${p}`), { key: createPublicKey({ key: jwk as never, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'))
}

const skip = browserSkipReason()
void t.test('resident page in Chromium', { skip: skip ?? false }, async (t) => {
  const browser = await launch()
  t.teardown(async () => { await browser.close() })

  for (const locale of ['zh-CN', 'en'] as const) {
    await t.test(`login, profile, a live code that verifies, a fever, why, who looked, an appeal [${locale}]`, async (t) => {
      const w = W[locale]
      const { ctx, base, page, outside, errors } = await open(t, browser, { locale })
      await page.goto(`${base}/h5/resident.html`)
      t.match(page.url(), /\/h5\/resident\/$/, 'the old address leads to the new page')
      await page.getByRole('heading', { name: locale === 'en' ? 'Log in with your phone' : '手机号登录' }).waitFor()
      await shot(page, `resident-login-${locale}`)

      // A bad phone number is refused in words, not with the server's schema message.
      await page.getByLabel(w.phone, { exact: true }).fill('12345')
      await page.getByRole('button', { name: w.send }).click()
      t.match(await page.getByRole('alert').innerText(), w.badPhone)
      const phone = locale === 'en' ? '13700002222' : '13700001111'
      await phoneLogin(page, phone, w)

      // A wrong ID number is explained; a right one leads to the code.
      await page.getByLabel(w.name, { exact: true }).fill('李小四')
      await page.getByLabel(w.id, { exact: true }).fill('420581199001011230')
      await page.getByRole('button', { name: w.save }).click()
      t.match(await page.getByRole('alert').innerText(), w.badId)
      await shot(page, `resident-profile-error-${locale}`)
      const idNumber = idNumberFor(locale === 'en' ? 778 : 777)
      await page.getByLabel(w.id, { exact: true }).fill(idNumber)
      await page.getByRole('button', { name: w.save }).click()
      await page.getByText(w.green, { exact: true }).waitFor()
      t.match(await page.getByText(w.whose).innerText(), /李\*\*/, 'whose code it is, masked')
      await page.waitForFunction(() => /^\d\d:\d\d:\d\d$/.test(document.querySelector('[aria-label="当前时间"], [aria-label="Current time"]')?.textContent?.trim() ?? ''))
      await shot(page, `resident-green-${locale}`)

      // What a volunteer's camera would see decodes to a token that verifies against the JWKS, with nothing personal in it.
      const token = await decodeQr(page)
      t.ok(token !== null, 'the QR on screen decodes')
      t.ok(await verifies(base, token as string), 'the on-screen code verifies with the public key')
      const payload = Buffer.from((token as string).split('.')[1] as string, 'base64url').toString()
      t.notOk(payload.includes(idNumber) || payload.includes('李小四') || payload.includes(phone), 'no personal data in the QR')
      const personId = (JSON.parse(payload) as { sub: string }).sub

      // A fever: yellow, and why in the page's words.
      await page.getByRole('tab', { name: w.declare }).click()
      await page.getByLabel(w.temp).fill('38.2')
      await page.getByRole('button', { name: w.submitDeclare }).click()
      await page.getByText(w.yellow, { exact: true }).first().waitFor()
      await page.getByRole('tab', { name: w.why }).click()
      await page.getByText(w.fever).first().waitFor()
      await shot(page, `resident-yellow-why-${locale}`)

      // Staff read the person's data: the access log says who and what, in words.
      const tracer = await ctx.staff('tracer')
      t.equal((await ctx.inject({ method: 'GET', url: `/v1/people/${personId}/trail?purpose=case-2026-001`, headers: bearerOf(tracer) })).statusCode, 200)
      const officer = await ctx.staff('officer')
      t.equal((await ctx.inject({ method: 'GET', url: `/v1/people?idNumber=${idNumber}&purpose=case-2026-001`, headers: bearerOf(officer) })).statusCode, 200)
      await page.getByRole('tab', { name: w.access }).click()
      await page.getByText(w.trailRead).waitFor()
      t.ok(await page.getByText(w.lookup).isVisible(), 'an identity look-up is shown in words')
      await shot(page, `resident-access-${locale}`)

      // An appeal, and its state.
      await page.getByRole('tab', { name: w.appeal }).click()
      await page.getByLabel(w.appealField).fill(locale === 'en' ? 'My temperature was measured after running.' : '体温是跑步后测的。')
      await page.getByRole('button', { name: w.appealGo }).click()
      await page.getByText(w.appealOpen).first().waitFor()
      await shot(page, `resident-appeal-${locale}`)

      // Every tab's words are the page's language: no rule ids, action codes or English server texts.
      const texts: string[] = []
      for (const tab of [w.why, w.declare, w.access, w.appeal]) {
        await page.getByRole('tab', { name: tab }).click()
        await page.waitForTimeout(150)
        texts.push(await page.evaluate(() => document.body.innerText))
      }
      const all = texts.join('\n')
      t.notMatch(all, RAW[locale], 'no raw ids or server English on the page')
      t.match(all, locale === 'en' ? /temperature of 37\.3/ : /本人申报体温/, 'why the colour, in the server\'s words in the page\'s language')
      if (locale === 'zh-CN') {
        const ascii = all.replace(/\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?|°C|case-2026-001|English|gridpass|≥|[\d.:\-–·*()（）\s]/g, '')
        t.notMatch(ascii, /[A-Za-z]{2,}/, 'the Chinese page has no English words')
      }

      t.same(outside, [], 'nothing is fetched from outside the service')
      t.same(errors, [], 'no script errors')
    })
  }
})

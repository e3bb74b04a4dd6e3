// Checking in at a place (场所码) in real Chromium: the printed place code's URL opens /h5/checkin, the resident's one
// login serves both pages, the answer is shown full screen and lands in the trail; a bad code is refused in words;
// the resident page's 扫场所码 reads a place code through the (fake) camera.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import jsQRModule from 'jsqr'
import QRCode from 'qrcode'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { bearerOf, idNumberFor, makeCtx, type Ctx, type Test } from './helper.ts'
import { browserSkipReason, ffmpegSkipReason, launch, pngToY4m, phoneLogin } from './support/browser.ts'

type JsQR = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null
const jsQR = ((jsQRModule as unknown as { default?: JsQR }).default ?? jsQRModule) as unknown as JsQR

const SHOTS = 'test-artifacts/screenshots'
mkdirSync(SHOTS, { recursive: true })
const shot = async (page: Page, name: string): Promise<void> => { await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true }) }

interface Opened { ctx: Ctx, base: string, context: BrowserContext, page: Page, outside: string[], errors: string[] }

async function open (t: Test, browser: Browser, locale: 'zh-CN' | 'en'): Promise<Opened> {
  const ctx = await makeCtx(t, 'sqlite')
  await ctx.app.listen({ port: 0, host: '127.0.0.1' })
  const address = ctx.app.server.address()
  const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 })
  t.teardown(async () => { await context.close() })
  if (locale === 'en') await context.addInitScript(() => { if (localStorage.getItem('gp.lang') === null) localStorage.setItem('gp.lang', 'en') })
  const page = await context.newPage()
  const outside: string[] = []
  const errors: string[] = []
  context.on('request', (req) => { if (!req.url().startsWith(base)) outside.push(req.url()) })
  page.on('pageerror', (err) => { errors.push(String(err)) })
  return { ctx, base, context, page, outside, errors }
}

/** The QR of the printed card (place-code.svg), read as a phone camera would: the module path rasterised, then jsQR. */
function qrOfCard (svg: string): string | null {
  const box = /viewBox="-(\d+) -\d+ (\d+) \d+" shape-rendering/.exec(svg)
  const path = /<path d="([^"]+)"/.exec(svg)
  if (box === null || path === null) return null
  const quiet = Number(box[1])
  const scale = 4
  const px = Number(box[2]) * scale
  const data = new Uint8ClampedArray(px * px * 4).fill(255)
  for (const m of (path[1] as string).matchAll(/M(\d+) (\d+)h1v1h-1z/g)) {
    const x0 = (Number(m[1]) + quiet) * scale
    const y0 = (Number(m[2]) + quiet) * scale
    for (let y = y0; y < y0 + scale; y++) for (let x = x0; x < x0 + scale; x++) data.fill(0, (y * px + x) * 4, (y * px + x) * 4 + 3)
  }
  return jsQR(data, px, px)?.data ?? null
}

/** A checkpoint and its printed place code, fetched by a grid worker's printer path (admin here): the token it holds. */
async function placeOf (t: Test, ctx: Ctx, name: string): Promise<{ checkpointId: string, token: string }> {
  const checkpointId = await ctx.checkpoint({ name, kind: 'venue' })
  const svg = await ctx.inject({ method: 'GET', url: `/v1/checkpoints/${checkpointId}/place-code.svg`, headers: bearerOf(await ctx.admin()) })
  t.equal(svg.statusCode, 200, 'the place code prints')
  const text = qrOfCard(svg.body)
  t.ok(text !== null, 'the printed place code reads')
  // The card holds <public URL>/h5/checkin#<token> (API.md) or, as printed before that, the bare token.
  const token = (text as string).includes('#') ? (text as string).slice((text as string).indexOf('#') + 1) : text as string
  return { checkpointId, token }
}

async function trailNames (ctx: Ctx, personId: string): Promise<string[]> {
  const res = await ctx.inject({ method: 'GET', url: `/v1/people/${personId}/trail?purpose=case-2026-007`, headers: bearerOf(await ctx.staff('tracer')) })
  return (res.json().scans as Array<{ checkpointName: string }>).map((s) => s.checkpointName)
}

const W = {
  'zh-CN': { phone: '手机号', send: '获取验证码', code: '验证码', name: '姓名', id: '身份证号', save: '保存', green: '绿码', done: '已登记', loginTitle: '手机号登录', bad: '这不是有效的场所码', scan: '扫场所码', close: '完成' },
  en: { phone: 'Phone number', send: 'Get code', code: 'Code', name: 'Name', id: 'ID number', save: 'Save', green: 'Green code', done: 'Checked in', loginTitle: 'Log in with your phone', bad: 'This is not a valid place code', scan: 'Scan a place code', close: 'Done' }
} as const

const skip = browserSkipReason()
void t.test('check-in page in Chromium', { skip: skip ?? false }, async (t) => {
  const browser = await launch()
  t.teardown(async () => { await browser.close() })

  await t.test('logged in on the resident page, checked in from the place code\'s URL [zh-CN]', async (t) => {
    const w = W['zh-CN']
    const { ctx, base, page, outside, errors } = await open(t, browser, 'zh-CN')
    const { token } = await placeOf(t, ctx, '清江广场')
    await page.goto(`${base}/h5/resident/`)
    await phoneLogin(page, '13500005555', w)
    await page.getByLabel(w.name, { exact: true }).fill('赵小六')
    await page.getByLabel(w.id, { exact: true }).fill(idNumberFor(9001))
    await page.getByRole('button', { name: w.save }).click()
    await page.getByText(w.green, { exact: true }).waitFor()

    // What a phone camera opens from the printed code: no slash before the fragment.
    await page.goto(`${base}/h5/checkin#${token}`)
    const result = page.getByRole('status').filter({ hasText: w.done })
    await result.waitFor()
    const text = await result.innerText()
    t.match(text, '绿码')
    t.match(text, '清江广场')
    t.match(text, '赵**', 'the masked name, for the staff at the door')
    t.match(text, /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/, 'the time')
    t.notMatch(text, '赵小六', 'never the full name')
    await shot(page, 'checkin-done-zh-CN')

    const token0 = await page.evaluate(() => localStorage.getItem('gp.resident.token'))
    const personId = (await ctx.inject({ method: 'GET', url: '/v1/me/status', headers: bearerOf(token0 as string) })).json().personId as string
    t.same(await trailNames(ctx, personId), ['清江广场'], 'the check-in is in the resident\'s trail')
    // A reload of the same place code in this visit is the same check-in, not a second one.
    await page.reload()
    await result.waitFor()
    t.same(await trailNames(ctx, personId), ['清江广场'], 'a reload does not check in twice')
    t.same(outside, [], 'nothing is fetched from outside the service')
    t.same(errors, [], 'no script errors')
  })

  await t.test('not logged in: the phone login first, then checked in [en]', async (t) => {
    const w = W.en
    const { ctx, base, page } = await open(t, browser, 'en')
    const { token } = await placeOf(t, ctx, 'Riverside Market')
    const r = await ctx.resident({ profile: { name: '钱七' } })
    await page.goto(`${base}/h5/checkin/#${token}`)
    await page.getByRole('heading', { name: w.loginTitle }).waitFor()
    await shot(page, 'checkin-login-en')
    await phoneLogin(page, r.phone, w)
    const result = page.getByRole('status').filter({ hasText: w.done })
    await result.waitFor()
    t.match(await result.innerText(), 'Green code')
    t.match(await result.innerText(), 'Riverside Market')
    await shot(page, 'checkin-done-en')
    t.same(await trailNames(ctx, r.personId), ['Riverside Market'], 'the check-in is in the resident\'s trail')
  })

  for (const locale of ['zh-CN', 'en'] as const) {
    await t.test(`a bad or forged place code is refused in words [${locale}]`, async (t) => {
      const w = W[locale]
      const { ctx, base, page } = await open(t, browser, locale)
      const { token } = await placeOf(t, ctx, '陆城卡口')
      const r = await ctx.resident()
      await page.goto(`${base}/h5/checkin`)
      await page.evaluate((tok) => { localStorage.setItem('gp.resident.token', tok) }, r.token)
      for (const fragment of ['not-a-place-code', `${token.slice(0, -4)}AAAA`]) {
        await page.goto(`${base}/h5/checkin#${fragment}`)
        await page.reload()
        await page.getByRole('alert').filter({ hasText: w.bad }).waitFor()
        t.notMatch(await page.evaluate(() => document.body.innerText), /placeToken|GP_|body\.|bad_signature|malformed/, 'no server words')
      }
      await shot(page, `checkin-bad-${locale}`)
      t.same(await trailNames(ctx, r.personId), [], 'nothing is recorded')
    })
  }

  const noCamera = ffmpegSkipReason()
  await t.test('扫场所码: the resident page checks in through the camera', { skip: noCamera ?? false }, async (t) => {
    const w = W['zh-CN']
    const dir = mkdtempSync(join(tmpdir(), 'gp-place-'))
    t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
    const ctx = await makeCtx(t, 'sqlite')
    await ctx.app.listen({ port: 0, host: '127.0.0.1' })
    const address = ctx.app.server.address()
    const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
    const { token } = await placeOf(t, ctx, '宜都市人民医院')
    // The printed place code, as the camera sees it: the check-in URL in a QR.
    await QRCode.toFile(join(dir, 'place.png'), `${base}/h5/checkin#${token}`, { errorCorrectionLevel: 'M', margin: 4, width: 400 })
    const camera = await launch({ fakeCamera: await pngToY4m(join(dir, 'place.png'), join(dir, 'place.y4m')) })
    t.teardown(async () => { await camera.close() })
    const context = await camera.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 })
    const page = await context.newPage()
    const r = await ctx.resident({ profile: { name: '孙八' } })
    await page.goto(`${base}/h5/resident/`)
    await page.evaluate((tok) => { localStorage.setItem('gp.resident.token', tok); localStorage.setItem('gp.resident.masked', '孙*') }, r.token)
    await page.reload()
    await page.getByText(w.green, { exact: true }).waitFor()
    await page.getByRole('button', { name: w.scan }).click()
    const result = page.getByRole('status').filter({ hasText: w.done })
    await result.waitFor({ timeout: 20_000 })
    t.match(await result.innerText(), '宜都市人民医院')
    t.match(await result.innerText(), '孙*')
    await shot(page, 'resident-place-scan-done')
    await page.getByRole('button', { name: w.close }).click()
    await page.getByText(w.green, { exact: true }).waitFor()
    t.same(await trailNames(ctx, r.personId), ['宜都市人民医院'], 'the check-in is in the trail')
  })
})

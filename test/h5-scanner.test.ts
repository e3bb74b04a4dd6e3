// The volunteer's scanner page in real Chromium: a code shown to the fake camera is decoded, judged by the server and
// shown; offline, five codes are judged on the phone as the server would, survive a reload, and sync exactly once.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import t from 'tap'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { makeCtx, type Ctx, type Test } from './helper.ts'
import { browserSkipReason, ffmpegSkipReason, launch, pngToY4m } from './support/browser.ts'

const skip = browserSkipReason() ?? ffmpegSkipReason()
const SHOTS = resolve(import.meta.dirname, '../test-artifacts/screenshots')
mkdirSync(SHOTS, { recursive: true })

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

interface World {
  ctx: Ctx
  base: string
  /** Moves the service's clock (the browser keeps the real one): codes signed in the past are expired now. */
  shift: { ms: number }
  checkpointId: string
  volunteer: { username: string, password: string }
  tmp: string
}

async function world (t: Test): Promise<World> {
  const shift = { ms: 0 }
  const ctx = await makeCtx(t, 'sqlite', { config: { now: () => Date.now() + shift.ms } })
  await ctx.app.listen({ port: 0, host: '127.0.0.1' })
  const address = ctx.app.server.address()
  const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
  const checkpointId = await ctx.checkpoint({ name: '陆城高速卡口' })
  const volunteer = { username: `vol-${Math.random().toString(36).slice(2, 8)}`, password: 'staff-password-123' }
  await ctx.staff('volunteer', { checkpointIds: [checkpointId], username: volunteer.username })
  const tmp = mkdtempSync(join(tmpdir(), 'gridpass-scanner-'))
  t.teardown(() => rmSync(tmp, { recursive: true, force: true }))
  return { ctx, base, shift, checkpointId, volunteer, tmp }
}

async function codeOf (ctx: Ctx, token: string): Promise<string> {
  const res = await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearer(token) })
  if (res.statusCode !== 200) throw new Error(res.body)
  return res.json().token as string
}

async function trailOf (ctx: Ctx, personId: string): Promise<Array<{ checkpointId: string, decision: string }>> {
  const tracer = await ctx.staff('tracer')
  const res = await ctx.inject({ method: 'GET', url: `/v1/people/${personId}/trail?purpose=case-2026-001`, headers: bearer(tracer) })
  if (res.statusCode !== 200) throw new Error(res.body)
  return res.json().scans as Array<{ checkpointId: string, decision: string }>
}

async function openScanner (t: Test, browser: Browser, w: World): Promise<{ context: BrowserContext, page: Page, clean: () => void }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, locale: 'zh-CN' })
  await context.grantPermissions(['camera'], { origin: w.base }).catch(() => undefined)
  const page = await context.newPage()
  const outside: string[] = []
  page.on('request', (req) => { if (!req.url().startsWith(w.base) && !req.url().startsWith('data:') && !req.url().startsWith('blob:')) outside.push(req.url()) })
  const errors: string[] = []
  page.on('pageerror', (err) => { errors.push(String(err)) })
  await page.goto(`${w.base}/h5/scanner/`)
  await page.getByLabel('用户名').fill(w.volunteer.username)
  await page.getByLabel('密码').fill(w.volunteer.password)
  await page.getByRole('button', { name: '登录', exact: true }).click()
  await page.getByText('状态名单：刚刚更新').waitFor()
  const clean = (): void => { t.same(errors, [], 'no script error on the page'); t.same(outside, [], 'nothing fetched from outside the service') }
  return { context, page, clean }
}

async function shot (page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `scanner-${name}.png`) })
}

/** What a USB or Bluetooth scanner does: type the QR text and Enter. */
async function wedge (page: Page, text: string): Promise<void> {
  await page.locator('body').click({ position: { x: 5, y: 5 } }).catch(() => undefined)
  await page.keyboard.type(text, { delay: 0 })
  await page.keyboard.press('Enter')
}

async function result (page: Page): Promise<string> {
  const dialog = page.getByRole('alertdialog')
  await dialog.waitFor()
  return (await dialog.innerText()).replace(/\s+/g, ' ')
}

async function dismiss (page: Page): Promise<void> {
  await page.getByRole('alertdialog').click()
  await page.getByRole('alertdialog').waitFor({ state: 'detached' })
}

void t.test('scanner page in Chromium', { skip: skip ?? false }, async (t) => {
  t.test('the camera: a resident\'s code in front of the fake camera gives 通行 绿码 and the masked name, and the scan is in the trail', async (t) => {
    const w = await world(t)
    const r = await w.ctx.resident({ profile: { name: '李小明' } })
    const png = await w.ctx.inject({ method: 'GET', url: '/v1/me/code.png', headers: bearer(r.token) })
    t.equal(png.statusCode, 200)
    writeFileSync(join(w.tmp, 'code.png'), png.rawPayload)
    const video = await pngToY4m(join(w.tmp, 'code.png'), join(w.tmp, 'code.y4m'))
    const browser = await launch({ fakeCamera: video })
    t.teardown(() => browser.close())
    const { page, clean } = await openScanner(t, browser, w)
    await shot(page, 'ready')
    await page.getByRole('alertdialog').getByText('李**').waitFor()
    const text = await result(page)
    await shot(page, 'allow-green')
    t.match(text, /通行/)
    t.notMatch(text, /禁止通行/)
    t.match(text, /绿码/)
    t.match(text, /李\*\*/, 'the masked name')
    t.notMatch(text, /李小明/, 'never the full name')
    const trail = await trailOf(w.ctx, r.personId)
    t.equal(trail.length, 1, 'the scan is in the trail once')
    t.equal(trail[0]?.checkpointId, w.checkpointId)
    t.equal(trail[0]?.decision, 'allow')
    clean()
  })

  t.test('a yellow person\'s code gives 禁止通行 and 黄码 with the reason in words', async (t) => {
    const w = await world(t)
    const r = await w.ctx.resident({ profile: { name: '王芳' } })
    const declared = await w.ctx.inject({ method: 'POST', url: '/v1/me/declarations', headers: bearer(r.token), payload: { temperature: 38.2, symptoms: ['fever'], visitedHighRiskArea: false, contactWithConfirmed: false } })
    t.equal(declared.json().color, 'yellow')
    const png = await w.ctx.inject({ method: 'GET', url: '/v1/me/code.png', headers: bearer(r.token) })
    writeFileSync(join(w.tmp, 'yellow.png'), png.rawPayload)
    const browser = await launch({ fakeCamera: await pngToY4m(join(w.tmp, 'yellow.png'), join(w.tmp, 'yellow.y4m')) })
    t.teardown(() => browser.close())
    const { page, clean } = await openScanner(t, browser, w)
    await page.getByRole('alertdialog').getByText('王*').waitFor()
    const text = await result(page)
    await shot(page, 'deny-yellow')
    t.match(text, /禁止通行/)
    t.match(text, /黄码/)
    t.match(text, /需核查/, 'the reason, in words')
    t.match(text, /王\*/)
    t.notMatch(text, /color_yellow/, 'no reason code on screen')
    clean()
  })

  t.test('not a health code, a place code, and English', async (t) => {
    const w = await world(t)
    const browser = await launch()
    t.teardown(() => browser.close())
    const { page, clean } = await openScanner(t, browser, w)
    await wedge(page, 'https://example.com/pay?code=1234567890')
    t.match(await result(page), /不是健康码/)
    await shot(page, 'not-a-code')
    await dismiss(page)
    await wedge(page, `${w.base}/h5/checkin#eyJhbGciOiJFUzI1NiJ9.eyJjcCI6IngifQ.c2ln`)
    t.match(await result(page), /这是场所码/)
    await shot(page, 'place-code')
    await dismiss(page)
    t.match(await page.getByTestId('pending').innerText(), /待同步 0/, 'neither was queued')
    await page.getByRole('button', { name: 'English' }).click()
    await page.getByText('Status list: just updated').waitFor()
    t.match(await page.getByTestId('pending').innerText(), /0 to sync/)
    await shot(page, 'english')
    clean()
  })

  t.test('offline: five codes judged on the phone, kept across a reload, synced exactly once', async (t) => {
    const w = await world(t)
    const { ctx } = w
    const admin = await ctx.admin()
    const green = await ctx.resident({ profile: { name: '赵六' } })
    const paperGreen = await ctx.resident({ profile: { name: '钱七' } })
    const paperRed = await ctx.resident({ profile: { name: '孙八' } })
    const stale = await ctx.resident({ profile: { name: '周九' } })
    const paper = async (personId: string): Promise<string> => {
      const res = await ctx.inject({ method: 'POST', url: `/v1/people/${personId}/paper-code`, headers: bearer(admin) })
      t.equal(res.statusCode, 200, 'a paper code is printed')
      return res.json().token as string
    }
    const paperGreenToken = await paper(paperGreen.personId)
    const paperRedToken = await paper(paperRed.personId)
    // Printed green; then a declaration turns the holder red. The signed list says so by card.
    const red = await ctx.inject({ method: 'POST', url: '/v1/me/declarations', headers: bearer(paperRed.token), payload: { temperature: 36.5, symptoms: [], visitedHighRiskArea: false, contactWithConfirmed: true } })
    t.equal(red.json().color, 'red')
    // A live code signed five minutes ago has expired.
    w.shift.ms = -5 * 60_000
    const expired = await codeOf(ctx, stale.token)
    w.shift.ms = 0
    const live = await codeOf(ctx, green.token)
    const [h, p, s] = live.split('.') as [string, string, string]
    const forged = `${h}.${p}.${(s[0] === 'A' ? 'B' : 'A') + s.slice(1)}`

    const browser = await launch()
    t.teardown(() => browser.close())
    const { context, page, clean } = await openScanner(t, browser, w)
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null)
    await context.setOffline(true)
    await page.getByText('离线：扫码照常判定').waitFor()

    const cases: Array<[string, string, RegExp[]]> = [
      ['live-green', live, [/通行/, /绿码/, /本机离线判定/]],
      ['paper-green', paperGreenToken, [/通行/, /绿码/]],
      ['paper-red', paperRedToken, [/禁止通行/, /红码/]],
      ['forged', forged, [/禁止通行/, /签名不符/]],
      ['expired', expired, [/禁止通行/, /码已过期/]]
    ]
    for (const [name, token, expect] of cases) {
      await wedge(page, token)
      const text = await result(page)
      await shot(page, `offline-${name}`)
      for (const e of expect) t.match(text, e, `${name}: ${e}`)
      if (name === 'live-green' || name === 'paper-green') t.notMatch(text, /禁止通行/, `${name}: allowed`)
      await dismiss(page)
    }
    await page.getByText('待同步 5').waitFor()
    await shot(page, 'offline-queue')

    await page.reload()
    await page.getByText('待同步 5').waitFor()
    t.pass('after a reload with no network the page opens and the queue is still 待同步 5')
    await shot(page, 'offline-reloaded')

    await context.setOffline(false)
    await page.getByText('待同步 0').waitFor({ timeout: 20_000 })
    await shot(page, 'synced')
    const counts = async (): Promise<number[]> => Promise.all([green, paperGreen, paperRed, stale].map(async (x) => (await trailOf(ctx, x.personId)).length))
    t.same(await counts(), [1, 1, 1, 0], 'each good scan in its trail once; the forged and the expired code in none')
    await page.getByRole('button', { name: '立即同步' }).click()
    await page.waitForTimeout(500)
    t.same(await counts(), [1, 1, 1, 0], 'a second sync changes nothing')
    const paperRedTrail = await trailOf(ctx, paperRed.personId)
    t.equal(paperRedTrail[0]?.decision, 'deny', 'the server agreed: the red card was denied')
    clean()
  })

  t.test('a session that expired offline: scans keep queueing, and the volunteer logs in again before they sync', async (t) => {
    const w = await world(t)
    const r = await w.ctx.resident({ profile: { name: '吴十' } })
    const browser = await launch()
    t.teardown(() => browser.close())
    const { context, page, clean } = await openScanner(t, browser, w)
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null)
    await context.setOffline(true)
    // The session runs out while the phone is offline.
    await page.evaluate(() => {
      const s = JSON.parse(localStorage.getItem('gp.scanner.session') ?? '{}') as Record<string, unknown>
      localStorage.setItem('gp.scanner.session', JSON.stringify({ ...s, token: 'expired', expiresAt: Date.now() - 1000 }))
    })
    await page.reload()
    await page.getByText('登录已过期').waitFor()
    await wedge(page, await codeOf(w.ctx, r.token))
    t.match(await result(page), /通行/, 'still judged on the phone')
    await dismiss(page)
    await page.getByText('待同步 1').waitFor()
    await context.setOffline(false)
    await page.waitForTimeout(1000)
    t.match(await page.getByTestId('pending').innerText(), /待同步 1/, 'nothing syncs without a login, nothing is dropped')
    await shot(page, 'login-expired')
    await page.getByLabel('用户名').fill(w.volunteer.username)
    await page.getByLabel('密码').fill(w.volunteer.password)
    await page.getByRole('button', { name: '登录', exact: true }).click()
    await page.getByText('待同步 0').waitFor({ timeout: 20_000 })
    t.equal((await trailOf(w.ctx, r.personId)).length, 1, 'the scan queued under the expired session is in the trail once')
    clean()
  })

  t.test('no IndexedDB (private mode): said on screen, online scans still work, offline scans are refused', async (t) => {
    const w = await world(t)
    const r = await w.ctx.resident({ profile: { name: '郑十一' } })
    const browser = await launch()
    t.teardown(() => browser.close())
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 })
    await context.addInitScript(() => { Object.defineProperty(window, 'indexedDB', { value: undefined }) })
    const page = await context.newPage()
    await page.goto(`${w.base}/h5/scanner/`)
    await page.getByLabel('用户名').fill(w.volunteer.username)
    await page.getByLabel('密码').fill(w.volunteer.password)
    await page.getByRole('button', { name: '登录', exact: true }).click()
    await page.getByText('本机无法保存离线记录').waitFor()
    await shot(page, 'no-storage')
    await wedge(page, await codeOf(w.ctx, r.token))
    const online = await result(page)
    t.match(online, /通行 绿码/, 'online: allowed')
    t.match(online, /郑\*\*|本机离线判定/, 'the server\'s verdict with the name, or the phone\'s when the server was slower than 1.5 s')
    await dismiss(page)
    await context.setOffline(true)
    const other = await w.ctx.resident()
    await wedge(page, await codeOf(w.ctx, other.token))
    t.match(await result(page), /无法保存这次扫码/, 'offline: said, not silently lost')
  })

  t.test('a camera that cannot be used is explained, and the fallbacks are there', async (t) => {
    const w = await world(t)
    const browser = await launch()
    t.teardown(() => browser.close())
    const { page, clean } = await openScanner(t, browser, w)
    await page.getByText(/没有摄像头权限|无法使用摄像头/).first().waitFor()
    t.ok(await page.getByRole('button', { name: '输入身份证号' }).isVisible(), 'typing an ID number is offered')
    t.ok(await page.getByText('拍照识别').isVisible(), 'a photo is offered')
    await shot(page, 'camera-unavailable')
    clean()
  })
})

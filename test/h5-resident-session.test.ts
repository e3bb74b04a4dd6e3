// The resident's page on a shared or offline phone, in real Chromium: logging out leaves no trace of the person, an
// expired code that cannot be refreshed is visibly void, and a reload with no network opens from the service worker.
import { mkdirSync } from 'node:fs'
import t from 'tap'
import { PNG } from 'pngjs'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { idNumberFor, makeCtx, type Ctx, type Test } from './helper.ts'
import { browserSkipReason, launch } from './support/browser.ts'

const SHOTS = 'test-artifacts/screenshots'
mkdirSync(SHOTS, { recursive: true })

interface Opened { ctx: Ctx, base: string, context: BrowserContext, page: Page, outside: string[] }

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
  context.on('request', (req) => { if (!req.url().startsWith(base)) outside.push(req.url()) })
  return { ctx, base, context, page, outside }
}

const shot = async (page: Page, name: string): Promise<void> => { await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true }) }

const W = {
  'zh-CN': { phone: '手机号', send: '获取验证码', code: '验证码', name: '姓名', id: '身份证号', save: '保存', green: '绿码', logout: '退出登录', loginTitle: '手机号登录', void: '二维码已失效', clock: '当前时间', offline: '离线', title: '健康码' },
  en: { phone: 'Phone number', send: 'Get code', code: 'Code', name: 'Name', id: 'ID number', save: 'Save', green: 'Green code', logout: 'Log out', loginTitle: 'Log in with your phone', void: 'This QR code is no longer valid', clock: 'Current time', offline: 'Offline', title: 'Health code' }
} as const

/** A resident already logged in on this phone (as after the login form), with a profile. */
async function loggedIn (ctx: Ctx, page: Page, base: string): Promise<void> {
  const r = await ctx.resident({ profile: { name: '王五' } })
  await page.goto(`${base}/h5/resident/`)
  await page.evaluate((token) => { localStorage.setItem('gp.resident.token', token); localStorage.setItem('gp.resident.masked', '王*') }, r.token)
  await page.reload()
}

const skip = browserSkipReason()
void t.test('resident page on a shared or offline phone', { skip: skip ?? false }, async (t) => {
  const browser = await launch()
  t.teardown(async () => { await browser.close() })

  await t.test('a new phone shows whose code it is without the profile form (the masked name comes with the code)', async (t) => {
    const { ctx, base, page, outside } = await open(t, browser, 'zh-CN')
    const r = await ctx.resident({ profile: { name: '欧阳娜娜' } })
    await page.goto(`${base}/h5/resident/`)
    await page.getByLabel('手机号', { exact: true }).fill(r.phone)
    await page.getByRole('button', { name: '获取验证码' }).click()
    const code = /(\d{6})/.exec(await page.getByRole('status').filter({ hasText: /\d{6}/ }).innerText())?.[1] ?? ''
    await page.getByLabel('验证码', { exact: true }).fill(code)
    await page.keyboard.press('Enter')
    await page.getByText('欧阳**').waitFor()
    t.equal(await page.getByText('欧阳娜娜').count(), 0, 'never the full name')
    t.same(outside, [])
  })

  for (const locale of ['zh-CN', 'en'] as const) {
    const w = W[locale]

    await t.test(`logout on a shared phone leaves no trace [${locale}]`, async (t) => {
      const { base, page, outside } = await open(t, browser, locale)
      await page.goto(`${base}/h5/resident/`)
      const phone = locale === 'en' ? '13600003333' : '13600004444'
      const name = '欧阳娜娜'
      const idNumber = idNumberFor(locale === 'en' ? 4242 : 4243)
      await page.getByLabel(w.phone, { exact: true }).fill(phone)
      await page.getByRole('button', { name: w.send }).click()
      const dev = page.getByRole('status').filter({ hasText: /\d{6}/ })
      await dev.waitFor()
      const devCode = /(\d{6})/.exec(await dev.innerText())?.[1] as string
      await page.getByLabel(w.code, { exact: true }).fill(devCode)
      await page.getByLabel(w.code, { exact: true }).press('Enter')
      await page.getByLabel(w.name, { exact: true }).fill(name)
      await page.getByLabel(w.id, { exact: true }).fill(idNumber)
      await page.getByRole('button', { name: w.save }).click()
      await page.getByText(w.green, { exact: true }).waitFor()
      t.ok(await page.getByText('欧阳**').isVisible(), 'the masked name is shown while logged in')

      await page.getByRole('button', { name: w.logout }).click()
      await page.getByRole('heading', { name: w.loginTitle }).waitFor()
      await shot(page, `resident-after-logout-${locale}`)

      const traces = [name, '欧阳', idNumber, phone, devCode]
      const check = async (when: string): Promise<void> => {
        const html = await page.content()
        for (const s of traces) t.notOk(html.includes(s), `${when}: "${s}" is nowhere in the page`)
        const values = await page.locator('input, textarea').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))
        t.ok(values.length > 0 && values.every((v) => v === ''), `${when}: every field is empty`)
        const stored = await page.evaluate(async () => {
          const out: string[] = []
          for (const store of [localStorage, sessionStorage]) for (const k of Object.keys(store)) out.push(`${k}=${store.getItem(k) ?? ''}`)
          const dbs = 'databases' in indexedDB ? (await indexedDB.databases()).map((d) => d.name ?? '') : []
          const cached: string[] = []
          for (const n of await caches.keys()) for (const r of await (await caches.open(n)).keys()) if (!new URL(r.url).pathname.startsWith('/h5/')) cached.push(r.url)
          return { out, dbs, cached }
        })
        t.same(stored.out.filter((kv) => !kv.startsWith('gp.lang=')), [], `${when}: nothing but the language is kept in local or session storage`)
        t.same(stored.cached, [], `${when}: no API answer is cached`)
        t.notOk(traces.some((s) => stored.dbs.join(' ').includes(s)), `${when}: no IndexedDB database names the person`)
      }
      await check('after logout')
      // The next person opens the page again: an empty login, no dev code.
      await page.reload()
      await page.getByRole('heading', { name: w.loginTitle }).waitFor()
      t.equal(await page.getByRole('status').filter({ hasText: /\d{6}/ }).count(), 0, 'no dev code shown')
      await check('reopened')
      t.same(outside, [], 'nothing is fetched from outside the service')
    })

    await t.test(`an expired code with no network is void [${locale}]`, async (t) => {
      const { ctx, base, context, page } = await open(t, browser, locale)
      await page.clock.install()
      await loggedIn(ctx, page, base)
      await page.getByText(w.green, { exact: true }).waitFor()
      t.ok(await page.getByLabel(w.clock).isVisible(), 'a running clock while the code is valid')

      await context.setOffline(true)
      await page.clock.fastForward('02:00')
      await page.getByText(w.void, { exact: true }).waitFor()
      t.equal(await page.getByLabel(w.clock).count(), 0, 'no running clock pretends the code is valid')
      t.ok(await page.getByText(w.offline).first().isVisible(), 'the page says it is offline')
      await shot(page, `resident-void-${locale}`)

      // Greyed and crossed: no black module is left on screen, and a red cross lies over it.
      const png = PNG.sync.read(await page.getByRole('img', { name: w.void }).screenshot())
      let black = 0
      let red = 0
      for (let i = 0; i < png.data.length; i += 4) {
        const [r, g, b] = [png.data[i] as number, png.data[i + 1] as number, png.data[i + 2] as number]
        if (r < 60 && g < 60 && b < 60) black++
        if (r > 150 && g < 80 && b < 80) red++
      }
      t.equal(black, 0, 'the QR is greyed out')
      t.ok(red > 500, 'the QR is crossed out')

      // Back online, a fresh code replaces the void one.
      await context.setOffline(false)
      await page.clock.fastForward('00:10')
      await page.getByLabel(w.clock).waitFor()
      t.equal(await page.getByText(w.void, { exact: true }).count(), 0, 'a fresh code once the network is back')
    })

    await t.test(`a reload with no network opens from the service worker and says offline [${locale}]`, async (t) => {
      const { ctx, base, context, page } = await open(t, browser, locale)
      await loggedIn(ctx, page, base)
      await page.getByText(w.green, { exact: true }).waitFor()
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready
        for (;;) {
          const name = (await caches.keys()).find((n) => n.startsWith('gridpass-h5-'))
          const urls = name === undefined ? [] : (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname)
          if (navigator.serviceWorker.controller !== null && urls.includes('/h5/resident/') && urls.some((u) => u.startsWith('/h5/assets/resident-'))) return
          await new Promise((resolve) => setTimeout(resolve, 100))
        }
      })
      await context.setOffline(true)
      const res = await page.reload()
      t.ok(res?.fromServiceWorker(), 'the page came from the service worker')
      await page.getByRole('heading', { name: w.title }).waitFor()
      await page.getByText(w.offline).first().waitFor()
      t.equal(await page.getByRole('heading', { name: w.loginTitle }).count(), 0, 'still logged in, not sent to the login')
      await shot(page, `resident-offline-reload-${locale}`)
    })
  }
})

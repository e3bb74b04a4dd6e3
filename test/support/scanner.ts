// What the scanner page tests share: a service with a checkpoint and its volunteer, the page logged in, a
// keyboard-wedge scan, the verdict on screen, a person's trail.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { makeCtx, type Ctx, type Test } from '../helper.ts'
import { validate, version } from 'uuid'

const SHOTS = resolve(import.meta.dirname, '../../test-artifacts/screenshots')
mkdirSync(SHOTS, { recursive: true })

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

export interface World {
  ctx: Ctx
  base: string
  /** Moves the service's clock (the browser keeps the real one): codes signed in the past are expired now. */
  shift: { ms: number }
  checkpointId: string
  volunteer: { username: string, password: string }
  tmp: string
}

export async function world (t: Test): Promise<World> {
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

export async function codeOf (ctx: Ctx, token: string): Promise<string> {
  const res = await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearer(token) })
  if (res.statusCode !== 200) throw new Error(res.body)
  return res.json().token as string
}

/**
 * The time of a UUIDv7 (RFC 9562: its first 48 bits, epoch milliseconds), or null when `id` is not a UUIDv7: the pages
 * make their scan ids so (src/web/shared/api.ts), and the trail is kept in their order.
 */
export function uuid7Time (id: string): number | null {
  if (!validate(id) || version(id) !== 7) return null
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16)
}

export async function trailOf (ctx: Ctx, personId: string): Promise<Array<{ id: string, checkpointId: string, decision: string }>> {
  const tracer = await ctx.staff('tracer')
  const res = await ctx.inject({ method: 'GET', url: `/v1/people/${personId}/trail?purpose=case-2026-001`, headers: bearer(tracer) })
  if (res.statusCode !== 200) throw new Error(res.body)
  return res.json().scans as Array<{ id: string, checkpointId: string, decision: string }>
}

export async function openScanner (t: Test, browser: Browser, w: World): Promise<{ context: BrowserContext, page: Page, clean: () => void }> {
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

export async function shot (page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `scanner-${name}.png`) })
}

/** What a USB or Bluetooth scanner does: type the QR text and Enter. */
export async function wedge (page: Page, text: string): Promise<void> {
  await page.locator('body').click({ position: { x: 5, y: 5 } }).catch(() => undefined)
  // The keys in one burst, as a scanner sends them: typed one by one from here, each key is a round trip to the browser,
  // and on a loaded machine one of them took longer than the 300 ms the page allows between a scanner's keys, which
  // split the code (CI saw "not a health code").
  await page.evaluate((keys) => {
    for (const key of [...keys, 'Enter']) document.body.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }))
  }, [...text])
}

export async function result (page: Page): Promise<string> {
  const dialog = page.getByRole('alertdialog')
  await dialog.waitFor()
  return (await dialog.innerText()).replace(/\s+/g, ' ')
}

export async function dismiss (page: Page): Promise<void> {
  await page.getByRole('alertdialog').click()
  await page.getByRole('alertdialog').waitFor({ state: 'detached' })
}


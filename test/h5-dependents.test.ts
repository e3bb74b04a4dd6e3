// 家人代管 on the resident's page in real Chromium at 390×844: adding a dependent, their live code drawn on the phone
// (it decodes, and a checkpoint lets a green dependent through), the sixth refused in words; on both databases.
import { mkdirSync } from 'node:fs'
import t from 'tap'
import jsQRModule from 'jsqr'
import { PNG } from 'pngjs'
import type { Browser, Locator } from 'playwright-core'
import { bearerOf, dialects, idNumberFor, makeCtx, type Dialect, type Test } from './helper.ts'
import { browserSkipReason, launch } from './support/browser.ts'

type JsQR = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null
const jsQR = ((jsQRModule as unknown as { default?: JsQR }).default ?? jsQRModule) as unknown as JsQR
const SHOTS = 'test-artifacts/screenshots'
mkdirSync(SHOTS, { recursive: true })

async function decodeQr (canvas: Locator): Promise<string | null> {
  const png = PNG.sync.read(await canvas.screenshot())
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data ?? null
}

const skip = browserSkipReason()
void t.test('dependents on the resident page in Chromium', { skip: skip ?? false }, async (t) => {
  const browser = await launch()
  t.teardown(async () => { await browser.close() })
  for (const dialect of dialects()) {
    await t.test(`add a dependent, show their code, a checkpoint accepts it, the sixth is refused [${dialect}]`, async (t) => {
      await scenario(t, browser, dialect)
    })
  }
})

async function scenario (t: Test, browser: Browser, dialect: Dialect): Promise<void> {
  const ctx = await makeCtx(t, dialect)
  await ctx.app.listen({ port: 0, host: '127.0.0.1' })
  const address = ctx.app.server.address()
  const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
  const gridId = await ctx.grid()
  const me = await ctx.resident({ profile: { name: '王建国', gridId } })
  const checkpoint = await ctx.checkpoint()
  const volunteer = await ctx.staff('volunteer', { checkpointIds: [checkpoint] })

  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, locale: 'zh-CN' })
  t.teardown(async () => { await context.close() })
  // Signed in already (the phone login is the resident page test's): the session as the page keeps it.
  await context.addInitScript((token) => { localStorage.setItem('gp.resident.token', token) }, me.token)
  const page = await context.newPage()
  const outside: string[] = []
  const errors: string[] = []
  context.on('request', (req) => { if (!req.url().startsWith(base)) outside.push(req.url()) })
  page.on('pageerror', (err) => { errors.push(String(err)) })

  await page.goto(`${base}/h5/resident/`)
  await page.getByText('绿码', { exact: true }).first().waitFor()
  await page.getByRole('tab', { name: '家人代管' }).click()
  await page.getByText('还没有代管的家人。').waitFor()

  // Adding one: a bad ID number in words, then a good one, listed with their colour.
  await page.getByLabel('家人姓名', { exact: true }).fill('王奶奶')
  await page.getByLabel('家人身份证号', { exact: true }).fill('420581199001011230')
  await page.getByRole('button', { name: '添加', exact: true }).click()
  t.match(await page.getByRole('alert').innerText(), /身份证号码不正确|请输入 18 位身份证号/)
  const grandma = idNumberFor(dialect === 'pg' ? 515_151 : 525_252)
  await page.getByLabel('家人身份证号', { exact: true }).fill(grandma)
  await page.getByRole('button', { name: '添加', exact: true }).click()
  await page.getByText('已添加：王奶奶').waitFor()
  const row = page.getByTestId('dependent').filter({ hasText: '王奶奶' })
  t.match(await row.innerText(), /绿码/)
  await page.screenshot({ path: `${SHOTS}/resident-family-${dialect}.png`, fullPage: true })

  // Their code, drawn on the phone: it decodes, names them masked, and a checkpoint lets them through.
  await page.getByRole('button', { name: '出示 王奶奶 的健康码' }).click()
  const family = page.getByRole('region', { name: '家人代管' })
  await family.getByText('王**').waitFor()
  await family.locator('canvas').waitFor()
  await page.waitForTimeout(300)
  await page.screenshot({ path: `${SHOTS}/resident-family-code-${dialect}.png`, fullPage: true })
  const token = await decodeQr(family.locator('canvas'))
  t.ok(token !== null, 'the dependent\'s QR decodes')
  const payload = JSON.parse(Buffer.from((token as string).split('.')[1] as string, 'base64url').toString()) as { sub: string }
  t.not(payload.sub, me.personId, 'it is the dependent\'s code, not mine')
  const scan = await ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(volunteer), payload: { id: crypto.randomUUID(), checkpointId: checkpoint, token, direction: 'in' } })
  t.equal(scan.statusCode, 200, scan.body)
  t.equal(scan.json().decision, 'allow', 'the checkpoint accepts a green dependent\'s code')
  t.equal(scan.json().personId, payload.sub)

  // Four more through the API; the sixth on the page is refused in words.
  await page.getByRole('button', { name: '返回家人列表' }).click()
  for (let i = 0; i < 4; i++) {
    const res = await ctx.inject({ method: 'POST', url: '/v1/me/dependents', headers: bearerOf(me.token), payload: { name: `王家${'一二三四'[i] as string}`, idNumber: idNumberFor((dialect === 'pg' ? 515_160 : 525_260) + i) } })
    t.equal(res.statusCode, 201, res.body)
  }
  await page.getByRole('tab', { name: '为何此色' }).click()
  await page.getByRole('tab', { name: '家人代管' }).click()
  await page.getByTestId('dependent').nth(4).waitFor()
  await page.getByLabel('家人姓名', { exact: true }).fill('王小六')
  await page.getByLabel('家人身份证号', { exact: true }).fill(idNumberFor(dialect === 'pg' ? 515_170 : 525_270))
  await page.getByRole('button', { name: '添加', exact: true }).click()
  t.match(await page.getByRole('alert').innerText(), '最多只能代管 5 位家人')
  const text = await page.locator('main').innerText()
  t.notMatch(text, /GP_[A-Z]|dependents:|at most|body\./, 'no server codes or English on screen')

  // Every button at least 44 px high, every input labelled.
  const bad = await page.evaluate(() => {
    const out: string[] = []
    for (const b of Array.from(document.querySelectorAll('.van-tabs__content button'))) {
      const r = b.getBoundingClientRect()
      if (r.height > 0 && r.height < 44) out.push(`button "${(b.textContent ?? '').trim()}" ${r.height}px`)
    }
    for (const i of Array.from(document.querySelectorAll('.van-tabs__content input'))) {
      const el = i as HTMLInputElement
      if (!(el.labels !== null && el.labels.length > 0) && el.getAttribute('aria-label') === null && el.getAttribute('aria-labelledby') === null) out.push(`input ${el.name}`)
    }
    return out
  })
  t.same(bad, [], '44 px buttons, labelled inputs')
  t.same(outside, [], 'nothing is fetched from outside the service')
  t.same(errors, [], 'no script errors')
}

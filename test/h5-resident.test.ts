// The resident's H5 page in real Chromium: log in, fill the profile, see a live code that decodes and verifies, declare, switch language.
import { createPublicKey, verify } from 'node:crypto'
import t from 'tap'
import jsQRModule from 'jsqr'
import { PNG } from 'pngjs'
import { makeCtx, idNumberFor } from './helper.ts'
import { browserSkipReason, launch } from './support/browser.ts'

type JsQR = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null
const jsQR = ((jsQRModule as unknown as { default?: JsQR }).default ?? jsQRModule) as unknown as JsQR

const skip = browserSkipReason()
void t.test('resident page in Chromium', { skip: skip ?? false }, async (t) => {
  const ctx = await makeCtx(t, 'sqlite')
  await ctx.app.listen({ port: 0, host: '127.0.0.1' })
  const address = ctx.app.server.address()
  const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
  const browser = await launch()
  t.teardown(async () => { await browser.close() })
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 })
  const outside: string[] = []
  page.on('request', (req) => { if (!req.url().startsWith(base)) outside.push(req.url()) })
  const pageErrors: string[] = []
  page.on('pageerror', (err) => { pageErrors.push(String(err)) })

  await page.goto(`${base}/h5/resident.html`)
  t.equal(await page.textContent('#login h2'), '手机号登录', 'Chinese first')

  // Login with the dev-mode code the page shows.
  await page.fill('#phone', '13700001111')
  await page.click('#send')
  await page.waitForSelector('#devcode:not(.hidden)')
  const devText = await page.textContent('#devcode') ?? ''
  const code = /(\d{6})/.exec(devText)?.[1]
  t.ok(code, 'the dev code is shown')
  await page.fill('#otp', code as string)
  await page.click('#verify')

  // A wrong ID number is explained; a right one leads to the code.
  await page.waitForSelector('#profile:not(.hidden)')
  await page.fill('#name', '李四')
  await page.fill('#idnumber', '420581199001011230')
  await page.click('#save-profile')
  await page.waitForFunction(() => (document.getElementById('profile-error')?.textContent ?? '') !== '')
  t.match(await page.textContent('#profile-error'), /身份证号码不正确/)
  const idNumber = idNumberFor(777)
  await page.fill('#idnumber', idNumber)
  await page.click('#save-profile')
  await page.waitForSelector('#home:not(.hidden)')
  await page.waitForFunction(() => document.getElementById('qr')?.getAttribute('data-token') !== null)
  t.equal(await page.textContent('#code-label'), '绿码')

  // What a volunteer's camera would see: the QR on screen decodes to a token that verifies against the JWKS.
  const shot = PNG.sync.read(await page.locator('#qr').screenshot())
  const decoded = jsQR(new Uint8ClampedArray(shot.data), shot.width, shot.height)
  t.ok(decoded, 'the QR on screen decodes')
  const token = decoded?.data ?? ''
  t.equal(token, await page.getAttribute('#qr', 'data-token'))
  const [h, p, s] = token.split('.') as [string, string, string]
  const kid = (JSON.parse(Buffer.from(h, 'base64url').toString()) as { kid: string }).kid
  const jwks = (await (await fetch(`${base}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> }
  const jwk = jwks.keys.find((k) => k.kid === kid)
  t.ok(jwk !== undefined && verify('sha256', Buffer.from(`${h}.${p}`), { key: createPublicKey({ key: jwk as never, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url')), 'the on-screen code verifies with the public key')
  const payload = Buffer.from(p, 'base64url').toString()
  t.notOk(payload.includes(idNumber) || payload.includes('李四') || payload.includes('13700001111'), 'no personal data in the QR')
  t.match(await page.textContent('#clock'), /^\d\d:\d\d:\d\d$/, 'a live clock runs beside the code')

  // A fever: the page turns yellow and says why.
  await page.click('nav.tabs button[data-tab="declare"]')
  await page.fill('#temp', '38.2')
  await page.click('#declare')
  await page.waitForSelector('#code.yellow')
  t.equal(await page.textContent('#code-label'), '黄码')
  await page.click('nav.tabs button[data-tab="why"]')
  await page.waitForFunction(() => (document.getElementById('reasons')?.textContent ?? '').includes('37.3'))
  t.match(await page.textContent('#reasons'), /本人申报体温/)
  await page.screenshot({ path: '.tap/resident-yellow.png', fullPage: true })

  // English switch.
  await page.click('#lang')
  t.equal(await page.textContent('#code-label'), 'YELLOW')
  t.match(await page.textContent('#reasons'), /You declared a temperature/)

  t.same(outside, [], 'the page loads nothing from outside the service')
  t.same(pageErrors, [], 'no script errors')
})

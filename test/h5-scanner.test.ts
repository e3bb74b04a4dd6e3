// The volunteer's scanner page in real Chromium, online: the resident page's code shown to the fake camera is decoded,
// judged by the server and shown; a yellow code; what is not a health code; a camera that cannot be used.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { browserSkipReason, ffmpegSkipReason, launch, pngToY4m } from './support/browser.ts'
import { bearer, dismiss, openScanner, result, shot, trailOf, wedge, world } from './support/scanner.ts'

const skip = browserSkipReason() ?? ffmpegSkipReason()

void t.test('scanner page in Chromium', { skip: skip ?? false }, async (t) => {
  t.test('the camera: the resident page\'s code in front of the fake camera gives 通行 绿码 and the masked name, and the scan is in the trail', async (t) => {
    const w = await world(t)
    const r = await w.ctx.resident({ profile: { name: '李小明' } })
    // The resident's own page, on the resident's phone: a screenshot of the QR it draws is what the camera sees.
    const phone = await launch()
    t.teardown(() => phone.close())
    const residentPage = await phone.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 })
    await residentPage.goto(`${w.base}/h5/resident/`)
    await residentPage.evaluate((token) => { localStorage.setItem('gp.resident.token', token) }, r.token)
    await residentPage.reload()
    await residentPage.getByText('李**').waitFor()
    await residentPage.getByRole('img', { name: '健康码二维码' }).screenshot({ path: join(w.tmp, 'code.png') })
    await phone.close()
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

// The volunteer's scanner page in real Chromium, offline: codes judged on the phone as the server would, kept across
// a reload and an expired session, synced exactly once; no IndexedDB; a verdict the server later judged differently.
import t from 'tap'
import { browserSkipReason, launch } from './support/browser.ts'
import { bearer, codeOf, dismiss, openScanner, result, shot, trailOf, wedge, world } from './support/scanner.ts'

const skip = browserSkipReason()

void t.test('scanner page offline in Chromium', { skip: skip ?? false }, async (t) => {
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
    await page.getByText('状态名单：刚刚更新').waitFor()
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

  t.test('a colour changed before an offline scan: the server\'s different verdict is reported with the scan', async (t) => {
    const w = await world(t)
    const r = await w.ctx.resident({ profile: { name: '冯十二' } })
    // A live code signed green, then the holder turns red while that code is still valid: offline it reads green.
    const code = await codeOf(w.ctx, r.token)
    const red = await w.ctx.inject({ method: 'POST', url: '/v1/me/declarations', headers: bearer(r.token), payload: { temperature: 36.6, symptoms: [], visitedHighRiskArea: true, contactWithConfirmed: false } })
    t.equal(red.json().color, 'red')
    const browser = await launch()
    t.teardown(() => browser.close())
    const { context, page, clean } = await openScanner(t, browser, w)
    await context.setOffline(true)
    await page.getByText('离线：扫码照常判定').waitFor()
    await wedge(page, code)
    t.match(await result(page), /通行 绿码/, 'offline, the code\'s own signed colour')
    await dismiss(page)
    await context.setOffline(false)
    const notice = page.getByRole('alert').filter({ hasText: '服务器的判定与现场不同' })
    await notice.waitFor({ timeout: 20_000 })
    const text = (await notice.innerText()).replace(/\s+/g, ' ')
    t.match(text, /现场显示 通行 · 绿码，服务器判定 禁止通行 · 红码/, 'which verdict was shown and what the server said')
    t.match(text, /冯\*\*/, 'whose scan it was, masked')
    await shot(page, 'mismatch')
    await notice.getByRole('button', { name: '知道了' }).click()
    t.equal(await notice.count(), 0, 'dismissed')
    clean()
  })
})

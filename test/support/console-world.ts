// A small county for the console tests, seeded through the test helper: checkpoints of each kind with coordinates,
// residents with names and ID numbers, and scans at exact times (one car, a market stay, a community gate, a second
// car) so that the index person has close contacts, one secondary contact, exposure contacts and more companions
// than one page; staff of each role; and the browser's login.
import { randomBytes, randomUUID } from 'node:crypto'
import type { Page } from 'playwright-core'
import type { Ctx } from '../helper.ts'

const MIN = 60_000
export const PASSWORD = 'staff-password-123'
export const COMPANIONS = 25

export interface Resident { personId: string, token: string, idNumber: string, name: string }
export interface ConsoleWorld {
  index: Resident
  close: Resident[]
  secondary: Resident
  exposure: Resident[]
  companions: Resident[]
  checkpoints: { car: string, market: string, gate: string, bridge: string }
  /** The start of the index person's day (26 hours before now). */
  base: number
}

/** Scans at exact times, inserted as the scans module writes them: [personId, checkpointId, time, direction?, plate?]. */
async function scans (ctx: Ctx, rows: Array<[string, string, number, ('in' | 'out' | 'pass')?, string?]>): Promise<void> {
  await ctx.app.store.tx(async (db) => {
    await db.insert(ctx.app.store.t.scans).values(rows.map(([personId, checkpointId, scannedAt, direction, plate]) => ({
      id: randomUUID(), personId, checkpointId, actorId: 'test', source: 'scan', kind: 'live', scannedAt, receivedAt: scannedAt,
      direction: direction ?? null, plate: plate ?? null, color: 'green', decision: 'allow', reason: null, jti: null, offline: false, requestHash: 'test', flags: null
    })))
  })
}

export async function resident (ctx: Ctx, name: string): Promise<Resident> {
  const r = await ctx.resident({ profile: { name } })
  return { personId: r.personId, token: r.token, idNumber: r.idNumber, name }
}

/** A person without a phone login (most of the county), inserted as the people module writes them, with a name. */
async function person (ctx: Ctx, name: string): Promise<Resident> {
  const id = randomBytes(16).toString('base64url')
  const now = ctx.clock.now()
  await ctx.app.store.tx(async (db) => { await db.insert(ctx.app.store.t.people).values({ id, nameEnc: ctx.app.pii.encrypt(name), createdBy: 'test', createdAt: now, updatedAt: now }) })
  return { personId: id, token: '', idNumber: '', name }
}

export async function seedCounty (ctx: Ctx): Promise<ConsoleWorld> {
  const now = ctx.clock.now()
  const base = Math.floor((now - 26 * 60 * MIN) / MIN) * MIN
  const car = await ctx.checkpoint({ name: '陆城高速卡口', kind: 'traffic', lat: 30.391, lon: 111.452 })
  const market = await ctx.checkpoint({ name: '清江农贸市场', kind: 'venue', lat: 30.402, lon: 111.471 })
  const gate = await ctx.checkpoint({ name: '园林社区东门', kind: 'community', lat: 30.412, lon: 111.463 })
  const bridge = await ctx.checkpoint({ name: '清江大桥卡口', kind: 'traffic', lat: 30.431, lon: 111.502 })

  const index = await resident(ctx, '张伟')
  // Residents with a login where the test reads their own status; the rest without (the OTP route's rate limit).
  const close = [await resident(ctx, '李娜'), await resident(ctx, '王芳'), await person(ctx, '刘洋')]
  const secondary = await person(ctx, '陈静')
  const exposure = [await resident(ctx, '杨敏'), await resident(ctx, '赵磊')]
  const companions: Resident[] = []
  const surnames = '孙周吴郑冯褚卫蒋沈韩朱秦尤许何吕施孔曹严华金魏陶姜'
  for (let i = 0; i < COMPANIONS; i++) companions.push(await person(ctx, `${surnames[i] as string}${'一二三四五'[i % 5] as string}`))

  await scans(ctx, [
    // One car through the highway gate: the index person and three passengers, the same plate, seconds apart.
    [index.personId, car, base, 'pass', '鄂E12345'],
    ...close.map((c, i): [string, string, number, 'pass', string] => [c.personId, car, base + (i + 1) * 5000, 'pass', '鄂E12345']),
    // An hour at the market; two others there at the same time.
    [index.personId, market, base + 60 * MIN, 'in'], [index.personId, market, base + 120 * MIN, 'out'],
    [exposure[0]!.personId, market, base + 70 * MIN, 'in'], [exposure[0]!.personId, market, base + 110 * MIN, 'out'],
    [exposure[1]!.personId, market, base + 90 * MIN, 'in'], [exposure[1]!.personId, market, base + 140 * MIN, 'out'],
    // The community gate, with a stream of neighbours within 15 minutes.
    [index.personId, gate, base + 180 * MIN, 'pass'],
    ...companions.map((c, i): [string, string, number, 'pass'] => [c.personId, gate, base + 180 * MIN + (3 + (i % 10)) * MIN, 'pass']),
    // Later, one passenger drives someone else over the bridge: a secondary contact.
    [close[0]!.personId, bridge, base + 300 * MIN, 'pass', '鄂E99999'], [secondary.personId, bridge, base + 300 * MIN + 4000, 'pass', '鄂E99999']
  ])
  return { index, close, secondary, exposure, companions, checkpoints: { car, market, gate, bridge }, base }
}

/** Creates a staff account (created by the admin, now) and returns its login. */
export async function staffUser (ctx: Ctx, role: string, username: string): Promise<{ username: string, password: string }> {
  await ctx.staff(role, { username })
  return { username, password: PASSWORD }
}

/** Logs in on the console's form by its labels (zh-CN). */
export async function consoleLogin (page: Page, base: string, user: { username: string, password: string }): Promise<void> {
  await page.goto(`${base}/console`)
  await page.getByLabel('用户名').fill(user.username)
  await page.getByLabel('密码').fill(user.password)
  await page.getByRole('button', { name: '登录' }).click()
  await page.getByRole('button', { name: '退出登录' }).waitFor()
}

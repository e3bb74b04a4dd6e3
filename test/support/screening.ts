// Fixtures of the screening tests: a small area tree, households and their members (through the API; through the
// store only where the households or people API does not take them), staff in it, and the screening calls.
import { randomBytes } from 'node:crypto'
import type { LightMyRequestResponse } from 'fastify'
import { bearerOf, type Ctx } from '../helper.ts'

export const STAFF_PASSWORD = 'staff-password-123'

/**
 * city c1 → street s1 → community k1 (grids g1, g2) and community k2 (grid g3). Returns nothing: the ids are fixed
 * (a fresh database per test).
 */
export async function tree (ctx: Ctx): Promise<void> {
  const admin = bearerOf(await ctx.admin())
  const areas = [
    { id: 'c1', name: '宜都市', level: 'city' },
    { id: 's1', name: '陆城街道', level: 'street', parentId: 'c1' },
    { id: 'k1', name: '桂花园社区', level: 'community', parentId: 's1' },
    { id: 'k2', name: '清江社区', level: 'community', parentId: 's1' },
    { id: 'g1', name: '桂花园一网格', level: 'grid', parentId: 'k1' },
    { id: 'g2', name: '桂花园二网格', level: 'grid', parentId: 'k1' },
    { id: 'g3', name: '清江一网格', level: 'grid', parentId: 'k2' }
  ]
  for (const a of areas) {
    const res = await ctx.inject({ method: 'POST', url: '/v1/areas', headers: admin, payload: a })
    if (res.statusCode !== 201) throw new Error(`area ${a.id}: ${res.body}`)
  }
}

/** A staff user with a scope (grid worker: gridIds; officer, tracer: areaIds), logged in. */
export async function staffIn (ctx: Ctx, role: string, scope: { gridIds?: string[], areaIds?: string[] } = {}, username = `${role}-${randomBytes(4).toString('hex')}`): Promise<string> {
  const created = await ctx.inject({ method: 'POST', url: '/v1/users', headers: bearerOf(await ctx.admin()), payload: { username, password: STAFF_PASSWORD, role, ...scope } })
  if (created.statusCode !== 201) throw new Error(`user ${username}: ${created.body}`)
  const res = await ctx.inject({ method: 'POST', url: '/v1/auth/login', payload: { username, password: STAFF_PASSWORD } })
  return res.json().accessToken as string
}

/** A household of the grid (POST /v1/households as the admin). */
export async function household (ctx: Ctx, gridId: string, address: string): Promise<string> {
  const res = await ctx.inject({ method: 'POST', url: '/v1/households', headers: bearerOf(await ctx.admin()), payload: { gridId, address } })
  if (res.statusCode === 201) return res.json().id as string
  if (res.statusCode !== 404) throw new Error(`household: ${res.body}`)
  // The households API is not there yet: the row as that module writes it.
  const { store, pii } = ctx.app
  const id = randomBytes(12).toString('base64url')
  const now = ctx.clock.now()
  await store.db.insert(store.t.households).values({ id, gridId, addressEnc: pii.encrypt(address), addressIdx: pii.mac(`${gridId}\n${address}`), phoneEnc: null, createdBy: 'admin', createdAt: now, updatedAt: now })
  return id
}

/** A resident with a phone living in the household: their token, personId, phone and ID number. */
export async function member (ctx: Ctx, householdId: string, gridId: string, name: string) {
  const r = await ctx.resident({ profile: { name, gridId } })
  const put = await ctx.inject({ method: 'PUT', url: '/v1/me/profile', headers: bearerOf(r.token), payload: { name, idNumber: r.idNumber, householdId } })
  if (put.statusCode !== 200) {
    if (!/householdId: is not a known field/.test(put.body)) throw new Error(`member: ${put.body}`)
    const { store } = ctx.app
    const { eq } = await import('drizzle-orm')
    await store.db.update(store.t.people).set({ householdId }).where(eq(store.t.people.id, r.personId))
  }
  return r
}

export const screen = async (ctx: Ctx, token: string, householdId: string, payload: Record<string, unknown>): Promise<LightMyRequestResponse> =>
  ctx.inject({ method: 'POST', url: `/v1/households/${householdId}/screenings`, headers: bearerOf(token), payload })

export async function openRound (ctx: Ctx, token: string, areaId: string, name = '第一轮入户排查'): Promise<string> {
  const res = await ctx.inject({ method: 'POST', url: '/v1/screening-rounds', headers: bearerOf(token), payload: { areaId, name } })
  if (res.statusCode !== 201) throw new Error(`round: ${res.body}`)
  return res.json().id as string
}

export async function highRisk (ctx: Ctx, token: string, areas: Array<Record<string, unknown>>): Promise<LightMyRequestResponse> {
  return ctx.inject({ method: 'PUT', url: '/v1/high-risk-areas', headers: bearerOf(token), payload: { areas } })
}

/** The audit entries of an action (as the admin reads the log). */
export async function audited (ctx: Ctx, action: string): Promise<Array<{ actor: string, role: string, action: string, target: string | null, purpose: string | null }>> {
  const res = await ctx.inject({ method: 'GET', url: `/v1/audit?limit=1000&action=${encodeURIComponent(action)}`, headers: bearerOf(await ctx.admin()) })
  if (res.statusCode !== 200) throw new Error(`audit: ${res.body}`)
  return res.json().entries
}

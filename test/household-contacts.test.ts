// Household members as contacts (docs/tracing.md, "Households"): each other's close depth-1 contacts through one
// encounter of kind household at the range's start, whatever the scans; depth 2 goes on from them; totals count them.
import { randomUUID } from 'node:crypto'
import { randomId } from '../src/lib/ids.ts'
import { eachDb, bearerOf, type Ctx } from './helper.ts'

const at = (hhmm: string): number => Date.parse(`2026-03-01T${hhmm.length === 5 ? `${hhmm}:00` : hhmm}.000Z`)
const FROM = '2026-03-01T00:00:00.000Z'
const TO = '2026-03-02T00:00:00.000Z'

async function person (ctx: Ctx, name: string, householdId: string | null): Promise<string> {
  const id = randomId()
  const now = ctx.clock.now()
  await ctx.app.store.tx(async (db) => { await db.insert(ctx.app.store.t.people).values({ id, nameEnc: ctx.app.pii.encrypt(name), householdId, createdBy: 'test', createdAt: now, updatedAt: now }) })
  return id
}
async function scans (ctx: Ctx, rows: Array<[string, string, number, string?]>): Promise<void> {
  await ctx.app.store.tx(async (db) => {
    await db.insert(ctx.app.store.t.scans).values(rows.map(([personId, checkpointId, scannedAt, plate]) => ({
      id: randomUUID(), personId, checkpointId, actorId: 'test', source: 'scan', kind: 'live', scannedAt, receivedAt: scannedAt,
      direction: 'pass' as const, plate: plate ?? null, color: 'green', decision: 'allow', reason: null, jti: null, offline: false, requestHash: 'test', flags: null
    })))
  })
}
const contacts = async (ctx: Ctx, personId: string, extra: Record<string, string> = {}, file = 'contacts') =>
  ctx.inject({ method: 'GET', url: `/v1/people/${personId}/${file}?${new URLSearchParams({ from: FROM, to: TO, purpose: 'case-7', ...extra })}`, headers: bearerOf(await ctx.admin()) })

interface ContactView { personId: string, tier: string, depth: number, via: string, score: number, firstEncounterAt: string, encounterCount: number, encounters: Array<Record<string, unknown>> }

eachDb('housemates are close depth-1 contacts with a household encounter at from, even without scans', async (t, ctx) => {
  ctx.clock.set(at('23:00'))
  const gridId = await ctx.grid()
  const created = await ctx.inject({ method: 'POST', url: '/v1/households', headers: bearerOf(await ctx.admin()), payload: { gridId, address: '清江路 8号' } })
  t.equal(created.statusCode, 201, created.body)
  const home = created.json().id as string
  const G = await ctx.checkpoint({ name: '陆城卡口', kind: 'traffic' })
  const A = await person(ctx, '甲', home)
  const M1 = await person(ctx, '乙', home)
  const M2 = await person(ctx, '丙', home)
  const X = await person(ctx, '丁', null)
  const Y = await person(ctx, '戊', null)
  await scans(ctx, [
    // M2 passes the gate ten minutes after A: a companion by the scans alone.
    [A, G, at('08:00')], [M2, G, at('08:10')],
    // M1 drives X later that day: X is M1's close contact, so depth 2 of A through M1.
    [M1, G, at('10:00'), '鄂E55555'], [X, G, at('10:00:30'), '鄂E55555'],
    // Y passes the gate an hour after A: no contact at all.
    [Y, G, at('09:00')]
  ])

  const res = await contacts(ctx, A)
  t.equal(res.statusCode, 200, res.body)
  const body = res.json() as { totals: Record<string, number | null>, contacts: ContactView[] }
  t.same(body.totals, { close: 2, exposure: 0, companion: null }, 'both housemates count as close')
  const [first, second] = body.contacts
  t.same(body.contacts.map((c) => c.personId), [M2, M1], 'M2 scores more (household and gate)')
  t.same(second, {
    personId: M1, displayName: '乙', tier: 'close', depth: 1, via: A, score: 3, firstEncounterAt: FROM, lastEncounterAt: FROM, overlapMinutes: 0,
    encounterCount: 1, days: 1,
    encounters: [{ checkpointId: null, kind: 'household', at: FROM, indexAt: FROM, gapSeconds: 0, overlapSeconds: 0, sameVehicle: false, withPersonId: A, tier: 'close' }]
  }, 'no scans together: the household encounter alone, weight 3 × 1 minute × 1.0')
  t.equal(first?.tier, 'close')
  t.equal(first?.encounterCount, 2, 'the gate encounter is kept beside the household one')
  t.equal(first?.score, 3.1, '3 + 0.2 × 1 × 0.4, rounded once')
  t.same(first?.encounters.map((e) => [e.kind, e.tier]), [['household', 'close'], ['traffic', 'companion']])

  // Depth 2 goes on from housemates like from any close contact.
  const deep = await contacts(ctx, A, { depth: '2' })
  t.equal(deep.statusCode, 200, deep.body)
  const x = (deep.json().contacts as ContactView[]).find((c) => c.personId === X)
  t.same(x && { depth: x.depth, tier: x.tier, via: x.via }, { depth: 2, tier: 'close', via: M1 })

  // The index person need not have a single scan: M1's housemates are still listed.
  const ofM1 = (await contacts(ctx, M1, { tiers: 'close' })).json() as { totals: Record<string, number | null>, contacts: ContactView[] }
  t.same(ofM1.contacts.filter((c) => c.depth === 1).map((c) => c.personId).sort(), [A, M2, X].sort(), 'A and M2 at home, X in the car')
  t.equal(ofM1.totals.close, 3, 'A and M2 from the household, X from the car')

  // The export lists the household encounter as a row, with no checkpoint.
  const csv = await contacts(ctx, A, {}, 'contacts.csv')
  t.equal(csv.statusCode, 200)
  const rows = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n')
  const header = (rows[0] as string).split(',')
  const household = rows.slice(1).map((r) => r.split(',')).filter((r) => r[header.indexOf('kind')] === 'household')
  t.equal(household.length, 2, 'one household row per housemate')
  t.ok(household.every((r) => r[header.indexOf('checkpointId')] === '' && r[header.indexOf('at')] === FROM && r[header.indexOf('encounterTier')] === 'close'))
})

// Stays kept by the database (scans.stay_start: the triggers of migration 0005, on PostgreSQL as rewritten by 0011)
// when two writers (on PostgreSQL two copies of the service, whose triggers take a per-person advisory lock) write the
// same people's scans at the same time, in small statements and in any order (an offline batch brings an "in" after
// its "out"): every "out" ends up with the stay its previous scan at that gate gives it, and every other scan with
// none. Without the lock it failed on PostgreSQL in three runs of four (checked).
import { inArray } from 'drizzle-orm'
import { eachDb, makeCtx, T0 } from './helper.ts'

const MIN = 60_000
const FOUR_HOURS = 240 * MIN

/** A small deterministic generator (the same interleavings on every run). */
function rngOf (seed: number): () => number {
  let s = seed >>> 0
  return () => { s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0; return s / 2 ** 32 }
}

eachDb('stays: two copies writing the same people\'s scans at once, in any order, leave every "out" with its stay', async (t, ctx) => {
  // PostgreSQL: a second copy of the service on the same schema, each with its own pool. SQLite: one process owns the
  // file (a county's one copy), so both writers share its connection and their transactions queue there.
  const copy = ctx.dialect === 'pg' ? await makeCtx(t, ctx.dialect, { share: ctx }) : ctx
  const people = [(await ctx.resident()).personId, (await ctx.resident()).personId]
  const gates = [await ctx.checkpoint(), await ctx.checkpoint()]
  const { store } = ctx.app
  // Gate traffic over a day: "in" and "out" in an uneven pattern (two of a kind in a row, gaps of 10 to 300 minutes:
  // some pairs farther apart than a stay may last).
  const pattern = ['in', 'out', 'in', 'in', 'out', 'out', 'in', 'out'] as const
  const gaps = [10, 35, 300, 20, 45, 15, 250, 30, 60]
  type Scan = { id: string, personId: string, checkpointId: string, direction: string, scannedAt: number }
  const all: Scan[] = []
  for (const personId of people) {
    for (const checkpointId of gates) {
      let at = T0 - 30 * 60 * MIN
      for (let k = 0; k < 24; k++) {
        at += (gaps[(k + all.length) % gaps.length] as number) * MIN
        all.push({ id: `stay-${all.length.toString().padStart(3, '0')}`, personId, checkpointId, direction: pattern[k % pattern.length] as string, scannedAt: at })
      }
    }
  }
  // What each scan's stay_start must be: an "out" whose previous scan there is an "in" at most 4 hours before.
  const expected = new Map<string, number | null>()
  for (const s of all) {
    const before = all.filter((p) => p.personId === s.personId && p.checkpointId === s.checkpointId && p.scannedAt < s.scannedAt)
    const prev = before[before.length - 1]
    expected.set(s.id, s.direction === 'out' && prev?.direction === 'in' && s.scannedAt - prev.scannedAt <= FOUR_HOURS ? prev.scannedAt : null)
  }

  for (const seed of [1, 2, 3]) {
    const rng = rngOf(seed)
    const ids = all.map((s) => `${s.id}-r${seed}`)
    const shuffled = all.map((s, i) => ({ ...s, id: ids[i] as string })).sort(() => rng() - 0.5)
    // Dealt to the two copies, each writing its share in statements of 1 to 3 rows, both at once.
    const shares: Scan[][][] = [[], []]
    for (let i = 0; i < shuffled.length;) {
      const n = 1 + Math.floor(rng() * 3)
      ;(shares[Math.floor(rng() * 2)] as Scan[][]).push(shuffled.slice(i, i + n))
      i += n
    }
    await Promise.all([ctx, copy].map(async (c, side) => {
      const s = c.app.store
      for (const chunk of shares[side] as Scan[][]) {
        // Each statement's rows by person, as the service's one write statement inserts them (ORDER BY person_id in
        // scan-queries.ts): the trigger takes each person's lock in row order, so two statements that share people
        // take them in the same order. Rows in any other order can deadlock two copies on PostgreSQL, which the
        // service never does; the order in time stays shuffled.
        const byPerson = [...chunk].sort((a, b) => (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0))
        await s.tx(async (db) => {
          await db.insert(s.t.scans).values(byPerson.map((x) => ({
            ...x, actorId: 'stays-test', source: 'scan', kind: 'live', receivedAt: x.scannedAt, color: 'green', decision: 'allow', offline: false, requestHash: `h-${x.id}`
          })))
        })
      }
    }))
    const rows = await store.db.select({ id: store.t.scans.id, stayStart: store.t.scans.stayStart }).from(store.t.scans).where(inArray(store.t.scans.id, ids))
    const got = new Map(rows.map((r) => [r.id.replace(`-r${seed}`, ''), r.stayStart === null ? null : Number(r.stayStart)]))
    t.equal(rows.length, all.length, `round ${seed}: every scan written`)
    const wrong = all.filter((s) => got.get(s.id) !== expected.get(s.id)).map((s) => `${s.id} ${s.direction}: ${got.get(s.id)} instead of ${expected.get(s.id)}`)
    t.same(wrong, [], `round ${seed}: every stay as its previous scan gives it`)
    t.ok([...expected.values()].filter((v) => v !== null).length >= 20, 'the traffic holds stays to keep')
    // The next round's scans lie in the same hours: clear these so that each round starts from none.
    await store.tx(async (db) => { await db.delete(store.t.scans).where(inArray(store.t.scans.id, ids)) })
  }
})

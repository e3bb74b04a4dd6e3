// scan_hours for scans the writer never counted (a database from before migration 0010, a bulk load): filled at start.
import { eachDb, makeCtx, T0 } from './helper.ts'

const HOUR = 3_600_000

eachDb('a database with scans but no scan_hours gets them counted from the scans at start, once', async (t, ctx) => {
  const { store } = ctx.app
  const r = await ctx.resident()
  const cp = await ctx.checkpoint()
  const scan = (i: number, at: number) => ({
    id: `direct-${i}`, personId: r.personId, checkpointId: cp, actorId: 'loader', source: 'scanner', kind: 'live', scannedAt: at, receivedAt: at,
    color: 'green', decision: 'allow', offline: false, requestHash: `h${i}`
  })
  // Written around the scan writer, as the seed and older versions did: nothing counted.
  await store.tx(async (db) => { await db.insert(store.t.scans).values([scan(1, T0 - 2 * HOUR + 5), scan(2, T0 - 2 * HOUR + 9), scan(3, T0 + 60_000)]) })
  t.same(await store.db.select().from(store.t.scanHours), [], 'not counted by the writer')

  const copy = await makeCtx(t, ctx.dialect, { share: ctx })
  const rows = (await copy.app.store.db.select().from(store.t.scanHours)).map((h) => [h.checkpointId === cp, (h.hour - T0) / HOUR, h.count]).sort((a, b) => Number(a[1]) - Number(b[1]))
  t.same(rows, [[true, -2, 2], [true, 0, 1]], 'the next start counts them per checkpoint and hour')

  // Once there are hours, a start leaves them alone.
  await store.tx(async (db) => { await db.insert(store.t.scans).values([scan(4, T0 + 120_000)]) })
  await makeCtx(t, ctx.dialect, { share: ctx })
  t.equal((await store.db.select().from(store.t.scanHours)).reduce((s, h) => s + h.count, 0), 3, 'a later start fills nothing')
  t.equal(await ctx.app.dashboard.rebuildHours(), 2, 'a rebuild counts every scan again (two checkpoint-hours)')
  t.equal((await store.db.select().from(store.t.scanHours)).reduce((s, h) => s + h.count, 0), 4)
})

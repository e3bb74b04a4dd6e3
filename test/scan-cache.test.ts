// What a scan is judged by, kept in memory by a SQLite service (src/db/scan-queries.ts createScanCache): it must answer
// exactly as the database would. A model check of the cache itself, then every kind of write that changes a scan's
// answer, through the API, on both databases (PostgreSQL reads every time: the same answers).
import { randomUUID } from 'node:crypto'
import t from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { CACHED_PEOPLE_MAX, createScanCache, NEIGHBOURS, SIGHTING_WINDOW_MS } from '../src/db/scan-queries.ts'
import { eachDb, bearerOf, METRICS_AUTH, type Ctx, type Test } from './helper.ts'

const MIN = 60_000
const H = 3_600_000

t.test('the cache answers as the database would: the nearest sightings within the window, from a person\'s latest sightings', async (t) => {
  // A model: every scan ever written, and the database's answer computed from all of them.
  let seed = 7
  const rand = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n }
  const all = new Map<string, Array<{ id: string, checkpointId: string, scannedAt: number, jti: string | null }>>()
  const truth = (personId: string, at: number) => {
    const list = [...(all.get(personId) ?? [])].sort((a, b) => a.scannedAt - b.scannedAt || (a.id < b.id ? -1 : 1))
    const before = list.filter((s) => s.scannedAt <= at).reverse().slice(0, NEIGHBOURS)
    const after = list.filter((s) => s.scannedAt > at).slice(0, NEIGHBOURS)
    return [...before, ...after].filter((s) => Math.abs(s.scannedAt - at) <= SIGHTING_WINDOW_MS)
      .map((s) => ({ checkpointId: s.checkpointId, scannedAt: s.scannedAt, jti: s.jti })).sort((a, b) => a.scannedAt - b.scannedAt)
  }
  const cache = createScanCache()
  const person = (id: string) => ({ id, nameEnc: null, createdAt: 0 })
  let now = 1_000_000_000
  let answered = 0
  let wrong = 0
  for (let step = 0; step < 20_000; step++) {
    const personId = `p${rand(20)}`
    now += rand(4 * MIN)
    const op = rand(10)
    if (op < 5) {
      // A scan committed: now, or taken offline up to 8 hours ago, sometimes at the same millisecond as another.
      const scannedAt = op === 0 ? now - rand(8 * H) : now - rand(2)
      const row = { id: randomUUID(), personId, checkpointId: `c${rand(5)}`, scannedAt, jti: rand(2) === 0 ? null : `j${rand(3)}` }
      const list = all.get(personId) ?? []
      list.push(row)
      all.set(personId, list)
      cache.sighted(row)
      // The scan thread may report a write after a read that already saw it: a second report changes nothing.
      if (rand(4) === 0) cache.sighted(row)
    } else if (op < 9) {
      const at = op === 5 ? now - rand(10 * H) : now
      const hit = cache.answer(personId, at)
      if (hit === undefined) {
        // What lookup's read finds and keeps: the NEIGHBOURS nearest on each side; kept when fewer come after.
        const list = [...(all.get(personId) ?? [])].sort((a, b) => a.scannedAt - b.scannedAt || (a.id < b.id ? -1 : 1))
        const before = list.filter((s) => s.scannedAt <= at).slice(-NEIGHBOURS)
        const after = list.filter((s) => s.scannedAt > at).slice(0, NEIGHBOURS)
        if (after.length < NEIGHBOURS) {
          const oldest = before.length < NEIGHBOURS ? -Infinity : (before[0] as { scannedAt: number }).scannedAt
          cache.keep(cache.generation(), person(personId), [], oldest, [...before, ...after].filter((s) => s.scannedAt > oldest).map((s) => ({ ...s })))
        }
      } else {
        answered++
        if (JSON.stringify([...hit.around].sort((a, b) => a.scannedAt - b.scannedAt)) !== JSON.stringify(truth(personId, at))) wrong++
      }
    } else {
      cache.forget(rand(10) === 0 ? null : personId)
    }
  }
  t.ok(answered > 5000, `most look-ups answered from memory (${answered})`)
  t.equal(wrong, 0, 'every answer from memory equals the one from all the scans')
})

t.test('the cache keeps no read that a change may have overtaken, and holds a bounded number of people', async (t) => {
  const cache = createScanCache(3)
  const person = (id: string) => ({ id, nameEnc: `enc-${id}`, createdAt: 0 })
  const asked = cache.generation()
  cache.forget('someone-else')
  cache.keep(asked, person('a'), [], 0, [])
  t.equal(cache.answer('a', SIGHTING_WINDOW_MS + 1), undefined, 'a read asked for before any change was told is not kept')
  cache.keep(cache.generation(), person('a'), [], 0, [])
  t.same(cache.answer('a', SIGHTING_WINDOW_MS + 1)?.person, person('a'), 'a read asked for after it is')
  t.equal(cache.answer('a', SIGHTING_WINDOW_MS), undefined, 'nor a moment whose window reaches before what is kept (fewer sightings than the fraud check asks for)')
  t.equal(cache.answer('a', 0), undefined, 'nor a moment not after it')
  for (const id of ['b', 'c', 'd']) cache.keep(cache.generation(), person(id), [], 0, [])
  t.equal(cache.size, 3, 'at most the bound')
  t.equal(cache.answer('a', SIGHTING_WINDOW_MS + 1), undefined, 'the person kept longest went first')
  cache.forget(null)
  t.equal(cache.size, 0, 'a change to anyone\'s rows drops everyone')
  t.ok(CACHED_PEOPLE_MAX >= 100_000, 'the service keeps a hundred thousand people and more by default')
  const none = createScanCache(0)
  none.keep(none.generation(), person('a'), [], 0, [])
  t.equal(none.size, 0, 'a bound of 0 keeps nobody')
  t.equal(none.answer('a', SIGHTING_WINDOW_MS + 1), undefined, 'and answers nothing from memory')
})

/** The scan cache's counters on /metrics: [from memory, from the database, people kept]; null where there are none. */
async function cacheCounts (ctx: Ctx): Promise<[number, number, number] | null> {
  const body = (await ctx.inject({ method: 'GET', url: '/metrics', headers: METRICS_AUTH })).body
  const value = (re: RegExp): number | null => { const m = re.exec(body); return m === null ? null : Number(m[1]) }
  const memory = value(/^gridpass_scan_cache_lookups_total\{answered="memory"\} (\d+)$/m)
  const database = value(/^gridpass_scan_cache_lookups_total\{answered="database"\} (\d+)$/m)
  const people = value(/^gridpass_scan_cache_people (\d+)$/m)
  return memory === null || database === null || people === null ? null : [memory, database, people]
}

async function scanFourTimes (t: Test, ctx: Ctx): Promise<void> {
  const gate = await ctx.checkpoint({ name: '陆城卡口' })
  const admin = await ctx.admin()
  const r = await ctx.resident()
  for (let i = 0; i < 4; i++) {
    t.equal((await scanAs(ctx, admin, await liveCode(ctx, r.token), gate)).decision, 'allow')
    ctx.clock.advance(MIN)
  }
}

eachDb('/metrics tells how many people are kept and where each scan\'s inputs were found', async (t, ctx) => {
  await scanFourTimes(t, ctx)
  const counts = await cacheCounts(ctx)
  if (ctx.dialect === 'pg') {
    t.equal(counts, null, 'PostgreSQL reads every time: no cache, no such metrics')
    return
  }
  const [memory, database, people] = counts ?? [0, 0, 0]
  t.ok(counts !== null, 'the metrics are there')
  t.equal(memory + database, 4, 'one look-up a scan')
  t.ok(database >= 1 && memory >= 2, `the first scan reads the database, later ones find the person in memory (${memory} from memory, ${database} read)`)
  t.equal(people, 1, 'one person kept')
})

eachDb('GRIDPASS_SCAN_CACHE_PEOPLE=0 keeps nobody: every scan reads the database, and is judged the same', async (t, ctx) => {
  await scanFourTimes(t, ctx)
  if (ctx.dialect === 'sqlite') t.same(await cacheCounts(ctx), [0, 4, 0], 'four look-ups read, nobody kept')
}, { config: { scanCachePeople: 0 } })

async function liveCode (ctx: Ctx, token: string): Promise<string> {
  return (await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(token) })).json().token as string
}
async function scanAs (ctx: Ctx, scanner: string, code: string, checkpointId: string): Promise<{ decision: string, color: string, reason: string | null, flags?: string[], displayName: string }> {
  const res = await ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(scanner), payload: { id: randomUUID(), token: code, checkpointId } })
  if (res.statusCode !== 200) throw new Error(`scan failed: ${res.body}`)
  return res.json()
}
async function confirmed (t: Test, ctx: Ctx, asked: Promise<LightMyRequestResponse>): Promise<void> {
  const res = await asked
  t.equal(res.statusCode, 202, res.body)
  const done = await ctx.confirm(res.json().changeId as string)
  t.equal(done.statusCode, 200, done.body)
}

eachDb('every status write changes the next scan of a person scanned just before: manual changes, cases opened and closed', async (t, ctx) => {
  const cp = await ctx.checkpoint()
  const volunteer = await ctx.staff('volunteer', { checkpointIds: [cp] })
  const officer = await ctx.staff('officer')
  const r = await ctx.resident({ profile: { name: '周敏' } })
  const code = await liveCode(ctx, r.token)
  const scan = async () => scanAs(ctx, volunteer, code, cp)
  const colour = async () => { const a = await scan(); return [a.decision, a.color] }

  t.same(await colour(), ['allow', 'green'])
  t.same(await colour(), ['allow', 'green'], 'scanned again at once (answered from memory on SQLite)')
  const setColour = (body: Record<string, unknown>) => ctx.inject({ method: 'POST', url: `/v1/people/${r.personId}/status`, headers: bearerOf(officer), payload: body })

  ctx.clock.advance(MIN)
  t.equal((await setColour({ color: 'yellow', reason: 'antigen positive' })).statusCode, 200)
  t.same(await colour(), ['deny', 'yellow'], 'a manual yellow (new entry, the rules ended) shows at the next scan')
  ctx.clock.advance(MIN)
  await confirmed(t, ctx, setColour({ color: 'red', reason: 'PCR positive' }))
  t.same(await colour(), ['deny', 'red'], 'a confirmed red shows at the next scan')
  ctx.clock.advance(MIN)
  await confirmed(t, ctx, setColour({ color: 'green', reason: 'two negative tests' }))
  t.same(await colour(), ['allow', 'green'], 'green again')

  ctx.clock.advance(MIN)
  const opened = await ctx.inject({ method: 'POST', url: '/v1/cases', headers: bearerOf(officer), payload: { personId: r.personId, note: 'n' } })
  t.equal(opened.statusCode, 202, opened.body)
  const openDone = await ctx.confirm(opened.json().changeId as string)
  t.same(await colour(), ['deny', 'red'], 'a case opened on the person')
  ctx.clock.advance(MIN)
  await confirmed(t, ctx, ctx.inject({ method: 'POST', url: `/v1/cases/${openDone.json().caseId as string}/close`, headers: bearerOf(officer), payload: {} }))
  t.same(await colour(), ['allow', 'green'], 'the case closed: its entry ended')

  ctx.clock.advance(MIN)
  await ctx.inject({ method: 'POST', url: '/v1/me/declarations', headers: bearerOf(r.token), payload: { temperature: 38.6, symptoms: [], visitedHighRiskArea: false, contactWithConfirmed: false } })
  t.same(await colour(), ['deny', 'yellow'], 'the resident\'s own fever')
}, { config: { codeTtlSeconds: 3600 } })

eachDb('sightings written by any path reach the fraud check of the next scan: an offline batch between two live scans', async (t, ctx) => {
  const yidu = await ctx.checkpoint({ name: '宜都高速口', lat: 30.3880, lon: 111.4500 })
  const wuhan = await ctx.checkpoint({ name: '武汉卡口', lat: 30.5928, lon: 114.3055 })
  const admin = await ctx.admin()
  const r = await ctx.resident()
  const code = await liveCode(ctx, r.token)

  t.notOk('flags' in (await scanAs(ctx, admin, code, yidu)), 'a first scan in Yidu')
  // Synced later by a Wuhan scanner that was offline: taken 3 minutes after the Yidu scan.
  ctx.clock.advance(5 * MIN)
  const scannedAt = new Date(ctx.clock.now() - 2 * MIN).toISOString()
  const batch = await ctx.inject({ method: 'POST', url: '/v1/scans/batch', headers: bearerOf(admin), payload: { scans: [{ id: randomUUID(), token: code, checkpointId: wuhan, scannedAt }] } })
  t.equal(batch.statusCode, 200, batch.body)
  t.match(batch.json().results[0], { offline: true, recorded: true, flags: ['code_impossible_travel', 'person_impossible_travel'] }, 'the offline scan itself is flagged')
  ctx.clock.advance(MIN)
  const next = await scanAs(ctx, admin, code, yidu)
  t.same(next.flags, ['code_impossible_travel', 'person_impossible_travel'], 'back in Yidu 3 minutes after Wuhan: the synced sighting counts')

  // Seven hours on, nothing is near enough to count.
  ctx.clock.advance(7 * H)
  const fresh = await liveCode(ctx, (await ctx.resident({ phone: r.phone, profile: false })).token)
  t.notOk('flags' in (await scanAs(ctx, admin, fresh, wuhan)), 'Wuhan seven hours later is not flagged')
}, { config: { codeTtlSeconds: 12 * 3600 } })

eachDb('a live code is issued from the person and colour as they are now: a name set or corrected, a colour changed', async (t, ctx) => {
  const r = await ctx.resident({ profile: false })
  const code = async () => ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(r.token) })
  t.equal((await code()).json().code, 'GP_PROFILE_REQUIRED', 'no code before the profile (the person read, without a name)')
  const profile = async (name: string) => ctx.inject({ method: 'PUT', url: '/v1/me/profile', headers: bearerOf(r.token), payload: { name, idNumber: r.idNumber } })
  t.equal((await profile('李四')).statusCode, 200)
  t.match((await code()).json(), { displayName: '李*', color: 'green' }, 'the profile just set')
  t.match((await code()).json(), { displayName: '李*', color: 'green' }, 'again (from memory on SQLite)')
  t.equal((await profile('欧阳娜娜')).statusCode, 200)
  t.match((await code()).json(), { displayName: '欧阳**' }, 'the corrected name')
  const officer = await ctx.staff('officer')
  ctx.clock.advance(MIN)
  t.equal((await ctx.inject({ method: 'POST', url: `/v1/people/${r.personId}/status`, headers: bearerOf(officer), payload: { color: 'yellow', reason: 'antigen positive' } })).statusCode, 200)
  t.match((await code()).json(), { color: 'yellow' }, 'the officer\'s yellow')
})

eachDb('the change feed: told after the commit, once per person and transaction (anyone\'s covers each person\'s), never after a rollback', async (t, ctx) => {
  const store = ctx.app.store
  const told: string[] = []
  const stop = store.onChanged((table, personId) => { told.push(`${table}:${personId ?? '*'}`) })
  t.teardown(stop)
  await store.tx(async (db) => {
    store.changed(db, 'people', 'p1')
    store.changed(db, 'people', 'p1')
    store.changed(db, 'status_entries', 'p1')
    store.changed(db, 'people', 'p2')
    t.same(told, [], 'nothing before the commit')
  })
  t.same(told, ['people:p1', 'status_entries:p1', 'people:p2'], 'each table and person once, after the commit')
  told.length = 0
  await store.tx(async (db) => {
    for (let i = 0; i < 100; i++) store.changed(db, 'status_entries', null)
    store.changed(db, 'status_entries', 'p3')
    store.changed(db, 'people', 'p3')
  })
  t.same(told, ['status_entries:*', 'people:p3'], 'a hundred changes of anyone\'s entries (the at-rest sealing) told once; a person\'s after them covered')
  told.length = 0
  await t.rejects(store.tx(async (db) => { store.changed(db, 'people', 'p4'); throw new Error('rolled back') }))
  t.same(told, [], 'a rolled-back transaction tells nothing')
  store.changed(store.db, 'people', 'p5')
  t.same(told, ['people:p5'], 'outside a transaction: at once')
})

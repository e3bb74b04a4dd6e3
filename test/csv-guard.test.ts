// The CSV formula guard of tracing exports: ASCII and full-width formula starts, and leading tab or CR, never run.
import { randomUUID } from 'node:crypto'
import { randomId } from '../src/lib/ids.ts'
import { eachDb, bearerOf, type Ctx } from './helper.ts'

const at = (hhmm: string): number => Date.parse(`2026-03-01T${hhmm}:00.000Z`)

async function person (ctx: Ctx, name: string): Promise<string> {
  const id = randomId()
  const now = ctx.clock.now()
  await ctx.app.store.tx(async (db) => { await db.insert(ctx.app.store.t.people).values({ id, nameEnc: ctx.app.pii.encrypt(name), createdBy: 'test', createdAt: now, updatedAt: now }) })
  return id
}

async function scan (ctx: Ctx, personId: string, checkpointId: string, scannedAt: number): Promise<void> {
  await ctx.app.store.tx(async (db) => {
    await db.insert(ctx.app.store.t.scans).values({
      id: randomUUID(), personId, checkpointId, actorId: 'test', source: 'scan', kind: 'live', scannedAt, receivedAt: scannedAt,
      direction: null, plate: null, color: 'green', decision: 'allow', reason: null, jti: null, offline: false, requestHash: 'test', flags: null
    })
  })
}

/** The cells of one CSV line (RFC 4180: quoted cells may hold commas and doubled quotes). */
function cells (line: string): string[] {
  const out: string[] = []
  const re = /("(?:[^"]|"")*"|[^,]*)(,|$)/g
  for (const m of line.matchAll(re)) {
    const raw = m[1] as string
    out.push(raw.startsWith('"') ? raw.slice(1, -1).replaceAll('""', '"') : raw)
    if (m[2] === '') break
  }
  return out
}

eachDb('CSV exports guard full-width ＝＋－＠ and leading tab or CR like = + - @', async (t, ctx) => {
  ctx.clock.set(at('23:00'))
  const formulas = ['＝HYPERLINK("http://x","点我")', '＋1+2', '－1+2', '＠SUM(1,2)', '\t=1+2', '\r=1+2', '=1+2', '@A1']
  const checkpoints: string[] = []
  for (const name of formulas) checkpoints.push(await ctx.checkpoint({ name, kind: 'venue' }))
  const index = await person(ctx, '甲')
  const contacts: string[] = []
  for (const [i, name] of ['＝1+1', '＠A1', '王＝五'].entries()) {
    const p = await person(ctx, name)
    contacts.push(p)
    await scan(ctx, p, checkpoints[0] as string, at(`10:0${i}`))
  }
  for (const [i, cp] of checkpoints.entries()) await scan(ctx, index, cp, at(`1${i}:00`))
  const tracer = await ctx.staff('tracer')

  const trail = await ctx.inject({ method: 'GET', url: `/v1/people/${index}/trail.csv?purpose=case-42`, headers: bearerOf(tracer) })
  t.equal(trail.statusCode, 200, trail.body)
  const lines = trail.body.replace(/^\uFEFF/, '').split('\r\n').slice(1, -1)
  t.equal(lines.length, formulas.length)
  t.same(lines.map((l) => cells(l)[3]), formulas.map((f) => `'${f}`), 'every checkpoint name that starts a formula gets a leading quote')

  const list = await ctx.inject({ method: 'GET', url: `/v1/people/${index}/contacts.csv?purpose=case-42&windowMinutes=30`, headers: bearerOf(tracer) })
  t.equal(list.statusCode, 200, list.body)
  const names = list.body.replace(/^\uFEFF/, '').split('\r\n').slice(1, -1).map((l) => cells(l)[1]).sort()
  t.same(names, ["'＝1+1", "'＠A1", '王＝五'].sort(), 'names starting a formula are guarded; a ＝ inside a name is left alone')
})

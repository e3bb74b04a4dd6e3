// The admin's audit log screen's API: GET /v1/audit filtered by actor, action and target (paged with before), and
// GET /v1/audit/verify, the same check as npm run audit:verify, on an intact log, a rewritten entry and a cut log.
import { sql } from 'drizzle-orm'
import { eachDb, bearerOf, type Ctx } from './helper.ts'
import { dropTriggers, exec } from './support/audit-tamper.ts'

interface Entry { seq: number, actor: string, role: string, action: string, target: string | null, purpose: string | null }

async function list (ctx: Ctx, query: string): Promise<{ statusCode: number, entries: Entry[], nextBefore: number | null, body: string }> {
  const res = await ctx.inject({ method: 'GET', url: `/v1/audit?${query}`, headers: bearerOf(await ctx.admin()) })
  const body = res.statusCode === 200 ? res.json() as { entries: Entry[], nextBefore: number | null } : { entries: [], nextBefore: null }
  return { statusCode: res.statusCode, ...body, body: res.body }
}

/** Two tracers reading two people, so that each filter has something to leave out. */
async function someReads (ctx: Ctx): Promise<{ a: string, b: string }> {
  await ctx.staff('tracer', { username: 'tracer-a' })
  await ctx.staff('tracer', { username: 'tracer-b' })
  const login = async (username: string): Promise<string> =>
    (await ctx.inject({ method: 'POST', url: '/v1/auth/login', payload: { username, password: 'staff-password-123' } })).json().accessToken as string
  const ta = await login('tracer-a')
  const tb = await login('tracer-b')
  const a = await ctx.resident()
  const b = await ctx.resident()
  for (const [token, person, n] of [[ta, a, 3], [ta, b, 1], [tb, a, 2]] as const) {
    for (let i = 0; i < n; i++) {
      const res = await ctx.inject({ method: 'GET', url: `/v1/people/${person.personId}/trail?purpose=case-2026-07`, headers: bearerOf(token) })
      if (res.statusCode !== 200) throw new Error(res.body)
    }
  }
  return { a: a.personId, b: b.personId }
}

eachDb('the audit log filtered by actor, action and target, paged with before', async (t, ctx) => {
  const { a, b } = await someReads(ctx)
  const byActor = await list(ctx, 'actor=tracer-a&action=trail.read')
  t.equal(byActor.statusCode, 200, byActor.body)
  t.equal(byActor.entries.length, 4, 'tracer-a read four trails')
  t.ok(byActor.entries.every((e) => e.actor === 'tracer-a' && e.action === 'trail.read'))

  const byTarget = await list(ctx, `target=${a}&action=trail.read`)
  t.same(byTarget.entries.map((e) => e.actor).sort(), ['tracer-a', 'tracer-a', 'tracer-a', 'tracer-b', 'tracer-b'], 'every read of person a, by both tracers')
  t.ok(byTarget.entries.every((e) => e.target === a && e.purpose === 'case-2026-07'))

  const all3 = await list(ctx, `actor=tracer-b&action=trail.read&target=${b}`)
  t.same(all3.entries, [], 'tracer-b never read person b')

  const logins = await list(ctx, 'action=auth.login')
  t.same(logins.entries.map((e) => e.actor).sort(), ['admin', 'tracer-a', 'tracer-a', 'tracer-b', 'tracer-b'], 'only logins (each tracer logged in when created and again)')

  // Pages of two through a filter: every matching entry once, newest first, nextBefore null on the last.
  const seen: number[] = []
  let before: number | null | undefined
  for (let i = 0; i < 5 && before !== null; i++) {
    const page = await list(ctx, `actor=tracer-a&limit=2${before !== undefined ? `&before=${before}` : ''}`)
    t.ok(page.entries.length <= 2)
    seen.push(...page.entries.map((e) => e.seq))
    before = page.nextBefore
  }
  const everything = await list(ctx, 'actor=tracer-a&limit=1000')
  t.same(seen, everything.entries.map((e) => e.seq), 'walking the pages gives the filtered log once, in order')
  t.same(seen, [...seen].sort((x, y) => y - x))

  for (const bad of ['actor=', 'action=', `target=${'x'.repeat(201)}`, 'who=admin']) {
    const res = await list(ctx, bad)
    t.equal(res.statusCode, 400, bad)
    t.match(JSON.parse(res.body), { code: 'GP_VALIDATION', message: new RegExp(`^query${bad === 'who=admin' ? '' : `\\.${bad.split('=')[0]}`}`) }, `${bad}: names the field`)
  }
  const tracer = await ctx.staff('tracer')
  for (const url of ['/v1/audit?actor=admin', '/v1/audit/verify']) {
    const res = await ctx.inject({ method: 'GET', url, headers: bearerOf(tracer) })
    t.equal(res.statusCode, 403, `${url}: admins only`)
    t.equal(res.json().code, 'GP_FORBIDDEN')
    t.equal((await ctx.inject({ method: 'GET', url })).statusCode, 401)
  }
})

eachDb('GET /v1/audit/verify: ok on an intact log with its anchors, the first bad seq on a rewritten or cut one', async (t, ctx) => {
  await someReads(ctx)
  const verify = async () => {
    const res = await ctx.inject({ method: 'GET', url: '/v1/audit/verify', headers: bearerOf(await ctx.admin()) })
    t.equal(res.statusCode, 200, res.body)
    return res.json() as { ok: boolean, checked: number, firstBadSeq: number | null, why: string | null, lastSeq: number | null, anchorFileRead: boolean, anchors: number, lastAnchoredSeq: number | null }
  }
  const anchor = await ctx.app.audit.anchor.write()
  if (anchor === null) throw new Error('no anchor')
  const ok = await verify()
  t.match(ok, { ok: true, firstBadSeq: null, why: null, anchorFileRead: true, lastAnchoredSeq: anchor.seq })
  t.ok(ok.checked >= anchor.seq && ok.lastSeq === ok.checked, 'every entry checked')
  t.ok(ok.anchors >= 1)

  await dropTriggers(ctx)
  const victim = anchor.seq - 4
  await exec(ctx, sql`UPDATE audit_log SET purpose = ${'nothing to see'} WHERE seq = ${victim}`)
  const rewritten = await verify()
  t.match(rewritten, { ok: false, firstBadSeq: victim, checked: victim - 1, why: /altered/ })

  await exec(ctx, sql`DELETE FROM audit_log WHERE seq >= ${victim}`)
  const cut = await verify()
  t.match(cut, { ok: false, firstBadSeq: victim, why: /missing \(the log was cut after seq/ }, 'the anchor knows the log was longer')
})

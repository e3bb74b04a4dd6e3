// Place codes (场所码) and residents' check-ins: the printed QR, its token checked from the JWKS alone, the trail row, idempotency, refusals.
import { generateKeyPairSync, randomUUID } from 'node:crypto'
import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose'
import { signCompact } from '../src/lib/jws.ts'
import t from 'tap'
import { loadConfig } from '../src/config.ts'
import { bearerOf, eachDb, DAY, type Ctx } from './helper.ts'
import { qrOfCard } from './support/card-qr.ts'

const PLACE_SECONDS = 365 * 24 * 3600

async function verifyWithJwks (ctx: Ctx, token: string) {
  const jwks = (await ctx.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as JSONWebKeySet
  const { payload, protectedHeader } = await compactVerify(token, createLocalJWKSet(jwks), { algorithms: ['ES256'] })
  return { header: protectedHeader as Record<string, unknown>, payload: JSON.parse(Buffer.from(payload).toString('utf8')) as Record<string, unknown> }
}

const placeCode = async (ctx: Ctx, checkpointId: string, token?: string): Promise<string> => {
  const res = await ctx.inject({ method: 'GET', url: `/v1/checkpoints/${checkpointId}/place-code`, headers: bearerOf(token ?? await ctx.admin()) })
  if (res.statusCode !== 200) throw new Error(`place code: ${res.statusCode} ${res.body}`)
  return res.json().token as string
}
const checkin = (ctx: Ctx, token: string, payload: Record<string, unknown>) => ctx.inject({ method: 'POST', url: '/v1/me/checkins', headers: bearerOf(token), payload })
const scanRows = async (ctx: Ctx) => ctx.app.store.db.select().from(ctx.app.store.t.scans)

eachDb('place code: exact token verifiable from the JWKS, a printable card whose QR holds the check-in page\'s URL with it, audited', async (t, ctx) => {
  const cp = await ctx.checkpoint({ name: '清江广场', kind: 'venue' })
  const res = await ctx.inject({ method: 'GET', url: `/v1/checkpoints/${cp}/place-code`, headers: bearerOf(await ctx.admin()) })
  t.equal(res.statusCode, 200, res.body)
  t.equal(res.headers['cache-control'], 'no-store')
  const { token, url, expiresAt } = res.json() as { token: string, url: string, expiresAt: string }
  t.equal(ctx.config.publicUrl, `http://127.0.0.1:${ctx.config.port}`, 'GRIDPASS_PUBLIC_URL defaults to http://<HOST>:<PORT>')
  t.equal(url, `${ctx.config.publicUrl}/h5/checkin#${token}`)
  const { header, payload } = await verifyWithJwks(ctx, token)
  t.same(Object.keys(header), ['alg', 'kid', 'typ'])
  t.match(header, { alg: 'ES256', typ: 'gp-place+jwt' })
  t.same(Object.keys(payload), ['iss', 'cp', 'iat', 'exp'], 'payload has exactly iss, cp, iat, exp')
  const iat = Math.floor(ctx.clock.now() / 1000)
  t.same(payload, { iss: ctx.config.issuer, cp, iat, exp: iat + PLACE_SECONDS })
  t.equal(expiresAt, new Date((iat + PLACE_SECONDS) * 1000).toISOString())

  const svg = await ctx.inject({ method: 'GET', url: `/v1/checkpoints/${cp}/place-code.svg`, headers: bearerOf(await ctx.admin()) })
  t.equal(svg.statusCode, 200)
  t.match(svg.headers['content-type'], /^image\/svg\+xml/)
  t.match(svg.body, /^<\?xml[^>]*>\s*<svg /)
  t.match(svg.body, '清江广场')
  t.match(svg.body, '扫码登记 / Scan to check in')
  t.match(svg.body, 'Venue')
  const printed = qrOfCard(svg.body)
  t.ok(printed !== null, 'the card holds a readable QR')
  const prefix = `${ctx.config.publicUrl}/h5/checkin#`
  t.ok(printed?.startsWith(prefix), `the QR is the check-in page's URL: ${printed?.slice(0, 60) ?? ''}`)
  const printedToken = (printed as string).slice(prefix.length)
  const fromCard = await verifyWithJwks(ctx, printedToken)
  t.equal(fromCard.header.typ, 'gp-place+jwt')
  t.equal(fromCard.payload.cp, cp, 'after the # is this checkpoint\'s place code')

  // The printed QR works: the page takes the token after the '#' and the resident checks in with it.
  const r = await ctx.resident()
  const answer = await checkin(ctx, r.token, { id: randomUUID(), placeToken: printedToken })
  t.equal(answer.statusCode, 200, answer.body)
  t.match(answer.json(), { decision: 'allow', checkpointName: '清江广场' })
  // The server takes the token only, not the URL around it.
  const whole = await checkin(ctx, r.token, { id: randomUUID(), placeToken: printed })
  t.equal(whole.statusCode, 400, 'the URL itself is not a placeToken')
  t.match(whole.json(), { code: 'GP_VALIDATION', message: /placeToken/ })

  const audit = (await ctx.inject({ method: 'GET', url: '/v1/audit?limit=50', headers: bearerOf(await ctx.admin()) })).json().entries as Array<{ action: string, target: string }>
  t.ok(audit.some((e) => e.action === 'place_code.issue' && e.target === cp), 'issuing is audited')
  t.ok(audit.some((e) => e.action === 'place_code.print' && e.target === cp), 'printing is audited')
})

eachDb('place code: who may print which checkpoint', async (t, ctx) => {
  const mine = await ctx.grid()
  const theirs = await ctx.grid()
  const cpMine = await ctx.checkpoint({ gridId: mine })
  const cpTheirs = await ctx.checkpoint({ gridId: theirs })
  const cpNoGrid = await ctx.checkpoint()
  const gridworker = await ctx.staff('gridworker', { gridIds: [mine] })
  for (const suffix of ['place-code', 'place-code.svg']) {
    t.equal((await ctx.inject({ method: 'GET', url: `/v1/checkpoints/${cpMine}/${suffix}`, headers: bearerOf(gridworker) })).statusCode, 200, `${suffix}: gridworker, own grid`)
    for (const other of [cpTheirs, cpNoGrid]) {
      const res = await ctx.inject({ method: 'GET', url: `/v1/checkpoints/${other}/${suffix}`, headers: bearerOf(gridworker) })
      t.equal(res.statusCode, 403, `${suffix}: gridworker, checkpoint outside their grids`)
      t.equal(res.json().code, 'GP_FORBIDDEN')
    }
    const unknown = await ctx.inject({ method: 'GET', url: `/v1/checkpoints/no-such-checkpoint/${suffix}`, headers: bearerOf(await ctx.admin()) })
    t.equal(unknown.statusCode, 404)
    t.equal(unknown.json().code, 'GP_NOT_FOUND')
    for (const role of ['volunteer', 'tracer', 'officer']) {
      const res = await ctx.inject({ method: 'GET', url: `/v1/checkpoints/${cpMine}/${suffix}`, headers: bearerOf(await ctx.staff(role, { checkpointIds: [cpMine], gridIds: [mine] })) })
      t.equal(res.statusCode, 403, `${suffix}: ${role}`)
    }
    const r = await ctx.resident()
    t.equal((await ctx.inject({ method: 'GET', url: `/v1/checkpoints/${cpMine}/${suffix}`, headers: bearerOf(r.token) })).statusCode, 403, `${suffix}: resident`)
  }
})

eachDb('check-in: green allows, yellow and red deny, all recorded in the trail; idempotent on id', async (t, ctx) => {
  const cp = await ctx.checkpoint({ name: '陆城社区门岗', kind: 'community' })
  const other = await ctx.checkpoint({ name: '高坝洲村口', kind: 'village' })
  const token = await placeCode(ctx, cp)
  const green = await ctx.resident()
  const id = randomUUID()
  const first = await checkin(ctx, green.token, { id, placeToken: token, direction: 'in' })
  t.equal(first.statusCode, 200, first.body)
  t.equal(first.headers['cache-control'], 'no-store')
  t.same(first.json(), { id, decision: 'allow', color: 'green', reason: null, checkpointId: cp, checkpointName: '陆城社区门岗', at: new Date(ctx.clock.now()).toISOString(), duplicate: false })
  let rows = await scanRows(ctx)
  t.equal(rows.length, 1)
  t.match(rows[0], { id, personId: green.personId, checkpointId: cp, actorId: green.personId, source: 'checkin', kind: 'place', direction: 'in', color: 'green', decision: 'allow', offline: false, scannedAt: ctx.clock.now() })

  // A retry (later, even) gets the first answer and no second row.
  ctx.clock.advance(5000)
  const again = await checkin(ctx, green.token, { id, placeToken: token, direction: 'in' })
  t.equal(again.statusCode, 200)
  t.same(again.json(), { ...first.json(), duplicate: true })
  const conflict = await checkin(ctx, green.token, { id, placeToken: await placeCode(ctx, other) })
  t.equal(conflict.statusCode, 409)
  t.equal(conflict.json().code, 'GP_CONFLICT')
  t.match(conflict.json().message, /^id: /)
  // Another resident reusing the id (same place token) gets neither the answer nor a row.
  const stranger = await ctx.resident()
  const theirs = await checkin(ctx, stranger.token, { id, placeToken: token })
  t.equal(theirs.statusCode, 409)
  // A volunteer's scan id is not a check-in id either.
  const volunteer = await ctx.staff('volunteer', { checkpointIds: [cp] })
  const scanId = randomUUID()
  const code = (await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(green.token) })).json().token as string
  t.equal((await ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(volunteer), payload: { id: scanId, token: code, checkpointId: cp } })).statusCode, 200)
  t.equal((await checkin(ctx, green.token, { id: scanId, placeToken: token })).statusCode, 409, 'a volunteer scan id reused for a check-in')
  rows = await scanRows(ctx)
  t.equal(rows.length, 2, 'one check-in row and one scan row')

  const yellow = await ctx.resident()
  const fever = await ctx.inject({ method: 'POST', url: '/v1/me/declarations', headers: bearerOf(yellow.token), payload: { temperature: 38.1, symptoms: [], visitedHighRiskArea: false, contactWithConfirmed: false } })
  t.equal(fever.statusCode, 201)
  const yId = randomUUID()
  const denied = await checkin(ctx, yellow.token, { id: yId, placeToken: token })
  t.equal(denied.statusCode, 200, denied.body)
  t.match(denied.json(), { id: yId, decision: 'deny', color: 'yellow', reason: 'color_yellow', duplicate: false })
  t.match((await scanRows(ctx)).find((r) => r.id === yId), { personId: yellow.personId, source: 'checkin', decision: 'deny', color: 'yellow', reason: 'color_yellow' }, 'a denied check-in is recorded')

  const red = await ctx.resident()
  await ctx.inject({ method: 'POST', url: '/v1/me/declarations', headers: bearerOf(red.token), payload: { temperature: 36.5, symptoms: [], visitedHighRiskArea: true, contactWithConfirmed: false } })
  const rId = randomUUID()
  t.match((await checkin(ctx, red.token, { id: rId, placeToken: token })).json(), { decision: 'deny', color: 'red', reason: 'color_red' })

  // The yellow lasts 7 days; then the same printed code lets the person in.
  ctx.clock.advance(7 * DAY)
  t.match((await checkin(ctx, yellow.token, { id: randomUUID(), placeToken: token })).json(), { decision: 'allow', color: 'green' })
  t.equal((await scanRows(ctx)).length, 5)
})

eachDb('check-in: refused place tokens are 400 naming placeToken and leave the trail unchanged', async (t, ctx) => {
  const cp = await ctx.checkpoint()
  const good = await placeCode(ctx, cp)
  const r = await ctx.resident()
  const key = ctx.app.keyring.active
  const iat = Math.floor(ctx.clock.now() / 1000)
  const claims = { iss: ctx.config.issuer, cp, iat, exp: iat + 3600 }
  const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
  const [h, p, s] = good.split('.') as [string, string, string]
  const healthCode = (await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(r.token) })).json().token as string

  const bad: Array<[string, string]> = [
    ['signed by another key under our kid', await signCompact({ alg: 'ES256', kid: key.kid, typ: 'gp-place+jwt' }, claims, stranger)],
    ['signed by another key, its own kid', await signCompact({ alg: 'ES256', kid: 'someone-else', typ: 'gp-place+jwt' }, claims, stranger)],
    ['a health code used as a place token', healthCode],
    ['our key, but typ gp-code+jwt', await signCompact({ alg: 'ES256', kid: key.kid, typ: 'gp-code+jwt' }, claims, key.privateKey)],
    ['our key, another issuer', await signCompact({ alg: 'ES256', kid: key.kid, typ: 'gp-place+jwt' }, { ...claims, iss: 'elsewhere' }, key.privateKey)],
    ['our key, an extra claim', await signCompact({ alg: 'ES256', kid: key.kid, typ: 'gp-place+jwt' }, { ...claims, sub: r.personId }, key.privateKey)],
    ['our key, alg none in the header', `${Buffer.from('{"alg":"none","kid":"x","typ":"gp-place+jwt"}').toString('base64url')}.${p}.`],
    ['payload changed under the old signature', `${h}.${Buffer.from(JSON.stringify({ ...claims, cp: 'another' })).toString('base64url')}.${s}`],
    ['padding added', `${good}=`],
    ['garbage', 'hello'],
    ['over 1 KiB', `${good}.${'A'.repeat(2000)}`]
  ]
  for (const [what, placeToken] of bad) {
    const res = await checkin(ctx, r.token, { id: randomUUID(), placeToken })
    t.equal(res.statusCode, 400, `${what}: ${res.body}`)
    t.equal(res.json().code, 'GP_VALIDATION', what)
    t.match(res.json().message, /placeToken/, `${what}: the message names placeToken`)
  }

  // Expired: a year and a day later.
  ctx.clock.advance(366 * DAY)
  const later = await ctx.resident({ phone: r.phone, profile: false })
  const expired = await checkin(ctx, later.token, { id: randomUUID(), placeToken: good })
  t.equal(expired.statusCode, 400)
  t.match(expired.json().message, /placeToken.*expired/)
  ctx.clock.advance(-366 * DAY)

  const extra = await checkin(ctx, r.token, { id: randomUUID(), placeToken: good, checkpointId: cp })
  t.equal(extra.statusCode, 400)
  t.match(extra.json().message, /checkpointId/)
  const noId = await checkin(ctx, r.token, { id: 'not-a-uuid', placeToken: good })
  t.equal(noId.statusCode, 400)
  t.match(noId.json().message, /body\.id/)
  t.equal((await scanRows(ctx)).length, 0, 'nothing entered the trail')
  t.equal((await ctx.app.store.db.select().from(ctx.app.store.t.securityEvents)).length, 0)

  // The good one still works with a fresh id.
  t.equal((await checkin(ctx, r.token, { id: randomUUID(), placeToken: good })).statusCode, 200)
})

eachDb('check-in: a resident without a profile gets 409 GP_PROFILE_REQUIRED; staff may not check in', async (t, ctx) => {
  const cp = await ctx.checkpoint()
  const token = await placeCode(ctx, cp)
  const r = await ctx.resident({ profile: false })
  const res = await checkin(ctx, r.token, { id: randomUUID(), placeToken: token })
  t.equal(res.statusCode, 409, res.body)
  t.equal(res.json().code, 'GP_PROFILE_REQUIRED')
  const volunteer = await ctx.staff('volunteer', { checkpointIds: [cp] })
  t.equal((await checkin(ctx, volunteer, { id: randomUUID(), placeToken: token })).statusCode, 403)
  t.equal((await ctx.inject({ method: 'POST', url: '/v1/me/checkins', payload: { id: randomUUID(), placeToken: token } })).statusCode, 401)
  t.equal((await scanRows(ctx)).length, 0)
})

eachDb('place code: the QR holds GRIDPASS_PUBLIC_URL when one is set', async (t, ctx) => {
  const cp = await ctx.checkpoint({ name: '清江广场', kind: 'venue' })
  const svg = await ctx.inject({ method: 'GET', url: `/v1/checkpoints/${cp}/place-code.svg`, headers: bearerOf(await ctx.admin()) })
  t.equal(svg.statusCode, 200)
  const printed = qrOfCard(svg.body) as string
  t.match(printed, /^https:\/\/gridpass\.yidu\.example\.cn\/pass\/h5\/checkin#[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
  const { payload } = await verifyWithJwks(ctx, printed.split('#')[1] as string)
  t.equal(payload.cp, cp)
}, { config: { publicUrl: loadConfig({ GRIDPASS_PUBLIC_URL: 'https://gridpass.yidu.example.cn/pass/' }).publicUrl } })

t.test('GRIDPASS_PUBLIC_URL: default http://<HOST>:<PORT>, no trailing slash, http(s) only', async (t) => {
  t.equal(loadConfig({}).publicUrl, 'http://127.0.0.1:3000')
  t.equal(loadConfig({ HOST: '0.0.0.0', PORT: '8080' }).publicUrl, 'http://0.0.0.0:8080')
  t.equal(loadConfig({ HOST: '::1' }).publicUrl, 'http://[::1]:3000')
  t.equal(loadConfig({ GRIDPASS_PUBLIC_URL: 'https://pass.example.cn/' }).publicUrl, 'https://pass.example.cn')
  for (const bad of ['ftp://pass.example.cn', 'pass.example.cn', 'https://pass.example.cn/?x=1', 'https://pass.example.cn/#h']) {
    t.throws(() => loadConfig({ GRIDPASS_PUBLIC_URL: bad }), { message: /GRIDPASS_PUBLIC_URL/ }, bad)
  }
})

// Hostile input at POST /v1/scans and /v1/scans/batch: every forged, mutated or malformed code is
// answered 200 deny with the contract's reason, nothing enters a trail, and the security log keeps
// no personal data. Tokens are forged with test/support/tokens.ts (node:crypto, the service's key).
import { generateKeyPairSync, randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import t from 'tap'
import { canonicalSegment, nodeCodec, openCode } from '../src/lib/code-verifier.ts'
import { eachDb, bearerOf, DAY, type Ctx, type Test } from './helper.ts'
import { attackerKey, b64url, decode, es256, forge, forgeRaw, hs256, jsonSegment, nonCanonicalTail, serviceKey, swapPayload, type ServiceKey } from './support/tokens.ts'

const NAME = '欧阳娜娜'

interface Scene {
  cp: string
  volunteer: string
  person: { personId: string, phone: string, idNumber: string, token: string }
  other: { personId: string }
  code: string
  key: ServiceKey
}

async function scene (ctx: Ctx): Promise<Scene> {
  const cp = await ctx.checkpoint()
  const volunteer = await ctx.staff('volunteer', { checkpointIds: [cp] })
  const person = await ctx.resident({ profile: { name: NAME } })
  const other = await ctx.resident({ profile: { name: '李四' } })
  const res = await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(person.token) })
  if (res.statusCode !== 200) throw new Error(`code: ${res.body}`)
  return { cp, volunteer, person, other, code: res.json().token as string, key: serviceKey(ctx.keysDir) }
}

/** Claims exactly as the service issues them (same member order), for the scene's person at the clock's now. */
function claims (ctx: Ctx, s: Scene, over: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = Math.floor(ctx.clock.now() / 1000)
  return { iss: ctx.config.issuer, sub: s.person.personId, col: 'g', knd: 'live', iat, exp: iat + ctx.config.codeTtlSeconds, jti: `jti-${randomUUID()}`, ...over }
}
const goodHeader = (s: Scene, over: Record<string, unknown> = {}): Record<string, unknown> => ({ alg: 'ES256', kid: s.key.kid, typ: 'gp-code+jwt', ...over })
const withKey = (s: Scene) => (input: string) => es256(input, s.key.privateKey)

async function trailRows (ctx: Ctx): Promise<number> {
  return (await ctx.app.store.db.select({ id: ctx.app.store.t.scans.id }).from(ctx.app.store.t.scans)).length
}

async function securityRow (ctx: Ctx, id: string) {
  const { db, t } = ctx.app.store
  const [row] = await db.select().from(t.securityEvents).where(eq(t.securityEvents.id, id))
  return row
}

const scan = (ctx: Ctx, s: Scene, token: string, extra: Record<string, unknown> = {}) =>
  ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(s.volunteer), payload: { id: randomUUID(), token, checkpointId: s.cp, ...extra } })

/** Posts the token; expects 200 deny with `reason`, nothing in any trail, and a security-log row without personal data. */
async function expectDeny (t: Test, ctx: Ctx, s: Scene, token: string, reason: string): Promise<void> {
  const before = await trailRows(ctx)
  const id = randomUUID()
  const res = await ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(s.volunteer), payload: { id, token, checkpointId: s.cp } })
  t.equal(res.statusCode, 200, `200, not an error (${res.body.slice(0, 200)})`)
  t.same(res.json(), { id, decision: 'deny', color: null, personId: null, displayName: null, reason, recorded: false, duplicate: false, offline: false, kind: null }, `deny ${reason}`)
  t.equal(await trailRows(ctx), before, 'no trail row')
  const row = await securityRow(ctx, id)
  t.ok(row, 'kept in the security log')
  if (row === undefined) return
  t.equal(row.reason, reason)
  t.equal(row.tokenLength, token.length)
  const text = JSON.stringify(row)
  const secrets = [NAME, s.person.idNumber, s.person.phone, s.person.personId, s.other.personId, ...token.split('.').filter((part) => part.length >= 16)]
  t.same(secrets.filter((secret) => text.includes(secret)), [], 'the security row holds no token text, name, ID number, phone or person id')
}

eachDb('forged and mutated codes are denied with the contract reason; nothing enters the trail', async (t, ctx) => {
  const s = await scene(ctx)
  const sign = withKey(s)
  const attacker = attackerKey()
  const { header: liveHeader, payload: livePayload, parts } = decode(s.code)
  const [h, p, sig] = parts
  t.same(liveHeader, goodHeader(s), 'the live code has the header the contract fixes')

  // A control: a token forged with the service's own key and the helpers below is accepted, so every deny is down to the one thing changed.
  const control = await scan(ctx, s, forge(goodHeader(s), claims(ctx, s), sign))
  t.match(control.json(), { decision: 'allow', recorded: true, personId: s.person.personId, displayName: '欧阳**' }, 'control token allowed')
  t.equal(await trailRows(ctx), 1)

  const zeroSig = b64url(Buffer.alloc(64))
  const cases: Array<[string, string, string]> = [
    // alg none in any casing, with the classic empty signature and with a signature present
    ...['none', 'NONE', 'nOnE', 'None'].map((alg): [string, string, string] => [`alg ${alg}, empty signature`, `${jsonSegment(goodHeader(s, { alg }))}.${jsonSegment(claims(ctx, s))}.`, 'alg_not_allowed']),
    ['alg none, a signature present', `${jsonSegment(goodHeader(s, { alg: 'none' }))}.${p}.${sig}`, 'alg_not_allowed'],
    ['alg es256 (lower case)', forge(goodHeader(s, { alg: 'es256' }), claims(ctx, s), sign), 'alg_not_allowed'],
    ['alg ES384', forge(goodHeader(s, { alg: 'ES384' }), claims(ctx, s), sign), 'alg_not_allowed'],
    ['HS256 keyed with the public JWK', forge(goodHeader(s, { alg: 'HS256' }), claims(ctx, s), (i) => hs256(i, JSON.stringify(s.key.publicJwk))), 'alg_not_allowed'],
    ['HS256 keyed with the public PEM', forge(goodHeader(s, { alg: 'HS256' }), claims(ctx, s), (i) => hs256(i, s.key.publicPem)), 'alg_not_allowed'],
    ['alg missing', forge({ kid: s.key.kid, typ: 'gp-code+jwt' }, claims(ctx, s), sign), 'malformed'],
    ['unknown kid', forge(goodHeader(s, { kid: 'c3VwZXItc2VjcmV0LWtleS0x' }), claims(ctx, s), sign), 'unknown_key'],
    ['kid with a path', forge(goodHeader(s, { kid: '../../etc/passwd' }), claims(ctx, s), sign), 'unknown_key'],
    ['kid with SQL', forge(goodHeader(s, { kid: "x' OR '1'='1" }), claims(ctx, s), sign), 'unknown_key'],
    ['kid of an attacker key', forge(goodHeader(s, { kid: 'attacker' }), claims(ctx, s), (i) => es256(i, attacker.privateKey)), 'unknown_key'],
    ['embedded jwk header, signed by the attacker', forge(goodHeader(s, { jwk: attacker.publicJwk }), claims(ctx, s), (i) => es256(i, attacker.privateKey)), 'malformed'],
    ['jku header, signed by the attacker', forge(goodHeader(s, { jku: 'https://evil.example/jwks.json' }), claims(ctx, s), (i) => es256(i, attacker.privateKey)), 'malformed'],
    ['x5u header', forge(goodHeader(s, { x5u: 'https://evil.example/cert.pem' }), claims(ctx, s), sign), 'malformed'],
    ['crit header', forge(goodHeader(s, { crit: ['b64'] }), claims(ctx, s), sign), 'malformed'],
    ['the service kid, signed by the attacker', forge(goodHeader(s), claims(ctx, s), (i) => es256(i, attacker.privateKey)), 'bad_signature'],
    ['payload changed under the old signature (sub switched)', swapPayload(s.code, { ...livePayload, sub: s.other.personId }), 'bad_signature'],
    ['payload changed under the old signature (col r → g)', swapPayload(s.code, { ...livePayload, col: livePayload.col === 'g' ? 'r' : 'g' }), 'bad_signature'],
    ['the all-zero signature', `${h}.${p}.${zeroSig}`, 'bad_signature'],
    ['a signature of 63 bytes', `${h}.${p}.${b64url(Buffer.from(sig, 'base64url').subarray(0, 63))}`, 'bad_signature'],
    ['wrong iss', forge(goodHeader(s), claims(ctx, s, { iss: 'evil' }), sign), 'wrong_issuer'],
    ['wrong typ', forge(goodHeader(s, { typ: 'JWT' }), claims(ctx, s), sign), 'wrong_type'],
    ['place-code typ', forge(goodHeader(s, { typ: 'gp-place+jwt' }), claims(ctx, s), sign), 'wrong_type'],
    ['typ not a string', forge(goodHeader(s, { typ: 1 }), claims(ctx, s), sign), 'malformed'],
    ['missing jti', forge(goodHeader(s), (({ jti: _jti, ...rest }) => rest)(claims(ctx, s)), sign), 'malformed'],
    ['jti too short', forge(goodHeader(s), claims(ctx, s, { jti: 'abc' }), sign), 'malformed'],
    ['missing exp', forge(goodHeader(s), (({ exp: _exp, ...rest }) => rest)(claims(ctx, s)), sign), 'malformed'],
    ['iat as a string', forge(goodHeader(s), claims(ctx, s, { iat: String(Math.floor(ctx.clock.now() / 1000)) }), sign), 'malformed'],
    ['col of the wrong type', forge(goodHeader(s), claims(ctx, s, { col: 1 }), sign), 'malformed'],
    ['col not a colour', forge(goodHeader(s), claims(ctx, s, { col: 'green' }), sign), 'malformed'],
    ['an extra claim', forge(goodHeader(s), claims(ctx, s, { adm: true }), sign), 'malformed'],
    ['whitespace inside the header JSON, re-signed', forgeRaw(JSON.stringify(goodHeader(s)).replace(',', ', '), JSON.stringify(claims(ctx, s)), sign), 'malformed'],
    ['pretty-printed payload, re-signed', forgeRaw(JSON.stringify(goodHeader(s)), JSON.stringify(claims(ctx, s), null, 1), sign), 'malformed'],
    ['duplicate JSON members in the payload, re-signed', forgeRaw(JSON.stringify(goodHeader(s)), JSON.stringify(claims(ctx, s)).replace('"sub":', `"sub":"${s.other.personId}","sub":`), sign), 'malformed'],
    ['duplicate alg in the header, re-signed', forgeRaw(JSON.stringify(goodHeader(s)).replace('{', '{"alg":"none",'), JSON.stringify(claims(ctx, s)), sign), 'malformed'],
    ['a payload that is a JSON array', forgeRaw(JSON.stringify(goodHeader(s)), JSON.stringify([claims(ctx, s)]), sign), 'malformed'],
    ['BOM before the header JSON', forgeRaw('\uFEFF' + JSON.stringify(goodHeader(s)), JSON.stringify(claims(ctx, s)), sign), 'malformed'],
    ['a 100 kB token', `${h}.${p}.${'A'.repeat(100_000)}`, 'malformed'],
    ['the empty string', '', 'malformed'],
    ['garbage', 'hello world', 'malformed'],
    ['four segments', `${s.code}.${sig}`, 'malformed'],
    ['two segments', `${h}.${p}`, 'malformed'],
    ['a URL', 'https://example.com/?code=1', 'malformed'],
    ['JSON instead of a JWS', JSON.stringify({ header: liveHeader, payload: livePayload }), 'malformed'],
    ['a character of the standard base64 alphabet (+)', `${h}.${p}.+${sig.slice(1)}`, 'malformed'],
    ['a character of the standard base64 alphabet (/)', `${h}.${p}.${sig.slice(0, -1)}/`, 'malformed']
  ]
  for (const [name, token, reason] of cases) {
    await t.test(name, async (t) => { await expectDeny(t, ctx, s, token, reason) })
  }
  t.equal(await trailRows(ctx), 1, 'still only the control row')
})

eachDb('expiry and issue time: the skew tolerance, and no more', async (t, ctx) => {
  const s = await scene(ctx)
  const skew = ctx.config.clockSkewSeconds
  const { payload } = decode(s.code)
  const exp = payload.exp as number

  // Just inside the skew: exp + skew - 1 s is still allowed; at exp + skew it is expired.
  ctx.clock.set((exp + skew) * 1000 - 1)
  const inside = await scan(ctx, s, s.code)
  t.match(inside.json(), { decision: 'allow', reason: null, recorded: true, personId: s.person.personId }, 'inside the skew')
  ctx.clock.set((exp + skew) * 1000)
  await t.test('at exp + skew', async (t) => { await expectDeny(t, ctx, s, s.code, 'expired') })
  ctx.clock.advance(6 * 3600_000)
  await t.test('six hours later', async (t) => { await expectDeny(t, ctx, s, s.code, 'expired') })

  // Future iat, signed with the service key: up to skew is tolerated, beyond it is not yet valid.
  const now = Math.floor(ctx.clock.now() / 1000)
  const sign = withKey(s)
  const future = (ahead: number) => forge(goodHeader(s), claims(ctx, s, { iat: now + ahead, exp: now + ahead + 60 }), sign)
  const tolerated = await scan(ctx, s, future(skew))
  t.match(tolerated.json(), { decision: 'allow', recorded: true }, 'iat = now + skew is tolerated')
  await t.test('iat = now + skew + 1', async (t) => { await expectDeny(t, ctx, s, future(skew + 1), 'not_yet_valid') })
  await t.test('iat an hour ahead', async (t) => { await expectDeny(t, ctx, s, future(3600), 'not_yet_valid') })
  await t.test('exp not after iat', async (t) => { await expectDeny(t, ctx, s, forge(goodHeader(s), claims(ctx, s, { iat: now, exp: now }), sign), 'malformed') })
  t.equal(await trailRows(ctx), 2, 'only the two allowed scans are in the trail')
})

eachDb('whitespace, padding or non-canonical bits added to a recorded code: deny, and no second trail row', async (t, ctx) => {
  const s = await scene(ctx)
  const [h, p, sig] = s.code.split('.') as [string, string, string]
  const first = await scan(ctx, s, s.code)
  t.match(first.json(), { decision: 'allow', recorded: true }, 'the valid code is recorded once')
  const { db, t: tables } = ctx.app.store
  const personRows = async () => (await db.select().from(tables.scans).where(eq(tables.scans.personId, s.person.personId))).length
  t.equal(await personRows(), 1)

  const padded = (segment: string) => segment + '='.repeat((4 - (segment.length % 4)) % 4 || 1)
  const mutated: Array<[string, string]> = [
    ['padding on the signature', `${h}.${p}.${padded(sig)}`],
    ['padding on the payload', `${h}.${padded(p)}.${sig}`],
    ['padding on the header', `${padded(h)}.${p}.${sig}`],
    ['non-canonical trailing bits in the signature', `${h}.${p}.${nonCanonicalTail(sig)}`],
    ['a trailing newline', `${s.code}\n`],
    ['a leading space', ` ${s.code}`],
    ['a space before the signature', `${h}.${p}. ${sig}`],
    ['a line break inside the signature', `${h}.${p}.${sig.slice(0, 40)}\r\n${sig.slice(40)}`]
  ]
  const nonCanonicalPayload = [p, h].find((seg) => seg.length % 4 === 2 || seg.length % 4 === 3)
  if (nonCanonicalPayload !== undefined) mutated.push(['non-canonical trailing bits in the header or payload', s.code.replace(nonCanonicalPayload, nonCanonicalTail(nonCanonicalPayload))])
  for (const [name, token] of mutated) {
    await t.test(name, async (t) => { await expectDeny(t, ctx, s, token, 'malformed') })
  }
  t.equal(await personRows(), 1, 'still exactly one trail row for the person')
})

eachDb('many distinct headers: each judged by its own text, before and after the service\'s own', async (t, ctx) => {
  // The service remembers the header segments it has decoded (a few dozen at most): one it has not seen must still be
  // decoded and judged, one it has seen judged the same again, and a code's header with the wrong key still refused.
  const s = await scene(ctx)
  const sign = withKey(s)
  const first = await scan(ctx, s, s.code)
  t.match(first.json(), { decision: 'allow', recorded: true }, 'the service\'s own code, first')
  for (let i = 0; i < 40; i++) {
    const token = forge(goodHeader(s, { typ: `gp-code+jwt-${i}` }), claims(ctx, s), sign)
    const res = await scan(ctx, s, token)
    if (res.json().reason !== 'wrong_type') { t.fail(`header ${i}: ${res.body}`); return }
  }
  // A member order of its own is a header text of its own, and still canonical JSON.
  const reordered = forge({ typ: 'gp-code+jwt', kid: s.key.kid, alg: 'ES256' }, claims(ctx, s), sign)
  t.match((await scan(ctx, s, reordered)).json(), { decision: 'allow', recorded: true }, 'the same header members in another order')
  t.match((await scan(ctx, s, forge(goodHeader(s), claims(ctx, s), sign))).json(), { decision: 'allow', recorded: true }, 'the service\'s header after 41 others')
  await t.test('the same header with another key\'s signature', async (t) => { await expectDeny(t, ctx, s, forge(goodHeader(s), claims(ctx, s), (input) => es256(input, attackerKey().privateKey)), 'bad_signature') })
  await t.test('a header never seen, with alg none', async (t) => { await expectDeny(t, ctx, s, forge(goodHeader(s, { alg: 'none', typ: 'gp-code+jwt-new' }), claims(ctx, s), sign), 'alg_not_allowed') })
})

eachDb('the valid code of a person who no longer exists → unknown_person', async (t, ctx) => {
  const s = await scene(ctx)
  const ok = await scan(ctx, s, s.code)
  t.match(ok.json(), { decision: 'allow', recorded: true })
  const { db, t: tables } = ctx.app.store
  // No route removes a person; a write that did would tell the store, like every write of people (store.changed).
  await ctx.app.store.tx(async (tx) => {
    await tx.delete(tables.people).where(eq(tables.people.id, s.person.personId))
    ctx.app.store.changed(tx, 'people', s.person.personId)
  })
  t.equal((await db.select().from(tables.scans).where(eq(tables.scans.personId, s.person.personId))).length, 0, 'the trail went with the person')
  await expectDeny(t, ctx, s, s.code, 'unknown_person')
  t.equal(await trailRows(ctx), 0)
})

eachDb('who, where and what shape: 403, 404, 400, 409, batch limits and clock_out_of_range', async (t, ctx) => {
  const s = await scene(ctx)
  const elsewhere = await ctx.checkpoint({ name: '清江社区门岗', kind: 'community' })
  const body = (extra: Record<string, unknown> = {}) => ({ id: randomUUID(), token: s.code, checkpointId: s.cp, ...extra })
  const post = (payload: unknown, url = '/v1/scans') => ctx.inject({ method: 'POST', url, headers: bearerOf(s.volunteer), payload: payload as Record<string, unknown> })
  const noTrace = async (t: Test, id: string) => {
    t.equal(await trailRows(ctx), 0, 'no trail row')
    t.equal(await securityRow(ctx, id), undefined, 'no security row either: the scan was not judged')
  }

  await t.test('a volunteer at another checkpoint → 403', async (t) => {
    const b = body({ checkpointId: elsewhere })
    const res = await post(b)
    t.equal(res.statusCode, 403)
    t.equal(res.json().code, 'GP_FORBIDDEN')
    t.match(res.json().message, /checkpointId/)
    await noTrace(t, b.id)
  })
  await t.test('an unknown checkpoint → 404', async (t) => {
    const b = body({ checkpointId: 'no-such-checkpoint' })
    const res = await post(b)
    t.equal(res.statusCode, 404)
    t.equal(res.json().code, 'GP_NOT_FOUND')
    t.match(res.json().message, /checkpointId/)
    await noTrace(t, b.id)
  })
  for (const [name, payload, field] of [
    ['an extra body field', body({ personId: s.person.personId }), 'personId'],
    ['another extra body field', body({ decision: 'allow' }), 'decision'],
    ['a token that is not a string', body({ token: 12 }), 'token'],
    ['no token', (({ token: _t, ...rest }) => rest)(body()), 'token'],
    ['an id that is not a UUID', body({ id: '1' }), 'id'],
    ['a bad direction', body({ direction: 'up' }), 'direction']
  ] as Array<[string, Record<string, unknown>, string]>) {
    await t.test(`${name} → 400 naming ${field}`, async (t) => {
      const res = await post(payload)
      t.equal(res.statusCode, 400, res.body)
      t.equal(res.json().code, 'GP_VALIDATION')
      t.match(res.json().message, new RegExp(field))
      t.equal(await trailRows(ctx), 0)
    })
  }

  await t.test('a batch of 1001 items → 400', async (t) => {
    const res = await post({ scans: Array.from({ length: 1001 }, () => body()) }, '/v1/scans/batch')
    t.equal(res.statusCode, 400, res.body.slice(0, 200))
    t.equal(res.json().code, 'GP_VALIDATION')
    t.match(res.json().message, /scans/)
    t.equal(await trailRows(ctx), 0, 'none of the 1001 was judged')
  })
  await t.test('an extra field in a batch body → 400 naming it', async (t) => {
    const res = await post({ scans: [body()], force: true }, '/v1/scans/batch')
    t.equal(res.statusCode, 400)
    t.match(res.json().message, /force/)
  })

  await t.test('batch items with scannedAt in the future or 8 days old → clock_out_of_range, the others unaffected', async (t) => {
    const now = ctx.clock.now()
    const items = [
      body({ scannedAt: new Date(now + 3600_000).toISOString() }),
      body({ scannedAt: new Date(now - 8 * DAY).toISOString() }),
      body({ scannedAt: new Date(now - 1000).toISOString() }),
      body({ scannedAt: new Date(now).toISOString(), extra: 1 })
    ]
    const res = await post({ scans: items }, '/v1/scans/batch')
    t.equal(res.statusCode, 200, res.body)
    const [future, old, fine, bad] = res.json().results
    for (const [answer, item] of [[future, items[0]], [old, items[1]]]) {
      t.same(answer, { id: item.id, decision: 'deny', color: null, personId: null, displayName: null, reason: 'clock_out_of_range', recorded: false, duplicate: false, offline: true, kind: null })
      t.match(await securityRow(ctx, item.id), { reason: 'clock_out_of_range', source: 'batch' }, 'in the security log')
    }
    t.match(fine, { id: items[2]?.id, decision: 'allow', recorded: true, offline: true })
    t.match(bad, { id: items[3]?.id, error: { statusCode: 400, code: 'GP_VALIDATION', message: /extra/ } })
    t.equal(await trailRows(ctx), 1, 'only the good item is in the trail')
  })

  await t.test('the same id with a different token → 409; the first answer stands', async (t) => {
    const b = body()
    const first = await post(b)
    t.match(first.json(), { decision: 'allow', recorded: true })
    const rows = await trailRows(ctx)
    const res = await post({ ...b, token: forge(goodHeader(s), claims(ctx, s), withKey(s)) })
    t.equal(res.statusCode, 409)
    t.equal(res.json().code, 'GP_CONFLICT')
    t.match(res.json().message, /id/)
    const again = await post(b)
    t.same(again.json(), { ...first.json(), duplicate: true }, 'the first answer again')
    const batch = await post({ scans: [{ ...b, token: 'garbage' }] }, '/v1/scans/batch')
    t.match(batch.json().results[0], { id: b.id, error: { statusCode: 409, code: 'GP_CONFLICT' } }, 'in a batch too')
    t.equal(await trailRows(ctx), rows, 'no second row')
  })

  await t.test('a forged signature retried under its id → its first answer, one security row; the id with a valid token → 409', async (t) => {
    const attacker = attackerKey()
    const b = body({ token: forge(goodHeader(s), claims(ctx, s), (i) => es256(i, attacker.privateKey)) })
    const rows = await trailRows(ctx)
    const first = await post(b)
    t.same(first.json(), { id: b.id, decision: 'deny', color: null, personId: null, displayName: null, reason: 'bad_signature', recorded: false, duplicate: false, offline: false, kind: null })
    const again = await post(b)
    t.same(again.json(), { ...first.json(), duplicate: true }, 'the first answer again, marked duplicate')
    const { db, t: tables } = ctx.app.store
    t.equal((await db.select().from(tables.securityEvents).where(eq(tables.securityEvents.id, b.id))).length, 1, 'one row in the security log')
    const valid = await post({ ...b, token: s.code })
    t.equal(valid.statusCode, 409, 'a valid code under the forged one\'s id is refused')
    t.equal(await trailRows(ctx), rows, 'nothing reached the trail')
  })

  await t.test('the same id for a denied token with a different token → 409, no trail row', async (t) => {
    const b = body({ token: 'garbage' })
    const first = await post(b)
    t.match(first.json(), { decision: 'deny', reason: 'malformed' })
    const rows = await trailRows(ctx)
    const res = await post({ ...b, token: s.code })
    t.equal(res.statusCode, 409)
    t.equal(await trailRows(ctx), rows, 'the valid token under a used id did not reach the trail')
  })
})

t.test('canonical base64url: a segment is accepted exactly when re-encoding its bytes gives it back', async (t) => {
  // Every last character after every length of a group (and a few lengths), against the definition itself.
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  let accepted = 0
  let refused = 0
  for (const prefix of ['', 'eyJh', 'eyJhbGci']) {
    for (const middle of ['', 'Q', 'QU']) {
      for (const last of alphabet + '=+/ .') {
        const segment = prefix + middle + last
        const bytes = Buffer.from(segment, 'base64url')
        const canonical = /^[A-Za-z0-9_-]+$/.test(segment) && segment.length % 4 !== 1 && bytes.toString('base64url') === segment
        // Both decoders: the pages' plain JS one and Node's on the scan path.
        for (const got of [canonicalSegment(segment), canonicalSegment(segment, nodeCodec)]) {
          if (canonical) { accepted++; if (got === null || !bytes.equals(got)) t.fail(`${segment} refused`) } else { refused++; if (got !== null) t.fail(`${segment} accepted`) }
        }
      }
    }
  }
  // One character after a whole group can never be canonical; after one more it carries 2 data bits (4 of the 64
  // characters end in four zero bits), after two more 4 data bits (16 of 64 end in two zero bits): 3 × (4 + 16).
  t.equal(accepted, 120, `${accepted} accepted and ${refused} refused, each as the definition says (60 each, both decoders)`)
  t.equal(canonicalSegment(''), null, 'empty')
  t.equal(canonicalSegment('QR'), null, 'QR decodes to the byte A, whose canonical form is QQ')
  t.same(canonicalSegment('QQ'), new Uint8Array([65]), 'QQ is A')
})

t.test('openCode: claims are offered before the signature is checked, marked unverified, and a bad signature still refuses', async (t) => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const attacker = attackerKey()
  const opts = { keys: new Map([['k1', { publicKey }]]), issuer: 'https://gp.test', typ: 'gp-code+jwt', skewSeconds: 30, at: 1_800_000_000_000 }
  const header = { alg: 'ES256', kid: 'k1', typ: 'gp-code+jwt' }
  const payload = { iss: 'https://gp.test', sub: 'person-0123456789ab', col: 'g', knd: 'live', iat: 1_800_000_000, exp: 1_800_000_300, jti: 'jti-0123456789' }
  const good = openCode(forge(header, payload, (i) => es256(i, privateKey)), opts)
  t.equal(good.unverified?.sub, payload.sub)
  t.match(await good.verified, { ok: true, kid: 'k1', claims: { sub: payload.sub } })
  // Signed by someone else: the stated subject is there to read ahead with, and the verdict is still bad_signature.
  const forged = openCode(forge(header, payload, (i) => es256(i, attacker.privateKey)), opts)
  t.equal(forged.unverified?.sub, payload.sub, 'the stated sub, for work thrown away unless verified')
  t.same(await forged.verified, { ok: false, reason: 'bad_signature' })
  // Refused before any crypto: nothing to read ahead with.
  for (const [token, reason] of [['garbage', 'malformed'], [forge({ ...header, kid: 'k2' }, payload, (i) => es256(i, privateKey)), 'unknown_key'], [forge({ ...header, alg: 'none' }, payload, () => Buffer.alloc(0)), 'alg_not_allowed']] as const) {
    const opened = openCode(token, opts)
    t.equal(opened.unverified, null, `${reason}: no claims offered`)
    t.same(await opened.verified, { ok: false, reason })
  }
})

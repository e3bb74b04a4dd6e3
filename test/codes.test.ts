// Live codes, their QR images, paper codes and the public key set, checked the way an outside verifier would.
import { createHash, createPublicKey, verify } from 'node:crypto'
import { createLocalJWKSet, jwtVerify, type JWK } from 'jose'
import jsQRModule from 'jsqr'
import { PNG } from 'pngjs'
import { bearerOf, eachDb, idNumberFor, type Ctx, type Test } from './helper.ts'

const TYP = 'gp-code+jwt'
const PAPER_SECONDS = 28 * 24 * 3600

interface PublicJwk { kty: string, crv: string, x: string, y: string, kid: string, alg: string, use: string, d?: string }
interface Claims { iss: string, sub: string, col: string, knd: string, iat: number, exp: number, jti: string }

// jsqr is CommonJS (module.exports = jsQR) but typed as an ES module with a default export.
type JsQR = typeof jsQRModule.default
const jsQR: JsQR = typeof jsQRModule === 'function' ? jsQRModule as unknown as JsQR : jsQRModule.default

const part = (s: string): Record<string, unknown> => JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Record<string, unknown>

/** RFC 7638: the required members in lexicographic order, no spaces, sha256, base64url. */
const thumbprint = (jwk: PublicJwk): string =>
  createHash('sha256').update(`{"crv":"${jwk.crv}","kty":"${jwk.kty}","x":"${jwk.x}","y":"${jwk.y}"}`).digest('base64url')

async function jwks (ctx: Ctx): Promise<PublicJwk[]> {
  const res = await ctx.inject({ method: 'GET', url: '/.well-known/jwks.json' })
  if (res.statusCode !== 200) throw new Error(`jwks: ${res.statusCode} ${res.body}`)
  return (res.json() as { keys: PublicJwk[] }).keys
}

/** Verifies a code with node:crypto against the published JWKS only, and checks the exact header and claim set. */
async function verifyIndependently (t: Test, ctx: Ctx, token: string): Promise<Claims> {
  const segments = token.split('.')
  t.equal(segments.length, 3, 'compact JWS: three segments')
  const [h, p, s] = segments as [string, string, string]
  const header = part(h)
  const keys = await jwks(ctx)
  const jwk = keys.find((k) => k.kid === header.kid)
  if (jwk === undefined) throw new Error(`kid ${String(header.kid)} is not in the JWKS`)
  t.equal(h, Buffer.from(JSON.stringify({ alg: 'ES256', kid: jwk.kid, typ: TYP })).toString('base64url'), 'header is exactly {"alg","kid","typ"} in that order')
  t.same(header, { alg: 'ES256', kid: jwk.kid, typ: TYP })
  t.equal(jwk.kid, thumbprint(jwk), 'kid is the RFC 7638 thumbprint of the key')
  const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' })
  const signature = Buffer.from(s, 'base64url')
  t.equal(signature.length, 64, 'ES256 signature is r||s, 64 bytes')
  t.ok(verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, signature), 'signature verifies with node:crypto')
  const tampered = Buffer.from(signature)
  tampered[10] = (tampered[10] ?? 0) ^ 1
  t.notOk(verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, tampered), 'a changed signature does not verify')

  const claims = part(p) as unknown as Claims
  t.same(Object.keys(claims).sort(), ['col', 'exp', 'iat', 'iss', 'jti', 'knd', 'sub'], 'payload has exactly the contract claims')
  t.equal(claims.iss, ctx.config.issuer)
  t.equal(claims.iss, 'gridpass')
  t.match(claims.col, /^[gyr]$/)
  t.ok(Number.isInteger(claims.iat) && Number.isInteger(claims.exp), 'iat and exp are integer seconds')
  t.type(claims.jti, 'string')
  t.ok(claims.jti.length >= 12, 'jti has at least 12 characters')

  // A second, independent path: jose against the same public key set.
  const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet({ keys: keys as JWK[] }), {
    algorithms: ['ES256'], typ: TYP, issuer: ctx.config.issuer, currentDate: new Date(ctx.clock.now())
  })
  t.equal(protectedHeader.kid, jwk.kid)
  t.equal(payload.sub, claims.sub)
  return claims
}

function decodePng (body: Buffer): string | null {
  const png = PNG.sync.read(body)
  return jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height)?.data ?? null
}

const declareSymptoms = async (ctx: Ctx, token: string) => ctx.inject({
  method: 'POST', url: '/v1/me/declarations', headers: bearerOf(token),
  payload: { temperature: 38.2, symptoms: ['fever'], visitedHighRiskArea: false, contactWithConfirmed: false }
})

eachDb('live code: fields, lifetime, no-store, verifiable from the JWKS alone', async (t, ctx) => {
  const r = await ctx.resident({ profile: { name: '王小明' } })
  const res = await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(r.token) })
  t.equal(res.statusCode, 200, res.body)
  t.equal(res.headers['cache-control'], 'no-store')
  const body = res.json() as { token: string, color: string, issuedAt: string, expiresAt: string, displayName: string }
  t.same(Object.keys(body).sort(), ['color', 'displayName', 'expiresAt', 'issuedAt', 'token'])
  t.equal(body.displayName, '王**', 'whose code it is, masked')
  t.notMatch(Buffer.from(body.token.split('.')[1] as string, 'base64url').toString(), /王/, 'the name is never in the token')
  t.equal(body.color, 'green')
  t.equal(body.issuedAt, new Date(ctx.clock.now()).toISOString())
  t.equal(Date.parse(body.expiresAt) - Date.parse(body.issuedAt), ctx.config.codeTtlSeconds * 1000)

  const claims = await verifyIndependently(t, ctx, body.token)
  t.equal(claims.sub, r.personId)
  t.equal(claims.col, 'g')
  t.equal(claims.knd, 'live')
  t.equal(claims.iat * 1000, Date.parse(body.issuedAt))
  t.equal(claims.exp * 1000, Date.parse(body.expiresAt))
  t.equal(claims.exp - claims.iat, ctx.config.codeTtlSeconds)

  // Nothing personal travels in the QR: not the name, the ID number or the phone, in any encoding.
  const decoded = body.token.split('.').slice(0, 2).map((s) => Buffer.from(s, 'base64url').toString('utf8')).join('\n')
  for (const secret of ['王小明', '王', r.idNumber, r.idNumber.slice(-6), r.phone, r.phone.slice(-4)]) {
    t.notOk(decoded.includes(secret), `decoded token does not contain ${secret}`)
  }
  for (const secret of [r.idNumber, r.phone]) t.notOk(body.token.includes(secret), `token text does not contain ${secret}`)

  const again = (await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(r.token) })).json() as { token: string }
  t.not(part(again.token.split('.')[1] as string).jti, claims.jti, 'every code has its own jti')
})

eachDb('live code follows the TTL configured', async (t, ctx) => {
  const r = await ctx.resident()
  const body = (await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(r.token) })).json() as { token: string, issuedAt: string, expiresAt: string }
  t.equal(ctx.config.codeTtlSeconds, 120)
  t.equal(Date.parse(body.expiresAt) - Date.parse(body.issuedAt), 120_000)
  const claims = await verifyIndependently(t, ctx, body.token)
  t.equal(claims.exp - claims.iat, 120)
}, { config: { codeTtlSeconds: 120 } })

eachDb('code.png decodes to a valid token for the same person; code.svg is a QR path', async (t, ctx) => {
  const r = await ctx.resident()
  const png = await ctx.inject({ method: 'GET', url: '/v1/me/code.png', headers: bearerOf(r.token) })
  t.equal(png.statusCode, 200)
  t.equal(png.headers['content-type'], 'image/png')
  t.equal(png.headers['cache-control'], 'no-store')
  const text = decodePng(png.rawPayload)
  if (text === null) throw new Error('no QR found in code.png')
  t.match(text, /^[\w-]+\.[\w-]+\.[\w-]+$/, 'the QR holds exactly one compact JWS')
  const claims = await verifyIndependently(t, ctx, text)
  t.equal(claims.sub, r.personId)
  t.equal(claims.knd, 'live')

  const svg = await ctx.inject({ method: 'GET', url: '/v1/me/code.svg', headers: bearerOf(r.token) })
  t.equal(svg.statusCode, 200)
  t.match(svg.headers['content-type'], /^image\/svg\+xml/)
  t.equal(svg.headers['cache-control'], 'no-store')
  t.match(svg.body, /<svg[\s>]/)
  t.match(svg.body, /<path[^>]* d="M/)

  for (const url of ['/v1/me/code', '/v1/me/code.png', '/v1/me/code.svg']) {
    const anon = await ctx.inject({ method: 'GET', url })
    t.equal(anon.statusCode, 401, `${url} without a token`)
    const staff = await ctx.inject({ method: 'GET', url, headers: bearerOf(await ctx.staff('volunteer')) })
    t.equal(staff.statusCode, 403, `${url} as a volunteer`)
    t.equal(staff.json().code, 'GP_FORBIDDEN')
  }
})

eachDb('a declaration that turns the person yellow changes the next code', async (t, ctx) => {
  const r = await ctx.resident()
  const before = (await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(r.token) })).json() as { token: string, color: string }
  t.equal(before.color, 'green')
  const dec = await declareSymptoms(ctx, r.token)
  t.equal(dec.statusCode, 201, dec.body)
  t.equal(dec.json().color, 'yellow')
  const after = (await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(r.token) })).json() as { token: string, color: string }
  t.equal(after.color, 'yellow')
  const claims = await verifyIndependently(t, ctx, after.token)
  t.equal(claims.col, 'y')
})

eachDb('no profile → 409 GP_PROFILE_REQUIRED', async (t, ctx) => {
  const r = await ctx.resident({ profile: false })
  for (const url of ['/v1/me/code', '/v1/me/code.png', '/v1/me/code.svg']) {
    const res = await ctx.inject({ method: 'GET', url, headers: bearerOf(r.token) })
    t.equal(res.statusCode, 409, url)
    t.equal(res.json().code, 'GP_PROFILE_REQUIRED')
    t.match(res.json().message, /profile/)
  }
})

eachDb('JWKS: public, CORS, cacheable, public keys only', async (t, ctx) => {
  const res = await ctx.inject({ method: 'GET', url: '/.well-known/jwks.json', headers: { origin: 'https://verifier.example.org' } })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['access-control-allow-origin'], '*')
  t.match(res.headers['cache-control'], /\bpublic\b/)
  t.match(res.headers['cache-control'], /\bmax-age=\d+/)
  const keys = (res.json() as { keys: PublicJwk[] }).keys
  t.equal(keys.length, 1)
  for (const k of keys) {
    t.same(Object.keys(k).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y'], 'only public members')
    t.equal(k.kty, 'EC')
    t.equal(k.crv, 'P-256')
    t.equal(k.alg, 'ES256')
    t.equal(k.use, 'sig')
    t.equal(k.d, undefined, 'no private part')
    t.equal(k.kid, thumbprint(k))
    t.notOk(res.body.includes('"d"'))
  }
  // Other API routes do not open CORS to every origin.
  const other = await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: { origin: 'https://verifier.example.org' } })
  t.not(other.headers['access-control-allow-origin'], '*')
})

async function registerWithoutPhone (t: Test, ctx: Ctx, token: string, gridId: string, name = '张三丰', serial = 9_000_001) {
  const res = await ctx.inject({ method: 'POST', url: '/v1/people', headers: bearerOf(token), payload: { name, idNumber: idNumberFor(serial), gridId } })
  t.equal(res.statusCode, 201, res.body)
  return res.json().personId as string
}

eachDb('paper codes: a 28-day token, a printable card with the masked name, scoped and audited', async (t, ctx) => {
  const gridA = await ctx.grid()
  const gridB = await ctx.grid()
  const worker = await ctx.staff('gridworker', { gridIds: [gridA], username: 'worker-a' })
  const personId = await registerWithoutPhone(t, ctx, worker, gridA, '张三丰', 9_000_001)

  const res = await ctx.inject({ method: 'POST', url: `/v1/people/${personId}/paper-code`, headers: bearerOf(worker) })
  t.equal(res.statusCode, 200, res.body)
  const body = res.json() as { token: string, expiresAt: string }
  t.same(Object.keys(body).sort(), ['expiresAt', 'token'])
  t.equal(Date.parse(body.expiresAt), Math.floor(ctx.clock.now() / 1000) * 1000 + PAPER_SECONDS * 1000)
  const claims = await verifyIndependently(t, ctx, body.token)
  t.equal(claims.sub, personId)
  t.equal(claims.knd, 'paper')
  t.equal(claims.col, 'g')
  t.equal(claims.exp - claims.iat, PAPER_SECONDS)
  t.notOk(body.token.includes('张'), 'no name in the token')
  t.notOk(Buffer.from(body.token.split('.')[1] as string, 'base64url').toString().includes('张'), 'no name in the payload')

  const card = await ctx.inject({ method: 'GET', url: `/v1/people/${personId}/paper-code.svg`, headers: bearerOf(worker) })
  t.equal(card.statusCode, 200, card.body)
  t.match(card.headers['content-type'], /^image\/svg\+xml/)
  t.match(card.body, /<svg[\s>]/)
  t.match(card.body, /<path[^>]* d="M/)
  t.ok(card.body.includes('张**'), 'the card shows the masked name')
  t.ok(card.body.includes(`所属网格 Grid: 网格 ${gridA}`), 'and the grid')
  t.notOk(card.body.includes('张三丰'), 'the card never shows the full name')
  t.notOk(card.body.includes('三丰'))
  t.notOk(card.body.includes(idNumberFor(9_000_001)), 'nor the ID number')

  // A grid worker of another grid, residents and volunteers cannot print it.
  const otherWorker = await ctx.staff('gridworker', { gridIds: [gridB] })
  const r = await ctx.resident()
  const volunteer = await ctx.staff('volunteer')
  // Another grid's worker is answered as if the person did not exist (404) and the attempt is audited.
  for (const [who, token, status, code] of [['gridworker of another grid', otherWorker, 404, 'GP_NOT_FOUND'], ['resident', r.token, 403, 'GP_FORBIDDEN'], ['volunteer', volunteer, 403, 'GP_FORBIDDEN']] as const) {
    for (const [method, url] of [['POST', `/v1/people/${personId}/paper-code`], ['GET', `/v1/people/${personId}/paper-code.svg`]] as const) {
      const denied = await ctx.inject({ method, url, headers: bearerOf(token) })
      t.equal(denied.statusCode, status, `${who}: ${method} ${url}`)
      t.equal(denied.json().code, code)
    }
  }
  const anon = await ctx.inject({ method: 'POST', url: `/v1/people/${personId}/paper-code` })
  t.equal(anon.statusCode, 401)

  // Unknown person: 404, for the issue and the card.
  const admin = await ctx.admin()
  for (const [method, url] of [['POST', '/v1/people/AAAAAAAAAAAAAAAAAAAAAA/paper-code'], ['GET', '/v1/people/AAAAAAAAAAAAAAAAAAAAAA/paper-code.svg']] as const) {
    const missing = await ctx.inject({ method, url, headers: bearerOf(admin) })
    t.equal(missing.statusCode, 404, url)
    t.equal(missing.json().code, 'GP_NOT_FOUND')
    t.match(missing.json().message, /personId/)
  }

  // Admin and officer may issue for anyone.
  const byAdmin = await ctx.inject({ method: 'POST', url: `/v1/people/${personId}/paper-code`, headers: bearerOf(admin) })
  t.equal(byAdmin.statusCode, 200)
  const byOfficer = await ctx.inject({ method: 'POST', url: `/v1/people/${personId}/paper-code`, headers: bearerOf(await ctx.staff('officer')) })
  t.equal(byOfficer.statusCode, 200)

  const audit = await ctx.inject({ method: 'GET', url: '/v1/audit?limit=1000', headers: bearerOf(admin) })
  t.equal(audit.statusCode, 200)
  const entries = (audit.json() as { entries: Array<{ actor: string, role: string, action: string, target: string | null }> }).entries
  const mine = entries.filter((e) => e.target === personId && e.action.startsWith('paper_code.'))
  t.ok(mine.some((e) => e.action === 'paper_code.issue' && e.actor === 'worker-a' && e.role === 'gridworker'), 'issue audited with the worker')
  t.ok(mine.some((e) => e.action === 'paper_code.print' && e.actor === 'worker-a' && e.role === 'gridworker'), 'print audited with the worker')
  t.ok(mine.some((e) => e.action === 'paper_code.issue' && e.role === 'admin'), 'admin issue audited')
  t.equal(mine.filter((e) => e.action === 'paper_code.issue').length, 3, 'refused attempts issue nothing')
  t.ok(mine.some((e) => e.action === 'paper_code.issue.out_of_scope' && e.role === 'gridworker'), 'out of reach: audited')
  t.ok(mine.some((e) => e.action === 'paper_code.print.out_of_scope' && e.role === 'gridworker'))
  t.equal(mine.filter((e) => e.action === 'paper_code.print').length, 1)
})

eachDb('paper code carries the colour at issue time', async (t, ctx) => {
  const gridId = await ctx.grid()
  const r = await ctx.resident({ profile: { gridId } })
  t.equal((await declareSymptoms(ctx, r.token)).statusCode, 201)
  const res = await ctx.inject({ method: 'POST', url: `/v1/people/${r.personId}/paper-code`, headers: bearerOf(await ctx.admin()) })
  t.equal(res.statusCode, 200, res.body)
  const claims = await verifyIndependently(t, ctx, res.json().token)
  t.equal(claims.col, 'y')
  t.equal(claims.knd, 'paper')
})

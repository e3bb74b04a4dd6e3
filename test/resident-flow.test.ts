// End to end, as a resident and a verifier would: OTP, profile, declaration, code, verification against the JWKS.
import { createPublicKey, verify } from 'node:crypto'
import { eachDb, bearerOf, idNumberFor } from './helper.ts'

eachDb('a resident logs in, declares, shows a code that a verifier checks against the JWKS', async (t, ctx) => {
  const phone = '+8613912345678'
  const otp = await ctx.inject({ method: 'POST', url: '/v1/auth/otp', payload: { phone } })
  t.equal(otp.statusCode, 202)
  t.match(otp.json(), { sent: true, devCode: /^\d{6}$/ })

  const login = await ctx.inject({ method: 'POST', url: '/v1/auth/otp/verify', payload: { phone, code: otp.json().devCode } })
  t.equal(login.statusCode, 200)
  t.equal(login.json().role, 'resident')
  const auth = bearerOf(login.json().accessToken)

  const noProfile = await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: auth })
  t.equal(noProfile.statusCode, 409)
  t.equal(noProfile.json().code, 'GP_PROFILE_REQUIRED')

  const idNumber = idNumberFor(4242)
  const profile = await ctx.inject({ method: 'PUT', url: '/v1/me/profile', headers: auth, payload: { name: '欧阳娜娜', idNumber } })
  t.equal(profile.statusCode, 200)
  const personId = profile.json().personId as string
  t.equal(personId, login.json().personId)

  const healthy = await ctx.inject({ method: 'POST', url: '/v1/me/declarations', headers: auth, payload: { temperature: 36.6, symptoms: [], visitedHighRiskArea: false, contactWithConfirmed: false } })
  t.equal(healthy.statusCode, 201)
  t.same(healthy.json(), { color: 'green', reasons: [] })

  const code = await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: auth })
  t.equal(code.statusCode, 200)
  t.equal(code.json().color, 'green')
  const token = code.json().token as string

  // The verifier only has the public key set.
  const jwks = (await ctx.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as { keys: Array<Record<string, string>> }
  const [h, p, s] = token.split('.') as [string, string, string]
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, string>
  const jwk = jwks.keys.find((k) => k.kid === header.kid)
  t.ok(jwk, 'the signing key is in the JWKS')
  const ok = verify('sha256', Buffer.from(`${h}.${p}`), { key: createPublicKey({ key: jwk as never, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'))
  t.ok(ok, 'signature verifies with the published key')
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>
  t.match(payload, { iss: 'gridpass', sub: personId, col: 'g', knd: 'live' })
  for (const secret of [idNumber, '欧阳娜娜', '13912345678']) t.notOk(token.includes(secret) || JSON.stringify(payload).includes(secret), 'no personal data in the QR')

  // A fever turns the code yellow, and the next code says so.
  const fever = await ctx.inject({ method: 'POST', url: '/v1/me/declarations', headers: auth, payload: { temperature: 38.1, symptoms: ['cough'], visitedHighRiskArea: false, contactWithConfirmed: false } })
  t.equal(fever.json().color, 'yellow')
  t.equal(fever.json().reasons[0].rule, 'symptoms')
  const yellow = await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: auth })
  const yellowPayload = JSON.parse(Buffer.from((yellow.json().token as string).split('.')[1] as string, 'base64url').toString()) as Record<string, unknown>
  t.equal(yellowPayload.col, 'y')

  const status = await ctx.inject({ method: 'GET', url: '/v1/me/status', headers: auth })
  t.equal(status.json().color, 'yellow')
  t.same(status.json().history.map((x: { color: string }) => x.color), ['green', 'yellow'])
})

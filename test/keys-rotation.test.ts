// Two copies of the service on one database and one keys folder, during a rotation: a code signed by either copy is
// allowed by the other, before and after the new key's activation, whichever copy has re-read the folder.
import { randomUUID } from 'node:crypto'
import type { LightMyRequestResponse } from 'fastify'
import { rotateKeys } from '../src/lib/keyring.ts'
import { bearerOf, eachDb, makeCtx, type Ctx } from './helper.ts'

const kidOf = (token: string): string => (JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString('utf8')) as { kid: string }).kid

async function code (ctx: Ctx, token: string): Promise<string> {
  const res = await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(token) })
  if (res.statusCode !== 200) throw new Error(`code: ${res.statusCode} ${res.body}`)
  return res.json().token as string
}

async function scan (ctx: Ctx, volunteer: string, checkpointId: string, token: string): Promise<LightMyRequestResponse> {
  return ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(volunteer), payload: { id: randomUUID(), checkpointId, token } })
}

eachDb('a code signed by any copy during a rotation is allowed by every other', async (t, a) => {
  const b = await makeCtx(t, a.dialect, { share: a })
  const checkpointId = await a.checkpoint()
  const volunteerA = await a.staff('volunteer', { checkpointIds: [checkpointId] })
  const volunteerB = await b.staff('volunteer', { checkpointIds: [checkpointId], username: 'volunteer-on-b' })
  const resident = await a.resident()
  const kidOld = kidOf(await code(a, resident.token))

  const { active: kidNew, activatesAt } = await rotateKeys(a.keysDir, a.clock.now())
  a.app.reloadKeys() // B has not re-read the folder yet.

  const allowedEverywhere = async (when: string, kid: string): Promise<void> => {
    const fromA = await code(a, resident.token)
    t.equal(kidOf(fromA), kid, `${when}: copy A signs with ${kid === kidNew ? 'the new' : 'the old'} key`)
    const onB = await scan(b, volunteerB, checkpointId, fromA)
    t.equal(onB.statusCode, 200, `${when}: copy B allows A's code ${onB.body}`)
    t.equal(onB.json().decision, 'allow')
    const fromB = await code(b, resident.token)
    const onA = await scan(a, volunteerA, checkpointId, fromB)
    t.equal(onA.statusCode, 200, `${when}: copy A allows B's code (${kidOf(fromB) === kidNew ? 'new' : 'old'} key) ${onA.body}`)
    t.equal(onA.json().decision, 'allow')
  }

  await allowedEverywhere('before the activation', kidOld)
  t.equal(kidOf(await code(b, resident.token)), kidOld, 'B, which has not reloaded, signs with the old key too')
  const jwksB = (await b.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as { keys: Array<{ kid: string }> }
  t.same(jwksB.keys.map((k) => k.kid), [kidOld], 'B does not publish the new key yet')

  a.clock.set(activatesAt) // one clock for both copies: the moment every copy switches
  await allowedEverywhere('after the activation', kidNew)
  t.equal(kidOf(await code(b, resident.token)), kidNew, 'B re-read the folder when it met the unknown kid, and signs with the new key too')
  const jwksAfter = (await b.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as { keys: Array<{ kid: string }> }
  t.same(jwksAfter.keys.map((k) => k.kid).sort(), [kidOld, kidNew].sort(), 'and publishes both')
})

eachDb('a copy that has not re-read the folder still allows the codes of one that has, after the activation', async (t, a) => {
  const b = await makeCtx(t, a.dialect, { share: a })
  const checkpointId = await a.checkpoint()
  const volunteerA = await a.staff('volunteer', { checkpointIds: [checkpointId] })
  const volunteerB = await b.staff('volunteer', { checkpointIds: [checkpointId], username: 'volunteer-on-b' })
  const resident = await a.resident()

  // Immediate activation (after a leak): B switches only when it meets the new kid.
  const { active: kidNew } = await rotateKeys(b.keysDir, b.clock.now(), b.clock.now())
  b.app.reloadKeys()
  const fromB = await code(b, resident.token)
  t.equal(kidOf(fromB), kidNew, 'B signs with the new key at once')
  const fromA = await code(a, resident.token)
  t.not(kidOf(fromA), kidNew, 'A, not reloaded, still signs with the old one')
  t.equal((await scan(b, volunteerB, checkpointId, fromA)).json().decision, 'allow', 'B allows A\'s code on the old key')
  const onA = await scan(a, volunteerA, checkpointId, fromB)
  t.equal(onA.statusCode, 200, onA.body)
  t.equal(onA.json().decision, 'allow', 'A allows B\'s code on a key it had not loaded')

  const forged = `${Buffer.from(JSON.stringify({ alg: 'ES256', kid: 'no-such-kid', typ: 'gp-code+jwt' })).toString('base64url')}.${fromB.split('.').slice(1).join('.')}`
  const unknown = await scan(a, volunteerA, checkpointId, forged)
  t.equal(unknown.statusCode, 200)
  t.same([unknown.json().decision, unknown.json().reason], ['deny', 'unknown_key'], 'a kid no copy has stays denied')
})

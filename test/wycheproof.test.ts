// Standard vectors against the verifier that scans use (src/lib/jws.ts verifyEs256, src/lib/code-verifier.ts).
//
// What runs here:
// 1. ecdsa_secp256r1_sha256_p1363_test.json: every test of every group. The group's public key is
//    imported from publicKeyJwk when the file gives one, else from publicKeyDer (SPKI). Each test's
//    msg and sig (hex) go through verifyEs256(msg, sig, key): `valid` must verify, `invalid` must not
//    (the r=0 / s=0 "psychic signature" cases, r or s ≥ n, short or long encodings among them);
//    `acceptable` may go either way and is only counted.
// 2. json_web_signature_test.json: the groups whose key is an ES256 P-256 signing key ("es256",
//    "SpecialCaseEs256"). Each compact JWS is split on '.'; when it has three canonical base64url
//    segments and a canonical JSON header with alg ES256 and the group's kid and nothing else, the
//    signature is checked with verifyEs256 over the signing input, exactly as verifyCode does; the
//    verdict must equal the file's result. Then every one of the 401 vectors (all groups: HS*, RS*,
//    PS*, ES512, alg none, embedded jwk, base64 edge cases) goes through verifyCode itself with
//    the es256 key as a known kid: none is accepted; as none of their payloads is a JSON object,
//    the key-less canonical pre-check refuses every one as malformed before any crypto.
// 3. The same ECDSA vectors and ES256 JWS cases through the service's ES256 thread (src/lib/es256-thread.ts), where
//    scans' signatures are checked: all asked for in one turn, so they travel in batches of MESSAGE_JOBS; every
//    verdict must be the file's (and, for `acceptable`, the same as verifyEs256's).
// The header rules (alg none, HS256 keyed with the public key, embedded jwk, jku, unknown kid) are
// exercised with gridpass-shaped payloads over HTTP in test/scans-verify.test.ts.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createPublicKey, type KeyObject } from 'node:crypto'
import t from 'tap'
import { verifyEs256 } from '../src/lib/jws.ts'
import { MESSAGE_JOBS, createEs256Thread } from '../src/lib/es256-thread.ts'
import { canonicalJson, canonicalSegment, verifyCode, type DenyReason } from '../src/lib/code-verifier.ts'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')
// A copy of shared/vectors/wycheproof (Apache 2.0, see its LICENSE and README) so the suite runs from any clone.
const vectorsDir = resolve(repoRoot, 'test/vectors/wycheproof')

function load<T> (file: string): T {
  const path = resolve(vectorsDir, file)
  if (!existsSync(path)) throw new Error(`Wycheproof vectors missing: ${path} (copy it from shared/vectors/wycheproof/)`)
  return JSON.parse(readFileSync(path, 'utf8')) as T
}

interface EcdsaFile {
  numberOfTests: number
  testGroups: Array<{
    publicKeyJwk?: Record<string, string>
    publicKeyDer: string
    sha: string
    tests: Array<{ tcId: number, comment: string, msg: string, sig: string, result: 'valid' | 'invalid' | 'acceptable', flags: string[] }>
  }>
}

interface JwsFile {
  numberOfTests: number
  testGroups: Array<{
    comment: string
    public?: Record<string, unknown>
    tests: Array<{ tcId: number, comment: string, jws?: string, result: 'valid' | 'invalid' | 'acceptable' }>
  }>
}

function importKey (group: EcdsaFile['testGroups'][number]): KeyObject {
  if (group.publicKeyJwk !== undefined) {
    const { kty, crv, x, y } = group.publicKeyJwk
    return createPublicKey({ key: { kty, crv, x, y } as never, format: 'jwk' })
  }
  return createPublicKey({ key: Buffer.from(group.publicKeyDer, 'hex'), format: 'der', type: 'spki' })
}

void t.test('ECDSA P-256 SHA-256 IEEE P1363 vectors: verifyEs256 agrees with every valid and invalid result', async (t) => {
  const file = load<EcdsaFile>('ecdsa_secp256r1_sha256_p1363_test.json')
  const counts = { valid: 0, invalid: 0, acceptableAccepted: 0, acceptableRejected: 0, fromJwk: 0, fromDer: 0 }
  const wrong: string[] = []
  let total = 0
  for (const group of file.testGroups) {
    t.equal(group.sha, 'SHA-256')
    const key = importKey(group)
    if (group.publicKeyJwk !== undefined) counts.fromJwk += group.tests.length; else counts.fromDer += group.tests.length
    for (const test of group.tests) {
      total++
      const ok = await verifyEs256(Buffer.from(test.msg, 'hex'), Buffer.from(test.sig, 'hex'), key)
      if (test.result === 'acceptable') {
        if (ok) counts.acceptableAccepted++; else counts.acceptableRejected++
        continue
      }
      counts[test.result]++
      if (ok !== (test.result === 'valid')) wrong.push(`tcId ${test.tcId} (${test.comment}, ${test.flags.join(',')}): expected ${test.result}, verifyEs256 said ${ok}`)
    }
  }
  t.comment(`ran ${total} vectors in ${file.testGroups.length} groups: ${JSON.stringify(counts)}`)
  t.same(wrong, [], 'no vector disagrees')
  t.equal(total, file.numberOfTests, 'every vector the file declares was run')
  t.equal(total, 262, 'the file holds the 262 vectors the issue names')
  t.ok(counts.valid > 0 && counts.invalid > 0, 'both valid and invalid vectors ran')
  // The psychic-signature cases (CVE-2022-21449) are among the invalid ones that were refused.
  const psychic = file.testGroups.flatMap((g) => g.tests).filter((v) => v.flags.includes('InvalidSignature'))
  t.ok(psychic.length > 0, `${psychic.length} r=0/s=0 style vectors present`)
})

void t.test('verifyEs256 refuses a correct-looking signature of the wrong length without throwing', async (t) => {
  const file = load<EcdsaFile>('ecdsa_secp256r1_sha256_p1363_test.json')
  const group = file.testGroups[0] as EcdsaFile['testGroups'][number]
  const test = group.tests.find((v) => v.result === 'valid') as EcdsaFile['testGroups'][number]['tests'][number]
  const key = importKey(group)
  const sig = Buffer.from(test.sig, 'hex')
  t.equal(await verifyEs256(Buffer.from(test.msg, 'hex'), sig, key), true, 'the original verifies')
  t.equal(await verifyEs256(Buffer.from(test.msg, 'hex'), Buffer.concat([sig, Buffer.alloc(1)]), key), false, 'one extra byte')
  t.equal(await verifyEs256(Buffer.from(test.msg, 'hex'), sig.subarray(0, 63), key), false, 'one byte short')
  t.equal(await verifyEs256(Buffer.from(test.msg, 'hex'), Buffer.alloc(0), key), false, 'empty')
})

/** The JWS-level steps verifyCode takes before and including the signature, for a JWS whose payload is not ours. */
async function es256JwsVerdict (jws: string, kid: string, key: KeyObject): Promise<boolean> {
  const parts = jws.split('.')
  if (parts.length !== 3) return false
  const [h, p, s] = parts as [string, string, string]
  const headerBytes = canonicalSegment(h)
  if (headerBytes === null || (p !== '' && canonicalSegment(p) === null) || (s !== '' && canonicalSegment(s) === null)) return false
  const header = canonicalJson(headerBytes)
  if (header === null || header.alg !== 'ES256' || header.kid !== kid || Object.keys(header).length !== 2) return false
  return verifyEs256(Buffer.from(`${h}.${p}`), Buffer.from(s, 'base64url'), key)
}

void t.test('Wycheproof JWS vectors: the ES256 P-256 cases agree, and verifyCode accepts none of the file', async (t) => {
  const file = load<JwsFile>('json_web_signature_test.json')
  const all = file.testGroups.flatMap((g) => g.tests)
  t.equal(all.length, file.numberOfTests, 'the file holds what it declares')
  t.comment(`json_web_signature_test.json: ${all.length} vectors in ${file.testGroups.length} groups`)

  const es256Groups = file.testGroups.filter((g) => g.public?.alg === 'ES256' && g.public.crv === 'P-256' && g.public.use === 'sig')
  t.same(es256Groups.map((g) => g.comment).sort(), ['SpecialCaseEs256', 'es256'], 'the ES256 signing-key groups')
  let ran = 0
  const results = { valid: 0, invalid: 0 }
  for (const group of es256Groups) {
    const { kty, crv, x, y, kid } = group.public as Record<string, string>
    const key = createPublicKey({ key: { kty, crv, x, y } as never, format: 'jwk' })
    for (const test of group.tests) {
      if (test.jws === undefined) continue
      ran++
      if (test.result !== 'acceptable') results[test.result]++
      const ok = await es256JwsVerdict(test.jws, kid as string, key)
      t.equal(ok, test.result === 'valid', `tcId ${test.tcId} ${group.comment}/${test.comment}: ${test.result}`)
    }
  }
  t.comment(`ES256 JWS cases run through verifyEs256 over the signing input: ${ran} (${JSON.stringify(results)})`)
  t.ok(results.valid >= 2 && results.invalid >= 30, 'valid and invalid ES256 cases both ran')

  // Everything in the file through the scan verifier: nothing is a gridpass code, so nothing passes.
  const es = es256Groups[0]?.public as Record<string, string>
  const keys = new Map([[es.kid as string, { publicKey: createPublicKey({ key: { kty: es.kty, crv: es.crv, x: es.x, y: es.y } as never, format: 'jwk' }) }]])
  const reasons: Partial<Record<DenyReason, number>> = {}
  let compact = 0
  for (const test of all) {
    if (test.jws === undefined) continue
    compact++
    const v = await verifyCode(test.jws, { keys, issuer: 'gridpass', typ: 'gp-code+jwt', skewSeconds: 30, at: Date.now() })
    t.equal(v.ok, false, `tcId ${test.tcId} refused`)
    if (!v.ok) reasons[v.reason] = (reasons[v.reason] ?? 0) + 1
  }
  t.comment(`verifyCode refused all ${compact} compact vectors: ${JSON.stringify(reasons)}`)
  t.ok(compact > 300, 'the compact vectors ran')
  // Their payloads ("foo", "Test", text, empty) are not JSON objects: the key-less pre-check refuses them before any crypto.
  t.same(reasons, { malformed: compact }, 'all refused by the canonical pre-check as malformed')
})

void t.test('the same vectors through the ES256 thread that checks scans: every verdict the file\'s', async (t) => {
  const thread = createEs256Thread()
  t.teardown(thread.close)
  const file = load<EcdsaFile>('ecdsa_secp256r1_sha256_p1363_test.json')
  // Every vector asked for in one turn of the event loop: they go to the thread in messages of MESSAGE_JOBS.
  const asked = file.testGroups.flatMap((group, g) => {
    const key = importKey(group)
    return group.tests.map((test) => {
      const msg = Buffer.from(test.msg, 'hex')
      const sig = Buffer.from(test.sig, 'hex')
      // The thread takes the signing input as text, one byte per character (a JWS signing input is ASCII): latin1
      // carries any message byte for byte.
      return { test, thread: thread.verify(msg.toString('latin1'), sig, key, `group-${g}`), pool: verifyEs256(msg, sig, key) }
    })
  })
  t.ok(asked.length > MESSAGE_JOBS * 8, `${asked.length} checks: more than 8 messages' worth`)
  const wrong: string[] = []
  let acceptable = 0
  for (const { test, thread: viaThread, pool } of asked) {
    const ok = await viaThread
    if (test.result === 'acceptable') {
      acceptable++
      if (ok !== await pool) wrong.push(`tcId ${test.tcId} (${test.comment}): the thread said ${ok}, verifyEs256 ${!ok}`)
    } else if (ok !== (test.result === 'valid')) {
      wrong.push(`tcId ${test.tcId} (${test.comment}, ${test.flags.join(',')}): expected ${test.result}, the thread said ${ok}`)
    }
  }
  t.same(wrong, [], `none of the ${asked.length} vectors disagrees (${acceptable} acceptable ones as verifyEs256 decides)`)
  t.equal(asked.length, file.numberOfTests, 'every vector the file declares was run')

  const jws = load<JwsFile>('json_web_signature_test.json')
  const cases = jws.testGroups.filter((g) => g.public?.alg === 'ES256' && g.public.crv === 'P-256' && g.public.use === 'sig').flatMap((group) => {
    const { kty, crv, x, y, kid } = group.public as Record<string, string>
    const key = createPublicKey({ key: { kty, crv, x, y } as never, format: 'jwk' })
    return group.tests.filter((test) => test.jws !== undefined && test.result !== 'acceptable').map((test) => {
      const [h, p, s] = (test.jws as string).split('.')
      return { test, key, kid: kid as string, ok: thread.verify(`${h}.${p ?? ''}`, Buffer.from(s ?? '', 'base64url'), key, kid as string) }
    })
  })
  const verdicts = await Promise.all(cases.map(async (c) => ({ ...c, ok: await c.ok })))
  // The file's invalid cases include headers and encodings the pre-check refuses before any signature is checked
  // (es256JwsVerdict above); the thread is only ever asked about signatures, so the valid ones must verify and
  // any signature it accepts must belong to a valid case or to one refused for its header or encoding alone.
  const valid = verdicts.filter((v) => v.test.result === 'valid')
  t.ok(valid.length >= 2 && valid.every((v) => v.ok), `the ${valid.length} valid ES256 JWS cases verify on the thread`)
  for (const v of verdicts.filter((v) => v.test.result === 'invalid' && v.ok)) {
    t.equal(await es256JwsVerdict(v.test.jws as string, v.kid, v.key), false, `tcId ${v.test.tcId} (${v.test.comment}): its signature holds, and the pre-check refuses it`)
  }
  t.comment(`ES256 JWS cases on the thread: ${verdicts.length}, of which invalid only by header or encoding: ${verdicts.filter((v) => v.test.result === 'invalid' && v.ok).length}`)
})

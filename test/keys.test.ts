// Signing-key rotation as operators do it: old codes keep verifying, new codes use the new key, retired keys leave the JWKS.
import { spawnSync } from 'node:child_process'
import { createHash, createPublicKey, verify } from 'node:crypto'
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { JWKS_MAX_AGE_SECONDS, PAPER_CODE_SECONDS, PUBLISH_AHEAD_SECONDS, RELOAD_GRACE_SECONDS, ensureKeys, loadKeyring, minPublishAheadSeconds, rotateKeys } from '../src/lib/keyring.ts'
import { DAY, T0, bearerOf, eachDb, makeCtx, type Ctx } from './helper.ts'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')

interface PublicJwk { kty: string, crv: string, x: string, y: string, kid: string, alg: string, use: string, d?: string }

const thumbprint = (jwk: { crv?: string, kty?: string, x?: string, y?: string }): string =>
  createHash('sha256').update(`{"crv":"${jwk.crv}","kty":"${jwk.kty}","x":"${jwk.x}","y":"${jwk.y}"}`).digest('base64url')

const headerOf = (token: string): { alg: string, kid: string, typ: string } =>
  JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString('utf8'))

async function jwks (ctx: Ctx): Promise<PublicJwk[]> {
  const res = await ctx.inject({ method: 'GET', url: '/.well-known/jwks.json' })
  if (res.statusCode !== 200) throw new Error(`jwks: ${res.statusCode} ${res.body}`)
  return (res.json() as { keys: PublicJwk[] }).keys
}

/** node:crypto only: true when the token's signature checks against the key of its kid in `keys`. */
function verifiesWith (keys: PublicJwk[], token: string): boolean {
  const [h, p, s] = token.split('.') as [string, string, string]
  const jwk = keys.find((k) => k.kid === headerOf(token).kid)
  if (jwk === undefined) return false
  const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' })
  return verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'))
}

async function liveCode (ctx: Ctx): Promise<string> {
  const r = await ctx.resident()
  const res = await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(r.token) })
  if (res.statusCode !== 200) throw new Error(`code: ${res.statusCode} ${res.body}`)
  return res.json().token as string
}

function keyFiles (dir: string): Array<{ name: string, path: string, file: { createdAt: string, activatesAt?: string | null, retiredAt: string | null, jwk: Record<string, string> } }> {
  const signing = join(dir, 'signing')
  return readdirSync(signing).filter((f) => f.endsWith('.json')).map((name) => {
    const path = join(signing, name)
    return { name, path, file: JSON.parse(readFileSync(path, 'utf8')) }
  })
}

eachDb('rotation: the new key is published first and signs from its activation time, old codes still verify, the old key leaves 28 days later', async (t, ctx) => {
  const oldToken = await liveCode(ctx)
  const before = await jwks(ctx)
  t.equal(before.length, 1)
  const kidA = (before[0] as PublicJwk).kid
  t.equal(headerOf(oldToken).kid, kidA, 'signed by the only key')

  const rotatedAt = ctx.clock.now()
  const { retired, active: kidB, activatesAt } = await rotateKeys(ctx.keysDir, rotatedAt)
  t.same(retired, [kidA])
  t.not(kidB, kidA)
  t.equal(activatesAt, rotatedAt + PUBLISH_AHEAD_SECONDS * 1000, 'the new key signs 10 minutes later by default')
  t.ok(PUBLISH_AHEAD_SECONDS >= minPublishAheadSeconds(ctx.config.clockSkewSeconds), 'longer than a reload, the JWKS cache and the skew together')
  const cached = (await ctx.inject({ method: 'GET', url: '/.well-known/jwks.json' })).headers['cache-control']
  t.equal(cached, `public, max-age=${JWKS_MAX_AGE_SECONDS}`, 'the JWKS is cached no longer than the publish-ahead period allows for')

  // The running app keeps A alone until it re-reads the directory (every minute, or on SIGHUP)...
  t.same((await jwks(ctx)).map((k) => k.kid), [kidA])
  ctx.app.reloadKeys()
  // ...then publishes both, but still signs with A until B's activation time.
  t.same((await jwks(ctx)).map((k) => k.kid).sort(), [kidA, kidB].sort(), 'a running copy publishes the new key after a reload')
  t.equal(headerOf(await liveCode(ctx)).kid, kidA, 'and still signs with the old key')
  ctx.clock.set(activatesAt - 1000)
  t.equal(headerOf(await liveCode(ctx)).kid, kidA, 'up to the activation time')
  ctx.clock.set(activatesAt)
  t.equal(headerOf(await liveCode(ctx)).kid, kidB, 'from the activation time on it signs with the new key, without a reload or restart')

  const restarted = await makeCtx(t, ctx.dialect, { keysDir: ctx.keysDir, config: { now: () => activatesAt + 1000 } })
  const keys = await jwks(restarted)
  t.same(keys.map((k) => k.kid).sort(), [kidA, kidB].sort(), 'JWKS lists the retired and the new key')
  for (const k of keys) t.equal(k.kid, thumbprint(k))
  const newToken = await liveCode(restarted)
  t.equal(headerOf(newToken).kid, kidB, 'new codes are signed with the new key')
  t.ok(verifiesWith(keys, newToken), 'the new code verifies against the JWKS')
  t.ok(verifiesWith(keys, oldToken), 'a code signed before the rotation still verifies against the JWKS')
  t.notOk(verifiesWith(keys.filter((k) => k.kid === kidA), newToken), 'and the keys are really different')

  const early = await makeCtx(t, ctx.dialect, { keysDir: ctx.keysDir, config: { now: () => rotatedAt + 1000 } })
  t.equal(headerOf(await liveCode(early)).kid, kidA, 'a copy started during the publish-ahead period signs with the old key too')

  // A retires at B's activation: it verifies until the last paper code it could have signed has expired.
  const horizon = (PAPER_CODE_SECONDS + RELOAD_GRACE_SECONDS + ctx.config.clockSkewSeconds) * 1000
  const lastDay = await makeCtx(t, ctx.dialect, { keysDir: ctx.keysDir, config: { now: () => activatesAt + horizon - 1000 } })
  t.same((await jwks(lastDay)).map((k) => k.kid).sort(), [kidA, kidB].sort(), 'a second before the last paper code of A can expire, A is still published')

  const later = await makeCtx(t, ctx.dialect, { keysDir: ctx.keysDir, config: { now: () => activatesAt + horizon + 1000 } })
  const after = await jwks(later)
  t.same(after.map((k) => k.kid), [kidB], 'after 28 days + reload grace + skew the retired key is gone')
  t.notOk(verifiesWith(after, oldToken), 'so codes signed with it no longer verify')
  t.equal(headerOf(await liveCode(later)).kid, kidB)
})

eachDb('rotation after a leak: activation now signs with the new key at the next reload; a second rotation during the first supersedes it', async (t, ctx) => {
  const kidA = headerOf(await liveCode(ctx)).kid
  const first = await rotateKeys(ctx.keysDir, ctx.clock.now())
  ctx.clock.advance(60_000)
  const leak = await rotateKeys(ctx.keysDir, ctx.clock.now(), ctx.clock.now())
  t.same(leak.retired.sort(), [kidA, first.active].sort(), 'the old key and the pending one both retire now')
  ctx.app.reloadKeys()
  t.equal(headerOf(await liveCode(ctx)).kid, leak.active, 'the new key signs at once')
  ctx.clock.set(first.activatesAt + 1000)
  t.equal(headerOf(await liveCode(ctx)).kid, leak.active, 'the superseded key never signs, even after its own activation time')
})

t.test('key files: private JWKs, mode 0600, named by their thumbprint', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gridpass-keys-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const made = await ensureKeys(dir, T0)
  t.equal(made.length, 4, made.join(', '))
  t.same(await ensureKeys(dir, T0 + 1000), [], 'a second run makes nothing')
  const { activatesAt } = await rotateKeys(dir, T0 + DAY)

  const files = keyFiles(dir)
  t.equal(files.length, 2)
  for (const { name, path, file } of files) {
    t.equal(statSync(path).mode & 0o777, 0o600, `${name} is 0600`)
    t.type(file.jwk.d, 'string', `${name} holds the private part`)
    t.equal(file.jwk.kty, 'EC')
    t.equal(file.jwk.crv, 'P-256')
    const kid = thumbprint(file.jwk)
    t.equal(name, `es256-${kid}.json`, 'the file name carries the thumbprint')
    t.equal(file.jwk.kid, kid)
  }
  t.equal(files.filter((f) => f.file.retiredAt === null).length, 1, 'exactly one unretired key')
  t.equal(files.filter((f) => f.file.retiredAt === new Date(activatesAt).toISOString()).length, 1, 'the old one retires when the new one activates')
  t.equal(files.filter((f) => f.file.activatesAt === new Date(activatesAt).toISOString()).length, 1, 'the new one says when it starts signing')
  for (const name of ['data.key', 'session.key', 'audit.key']) t.equal(statSync(join(dir, name)).mode & 0o777, 0o600, `${name} is 0600`)
  t.equal(statSync(join(dir, 'signing')).mode & 0o777, 0o700)
  t.equal(readdirSync(join(dir, 'signing')).filter((f) => f.endsWith('.tmp')).length, 0, 'no temp files left')

  const pending = files.find((f) => f.file.retiredAt === null)
  const old = files.find((f) => f.file.retiredAt !== null)
  t.equal(loadKeyring(dir, T0 + DAY, 30).active.kid, old?.file.jwk.kid, 'the old key signs during the publish-ahead period')
  t.equal(loadKeyring(dir, activatesAt, 30).active.kid, pending?.file.jwk.kid, 'the new one from its activation time')
  let at = T0 + DAY
  const ring = loadKeyring(dir, () => at, 30)
  t.equal(ring.verifiers.size, 2, 'both verify')
  t.equal(ring.active.kid, old?.file.jwk.kid)
  at = activatesAt
  t.equal(ring.active.kid, pending?.file.jwk.kid, 'a loaded keyring follows its clock')
})

t.test('scripts/keys.ts generate and rotate', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gridpass-keys-cli-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const keysDir = join(dir, 'keys')
  const run = (...args: string[]) => {
    const res = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/keys.ts', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, GRIDPASS_KEYS_DIR: keysDir } })
    return { status: res.status, out: res.stdout, err: res.stderr }
  }

  const gen = run('generate')
  t.equal(gen.status, 0, gen.err)
  const [first] = keyFiles(keysDir)
  if (first === undefined) throw new Error('generate made no signing key')
  const kidA = first.file.jwk.kid as string
  t.match(gen.out, kidA, 'prints the kid of the new key')
  t.match(gen.out, /data\.key/)
  t.match(gen.out, /session\.key/)
  t.match(gen.out, /SIGHUP/)
  t.equal(first.file.retiredAt, null)

  const again = run('generate')
  t.equal(again.status, 0, again.err)
  t.match(again.out, /nothing to do/)
  t.notMatch(again.out, /created/)
  t.equal(keyFiles(keysDir).length, 1, 'generate on a complete directory changes nothing')

  const rotatedAt = Date.now()
  const rot = run('rotate')
  t.equal(rot.status, 0, rot.err)
  const files = keyFiles(keysDir)
  t.equal(files.length, 2)
  const retiredA = files.find((f) => f.file.jwk.kid === kidA)
  const pending = files.find((f) => f.file.retiredAt === null)
  if (pending === undefined || retiredA === undefined) throw new Error('rotate left no new key or lost the old one')
  const activatesAt = Date.parse(pending.file.activatesAt as string)
  t.ok(activatesAt >= rotatedAt + 600_000 && activatesAt < Date.now() + 600_000 + 1000, 'the new key signs 10 minutes after the rotation')
  t.equal(retiredA.file.retiredAt, pending.file.activatesAt, 'the old key, not deleted, retires at that moment')
  t.match(rot.out, new RegExp(`signing key ${kidA} signs until ${new Date(activatesAt).toISOString().slice(0, 19)}Z, then is retired`))
  t.match(rot.out, new RegExp(`new signing key ${pending.file.jwk.kid as string} is published now and signs from .* \\(in 10 minutes\\)`))
  t.match(rot.out, /SIGHUP/, 'says how running copies pick up the new key')
  t.equal(statSync(retiredA.path).mode & 0o777, 0o600, 'the rewritten file stays 0600')
  const ring = loadKeyring(keysDir, Date.now(), 30)
  t.equal(ring.active.kid, kidA, 'the old key still signs')
  t.same([...ring.verifiers.keys()].sort(), [kidA, pending.file.jwk.kid].sort(), 'both are published')

  const short = run('rotate', '--publish-ahead', '5')
  t.equal(short.status, 1, 'a publish-ahead period shorter than reload + JWKS cache + skew is refused')
  t.match(short.err, /--publish-ahead 5: give at least 8 minutes/)
  t.equal(keyFiles(keysDir).length, 2, 'and changes nothing')

  const long = run('rotate', '--publish-ahead', '60')
  t.equal(long.status, 0, long.err)
  t.match(long.out, /\(in 60 minutes\)/)
  const third = keyFiles(keysDir).find((f) => f.file.retiredAt === null)
  t.ok(Date.parse(third?.file.activatesAt as string) >= rotatedAt + 3_600_000, 'a longer period on request')
  const second = keyFiles(keysDir).find((f) => f.file.jwk.kid === pending.file.jwk.kid)?.file
  t.equal(second?.activatesAt, pending.file.activatesAt, 'the pending key still signs from its own activation time')
  t.equal(second?.retiredAt, third?.file.activatesAt, 'until the third one activates')

  const leak = run('rotate', '--now')
  t.equal(leak.status, 0, leak.err)
  t.match(leak.out, /signs now \(--now\)/)
  const now = loadKeyring(keysDir, Date.now(), 30)
  t.equal(now.active.kid, keyFiles(keysDir).find((f) => f.file.retiredAt === null)?.file.jwk.kid, 'after a leak the new key signs at once')
  t.equal(now.verifiers.size, 4, 'every key that might have signed a live code still verifies')

  for (const args of [['rotate', '--now', '--publish-ahead', '20'], ['rotate', '--bogus'], ['generate', '--now'], ['accept', 'data.key', 'extra']]) {
    const bad = run(...args)
    t.equal(bad.status, 1, `keys ${args.join(' ')} exits 1`)
    t.match(bad.err, /usage: /)
  }
  t.equal(keyFiles(keysDir).length, 4, 'bad arguments change nothing')

  for (const args of [[], ['bogus'], ['generate', 'extra']]) {
    const bad = run(...args)
    t.equal(bad.status, 1, `keys ${args.join(' ')} exits 1`)
    t.match(bad.err, /usage: .*generate/)
    t.equal(bad.out, '')
  }
  t.equal(keyFiles(keysDir).length, 4, 'a bad argument changes nothing')
})

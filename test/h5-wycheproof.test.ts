// The scanner page's own verifier (src/web/shared/verify.ts, WebCrypto) inside Chromium on the 262 Wycheproof ECDSA
// P-256 P1363 vectors: every verdict equal to the server's (src/lib/jws.ts on node:crypto) and to the file's result;
// then codes signed by the service, forged, expired and refused, judged by both verifiers alike.
import { readFileSync } from 'node:fs'
import { createPublicKey } from 'node:crypto'
import { resolve } from 'node:path'
import { build } from 'esbuild'
import t from 'tap'
import { verifyEs256 } from '../src/lib/jws.ts'
import { verifyCode } from '../src/lib/code-verifier.ts'
import { makeCtx } from './helper.ts'
import { browserSkipReason, launch } from './support/browser.ts'

interface EcdsaFile {
  numberOfTests: number
  testGroups: Array<{ publicKeyJwk?: Record<string, string>, publicKeyDer: string, tests: Array<{ tcId: number, msg: string, sig: string, result: 'valid' | 'invalid' | 'acceptable' }> }>
}

const skip = browserSkipReason()
void t.test('the page verifier in Chromium agrees with the server', { skip: skip ?? false }, async (t) => {
  const ctx = await makeCtx(t, 'sqlite', { config: { now: () => Date.now() } })
  await ctx.app.listen({ port: 0, host: '127.0.0.1' })
  const address = ctx.app.server.address()
  const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
  // The very source the scanner page bundles, bundled on its own so the test can call it.
  const bundle = await build({ entryPoints: [resolve(import.meta.dirname, '../src/web/shared/verify.ts')], bundle: true, format: 'iife', globalName: 'gpVerify', write: false, target: 'es2020' })
  const browser = await launch()
  t.teardown(() => browser.close())
  // The pages' CSP allows only their own scripts; the test injects the verifier beside them.
  const page = await (await browser.newContext({ bypassCSP: true })).newPage()
  await page.goto(`${base}/h5/`)
  await page.addScriptTag({ content: bundle.outputFiles[0]?.text ?? '' })

  t.test('Wycheproof ECDSA P-256 SHA-256 P1363: 262 vectors, the same verdict in the browser as in Node', async (t) => {
    const file = JSON.parse(readFileSync(resolve(import.meta.dirname, 'vectors/wycheproof/ecdsa_secp256r1_sha256_p1363_test.json'), 'utf8')) as EcdsaFile
    const browserVerdicts = await page.evaluate(async (groups) => {
      const hex = (h: string): Uint8Array => new Uint8Array((h.match(/../g) ?? []).map((b) => parseInt(b, 16)))
      const g = (window as unknown as { gpVerify: { verifyEs256: (m: Uint8Array, s: Uint8Array, k: CryptoKey) => Promise<boolean> } }).gpVerify
      const out: boolean[][] = []
      for (const group of groups) {
        const algo = { name: 'ECDSA', namedCurve: 'P-256' }
        const key = group.publicKeyJwk !== undefined
          ? await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: group.publicKeyJwk.x, y: group.publicKeyJwk.y }, algo, false, ['verify'])
          : await crypto.subtle.importKey('spki', hex(group.publicKeyDer) as Uint8Array<ArrayBuffer>, algo, false, ['verify'])
        const verdicts: boolean[] = []
        for (const v of group.tests) verdicts.push(await g.verifyEs256(hex(v.msg), hex(v.sig), key))
        out.push(verdicts)
      }
      return out
    }, file.testGroups)
    let total = 0
    const disagree: string[] = []
    const wrong: string[] = []
    for (const [gi, group] of file.testGroups.entries()) {
      const key = group.publicKeyJwk !== undefined
        ? createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: group.publicKeyJwk.x, y: group.publicKeyJwk.y } as never, format: 'jwk' })
        : createPublicKey({ key: Buffer.from(group.publicKeyDer, 'hex'), format: 'der', type: 'spki' })
      for (const [i, v] of group.tests.entries()) {
        total++
        const inBrowser = browserVerdicts[gi]?.[i]
        const inNode = await verifyEs256(Buffer.from(v.msg, 'hex'), Buffer.from(v.sig, 'hex'), key)
        if (inBrowser !== inNode) disagree.push(`tcId ${v.tcId}: browser ${String(inBrowser)}, node ${String(inNode)}`)
        if (v.result !== 'acceptable' && inBrowser !== (v.result === 'valid')) wrong.push(`tcId ${v.tcId}: ${v.result}, browser said ${String(inBrowser)}`)
      }
    }
    t.equal(total, 262, 'all 262 vectors ran')
    t.same(disagree, [], 'the browser and Node agree on every vector')
    t.same(wrong, [], 'every valid vector verifies and every invalid one is refused')
  })

  t.test('codes: the page judges signed, forged, expired, foreign and malformed tokens with the server\'s reasons', async (t) => {
    const r = await ctx.resident()
    const code = (await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: { authorization: `Bearer ${r.token}` } })).json().token as string
    const [h, p, s] = code.split('.') as [string, string, string]
    const jwks = (await ctx.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as { keys: Array<Record<string, string>> }
    const swap = (seg: string): string => (seg[0] === 'A' ? 'B' : 'A') + seg.slice(1)
    const tokens = [
      code, `${h}.${p}.${swap(s)}`, `${h}.${swap(p)}.${s}`, `${h}.${p}.`, `${h}.${p}`, 'not a code', `${h} .${p}.${s}`,
      `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`
    ]
    const ats = [Date.now(), Date.now() + 10 * 60_000, Date.now() - 10 * 60_000]
    const inBrowser = await page.evaluate(async ({ tokens, keys, ats }) => {
      const g = (window as unknown as { gpVerify: { importKeySet: (k: unknown[]) => Promise<Map<string, CryptoKey>>, verifyCodeLocally: (t: string, o: unknown) => Promise<{ ok: boolean, reason?: string }> } }).gpVerify
      const set = await g.importKeySet(keys)
      const out: string[] = []
      for (const at of ats) for (const token of tokens) { const v = await g.verifyCodeLocally(token, { keys: set, issuer: 'gridpass', skewSeconds: 30, at }); out.push(v.ok ? 'ok' : v.reason as string) }
      return out
    }, { tokens, keys: jwks.keys, ats })
    const nodeKeys = new Map(jwks.keys.map((k) => [k.kid as string, { publicKey: createPublicKey({ key: k as never, format: 'jwk' }) }]))
    const inNode: string[] = []
    for (const at of ats) for (const token of tokens) { const v = await verifyCode(token, { keys: nodeKeys, issuer: 'gridpass', typ: 'gp-code+jwt', skewSeconds: 30, at }); inNode.push(v.ok ? 'ok' : v.reason) }
    t.same(inBrowser, inNode, 'the same verdict and reason for every token at every time')
    t.same(inNode.slice(0, tokens.length), ['ok', 'bad_signature', 'malformed', 'bad_signature', 'malformed', 'malformed', 'malformed', 'alg_not_allowed'], 'now: only the real code verifies')
    t.equal(inNode[tokens.length], 'expired', 'ten minutes later the code has expired')
    t.equal(inNode[2 * tokens.length], 'not_yet_valid', 'ten minutes before, it is not valid yet')
  })
})

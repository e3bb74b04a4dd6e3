// The live-code benchmark's baseline: a bare Fastify GET route that does what a code costs at its core, one ES256
// sign with node:crypto (cached KeyObject, callback form on the thread pool) of a payload shaped like a live code's.
// Nothing else: no session, no database, no colour.
import { randomBytes, sign } from 'node:crypto'
import Fastify from 'fastify'
import { loadKeyring } from '../../src/lib/keyring.ts'

const keysDir = process.env.GRIDPASS_KEYS_DIR ?? './keys'
const keyring = loadKeyring(keysDir, Date.now(), 30)
const key = keyring.active
const app = Fastify({ logger: false })
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')

app.get('/v1/me/code', (_request, reply) => {
  const iat = Math.floor(Date.now() / 1000)
  const input = `${b64({ alg: 'ES256', kid: key.kid, typ: 'gp-code+jwt' })}.${b64({ iss: 'https://bench', sub: 'p_0123456789abcdef', col: 'g', knd: 'live', iat, exp: iat + 300, jti: randomBytes(12).toString('base64url') })}`
  sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' }, (err, sig) => {
    if (err !== null) { void reply.code(500).send({ ok: false }); return }
    void reply.send({ token: `${input}.${sig.toString('base64url')}`, color: 'green', issuedAt: iat * 1000, expiresAt: (iat + 300) * 1000 })
  })
})

await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' })
const address = app.server.address()
console.log(`sign baseline listening on http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`)
process.on('SIGTERM', () => { void app.close().then(() => process.exit(0)) })

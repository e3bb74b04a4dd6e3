// The benchmark's baseline: a bare Fastify route that parses the scan body and does one ES256 verify
// (node:crypto, cached KeyObject, callback form on the thread pool). Nothing else: no auth, no database.
import { verify } from 'node:crypto'
import Fastify from 'fastify'
import { loadKeyring } from '../../src/lib/keyring.ts'

const keysDir = process.env.GRIDPASS_KEYS_DIR ?? './keys'
const keyring = loadKeyring(keysDir, Date.now(), 30)
const app = Fastify({ logger: false })

app.post('/v1/scans', (request, reply) => {
  const { token } = request.body as { token: string }
  const [h = '', p = '', s = ''] = token.split('.')
  const key = keyring.verifiers.get((JSON.parse(Buffer.from(h, 'base64url').toString()) as { kid: string }).kid)
  if (key === undefined) { void reply.code(400).send({ ok: false }); return }
  verify('sha256', Buffer.from(`${h}.${p}`), { key: key.publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'), (err, ok) => {
    void reply.send({ ok: err === null && ok })
  })
})

await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' })
const address = app.server.address()
console.log(`baseline listening on http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`)
process.on('SIGTERM', () => { void app.close().then(() => process.exit(0)) })

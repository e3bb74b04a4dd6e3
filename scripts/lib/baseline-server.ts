// The benchmark's baseline: a bare Fastify route that parses the scan body and does one ES256 verify
// (node:crypto, cached KeyObject, callback form on the thread pool). Nothing else: no auth, no database.
import Fastify from 'fastify'
import { loadKeyring } from '../../src/lib/keyring.ts'
import { verifyRoute } from './verify-route.ts'

const keysDir = process.env.GRIDPASS_KEYS_DIR ?? './keys'
const keyring = loadKeyring(keysDir, Date.now(), 30)
const app = Fastify({ logger: false })

verifyRoute(app, keyring, (_body, ok, reply) => { void reply.send({ ok }) })

await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' })
const address = app.server.address()
console.log(`baseline listening on http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`)
process.on('SIGTERM', () => { void app.close().then(() => process.exit(0)) })

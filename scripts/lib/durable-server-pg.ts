// The scan benchmark's reference on PostgreSQL: the baseline (bare Fastify, one ES256 verify) plus one durable insert,
// the rows of one event-loop turn in one INSERT (one transaction, one WAL flush with synchronous_commit on), each
// request answered after that commit; up to 4 such commits in flight, as gridpass's scan writer allows.
import Fastify from 'fastify'
import pg from 'pg'
import { loadKeyring } from '../../src/lib/keyring.ts'
import { verifyRoute } from './verify-route.ts'

const keysDir = process.env.GRIDPASS_KEYS_DIR ?? './keys'
const keyring = loadKeyring(keysDir, Date.now(), 30)
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 })
await pool.query('CREATE TABLE IF NOT EXISTS durable_reference (id TEXT PRIMARY KEY, token_length INTEGER NOT NULL, at BIGINT NOT NULL)')

let queue: Array<{ id: string, tokenLength: number, at: number, done: (ok: boolean) => void }> = []
let inFlight = 0
const flush = (): void => {
  while (queue.length > 0 && inFlight < 4) {
    const batch = queue.slice(0, 1000)
    queue = queue.slice(batch.length)
    inFlight++
    const values = batch.map((_, i) => `($${i * 3 + 1}, $${i * 3 + 2}, $${i * 3 + 3})`).join(', ')
    pool.query(`INSERT INTO durable_reference (id, token_length, at) VALUES ${values} ON CONFLICT (id) DO NOTHING`, batch.flatMap((b) => [b.id, b.tokenLength, b.at])).then(
      () => { for (const b of batch) b.done(true) },
      () => { for (const b of batch) b.done(false) }
    ).finally(() => { inFlight--; if (queue.length > 0) flush() })
  }
}

const app = Fastify({ logger: false })
verifyRoute(app, keyring, ({ id, token }, ok, reply) => {
  if (queue.length === 0) setImmediate(flush)
  queue.push({ id, tokenLength: token.length, at: Date.now(), done: (written) => { void reply.code(written ? 200 : 500).send({ ok }) } })
})

await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' })
const address = app.server.address()
console.log(`durable reference listening on http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`)
process.on('SIGTERM', () => { void app.close().then(async () => { await pool.end(); process.exit(0) }) })

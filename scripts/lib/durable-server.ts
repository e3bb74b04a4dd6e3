// A reference point for the benchmark, not a target: the baseline (bare Fastify, one ES256 verify) plus one durable
// write — the row inserted into a SQLite file through gridpass's own scan thread (src/db/sqlite-thread.ts: group
// commit, fsync before the answer). The gap between this and the baseline is the price of durability alone on
// this machine; the gap between this and gridpass is everything else gridpass does.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import Fastify from 'fastify'
import { loadKeyring } from '../../src/lib/keyring.ts'
import { createSqliteThread } from '../../src/db/sqlite-thread.ts'
import { REFERENCE_INSERT, REFERENCE_TABLE } from './reference-table.ts'
import { turnWrites } from './turn-writes.ts'
import { verifyRoute } from './verify-route.ts'

const keysDir = process.env.GRIDPASS_KEYS_DIR ?? './keys'
const path = join(process.env.GRIDPASS_BENCH_DIR ?? '.', 'durable-reference.db')
const keyring = loadKeyring(keysDir, Date.now(), 30)
const setup = new Database(path)
setup.pragma('journal_mode = WAL')
setup.exec(REFERENCE_TABLE)
setup.close()
const thread = createSqliteThread(path, { insert: REFERENCE_INSERT })

const written = turnWrites(thread.write)

const app = Fastify({ logger: false })
verifyRoute(app, keyring, ({ id, token }, ok, reply) => {
  written(['insert', { id, tokenLength: token.length, at: Date.now() }], (done) => { void reply.code(done ? 200 : 500).send({ ok }) })
})

await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' })
const address = app.server.address()
console.log(`durable reference listening on http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`)
process.on('SIGTERM', () => { void app.close().then(async () => { await thread.close(); process.exit(0) }) })

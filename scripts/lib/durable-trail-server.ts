// A second reference point for the benchmark (`--trail-reference`), not a target: the durable reference
// (scripts/lib/durable-server.ts), but the row it writes is the trail's own — gridpass's scan statement
// (src/db/scan-queries.ts: the four indexes, the stays trigger, the refused-id guard, the scan_hours tally) on a copy
// of the benchmark's database, through gridpass's scan thread, with gridpass's checkpoint thread beside it. It still
// answers `{"ok":…}` and checks nothing but the signature: the gap between it and gridpass is the service's own work
// per scan (session, role, checkpoint, colour, fraud flags, the answer), the trail's storage cost left out of it.
import Fastify from 'fastify'
import Database from 'better-sqlite3'
import { loadKeyring } from '../../src/lib/keyring.ts'
import { startWorker } from '../../src/lib/worker-args.ts'
import { createSqliteThread } from '../../src/db/sqlite-thread.ts'
import { hourOf, SQLITE_SCAN_WRITES, sqliteScanParams } from '../../src/db/scan-queries.ts'
import { turnWrites } from './turn-writes.ts'
import { verifyRoute } from './verify-route.ts'

const keysDir = process.env.GRIDPASS_KEYS_DIR ?? './keys'
const path = process.env.GRIDPASS_TRAIL_DB
if (path === undefined) throw new Error('GRIDPASS_TRAIL_DB: the path of a copy of the benchmark\'s database')
const keyring = loadKeyring(keysDir, Date.now(), 30)
// The scans' actor: any account of the copy (the column has no foreign key; gridpass writes the volunteer's id).
const setup = new Database(path)
setup.pragma('journal_mode = WAL')
const actor = (setup.prepare('SELECT id FROM users LIMIT 1').get() as { id: string } | undefined)?.id ?? 'bench-reference'
setup.close()
const thread = createSqliteThread(path, { scan: SQLITE_SCAN_WRITES.scan, hours: SQLITE_SCAN_WRITES.hours })
await thread.ready
// gridpass's checkpoint thread, as the service runs it (src/db/index.ts): the scan thread never checkpoints itself.
const checkpointer = startWorker(new URL('../../src/db/sqlite-checkpoint-worker.mjs', import.meta.url), { workerData: { path, intervalMs: 200 } })
checkpointer.unref()

const written = turnWrites(thread.write)

const app = Fastify({ logger: false })
verifyRoute(app, keyring, ({ id, token, checkpointId, direction }, ok, reply) => {
  // The person and the code's kind and id, from the token's claims (gridpass reads them the same way).
  const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { sub: string, knd?: string, jti?: string }
  const at = Date.now()
  const row = {
    id, personId: claims.sub, checkpointId: checkpointId ?? '', actorId: actor, source: 'scan', kind: claims.knd ?? 'live',
    scannedAt: at, receivedAt: at, direction: direction ?? null, plate: null, color: 'green', decision: 'allow', reason: null,
    jti: claims.jti ?? null, offline: false, requestHash: '', flags: null
  }
  written(['scan', sqliteScanParams(row), ['hours', [row.checkpointId, hourOf(at)]]], (done) => { void reply.code(done ? 200 : 500).send({ ok }) })
})

await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' })
const address = app.server.address()
console.log(`durable trail reference listening on http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`)
process.on('SIGTERM', () => { void app.close().then(async () => { await thread.close(); checkpointer.postMessage('close'); process.exit(0) }) })

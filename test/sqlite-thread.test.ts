// The SQLite scan thread (src/db/sqlite-thread.ts): reads in one snapshot, arrays on request, a write that waits
// for another connection's lock without holding up the reads behind it, and writes chosen by an ES256 signature.
import { generateKeyPairSync, sign } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import Database from 'better-sqlite3'
import { SIGNED_IN_FLIGHT, createSqliteThread, type SqliteThread, type SqliteThreadOptions, type GroupTiming, type WriteOp } from '../src/db/sqlite-thread.ts'

type Test = Parameters<Parameters<typeof t.test>[0]>[0]

const STATEMENTS = {
  insert: 'INSERT INTO scans (id, at) VALUES (?, ?)',
  count: 'SELECT count(*) AS n FROM scans',
  list: 'SELECT id, at FROM scans ORDER BY at'
}

/** A WAL database file with a scans table, another connection to it, and a scan thread on it; all gone after the test. */
function scene (t: Test, options: SqliteThreadOptions = {}): { other: Database.Database, thread: SqliteThread } {
  const dir = mkdtempSync(join(tmpdir(), 'gridpass-thread-'))
  const path = join(dir, 'x.db')
  const other = new Database(path)
  other.pragma('journal_mode = WAL')
  other.exec('CREATE TABLE scans (id TEXT PRIMARY KEY, at INTEGER NOT NULL)')
  const thread = createSqliteThread(path, STATEMENTS, options)
  t.teardown(async () => { await thread.close(); other.close(); rmSync(dir, { recursive: true, force: true }) })
  return { other, thread }
}


t.test('a write that waits for the lock leaves the reads answered meanwhile, and commits once the lock is free', async (t) => {
  const groups: GroupTiming[] = []
  const { other, thread } = scene(t, { onGroup: (g) => { groups.push(g) } })
  t.same(await thread.write([['insert', ['a', 1]]]), [1], 'a first write, positional parameters')
  t.same(await thread.read([['list', [], 'all'], ['list', [], 'values'], ['count', [], 'get']]), [[{ id: 'a', at: 1 }], [['a', 1]], { n: 1 }], 'rows as objects, or as arrays of values')

  // Another connection (the checkpoint thread's RESTART, a write on the main connection) holds the write lock.
  other.exec('BEGIN IMMEDIATE')
  let acknowledged = false
  const write = thread.write([['insert', ['b', 2]]]).then((r) => { acknowledged = true; return r })
  await sleep(50)
  const read = await Promise.race([thread.read([['count', [], 'get']]), sleep(2000).then(() => 'no answer within 2 s')])
  t.same(read, [{ n: 1 }], 'a read is answered while the write waits (SQLite\'s busy handler would have slept the thread)')
  t.equal(acknowledged, false, 'the write is not acknowledged while it is not committed')
  other.exec('COMMIT')
  t.same(await write, [1], 'committed once the lock was free')
  t.equal(groups.length, 2, 'each commit group is told')
  t.ok((groups[0] as GroupTiming).lockWaitMs < 50, `the first group did not wait for the lock (${(groups[0] as GroupTiming).lockWaitMs} ms)`)
  t.ok((groups[1] as GroupTiming).lockWaitMs >= 45, `the second waited while the other connection held it (${(groups[1] as GroupTiming).lockWaitMs} ms)`)
  t.ok(groups.every((g) => g.commitMs >= 0 && g.fsyncMs >= 0), 'with its commit and fsync times')
  t.same(await thread.read([['count', [], 'get']]), [{ n: 2 }])
  t.equal((other.prepare('SELECT count(*) AS n FROM scans').get() as { n: number }).n, 2, 'and seen by the other connection')
})

t.test('a write is acknowledged only after the fsync of its commit; reads meanwhile already see it', async (t) => {
  // Every fsync in the thread completes 300 ms late (test/support/slow-fsync.mjs).
  const groups: GroupTiming[] = []
  const { thread } = scene(t, { onGroup: (g) => { groups.push(g) }, execArgv: ['--import', new URL('./support/slow-fsync.mjs', import.meta.url).href] })

  const started = performance.now()
  let acknowledgedAt = 0
  const write = thread.write([['insert', ['a', 1]]]).then((r) => { acknowledgedAt = performance.now() - started; return r })
  await sleep(100)
  t.same(await thread.read([['count', [], 'get']]), [{ n: 1 }], 'committed: a read sees the row while its fsync runs')
  t.equal(acknowledgedAt, 0, 'not acknowledged 100 ms in')
  t.same(await write, [1])
  t.ok(acknowledgedAt >= 290, `acknowledged after the fsync completed (${Math.round(acknowledgedAt)} ms; the fsync took 300)`)
  t.ok(groups.length === 1 && (groups[0] as GroupTiming).fsyncMs >= 290, `the group's fsync time is told (${groups.map((g) => Math.round(g.fsyncMs)).join(', ')} ms)`)
})

t.test('the commit interval: writes soon after a group began wait out the rest of it and share one group; a write after a quiet moment goes at once', async (t) => {
  const INTERVAL = 400 // long beside any commit and fsync here, so that the grouping cannot come from a slow disk
  const groups: GroupTiming[] = []
  const { thread } = scene(t, { commitIntervalMs: INTERVAL, onGroup: (g) => { groups.push(g) } })
  await thread.ready
  const t0 = performance.now()
  t.same(await thread.write([['insert', ['a', 1]]]), [1], 'the first write, the first group')
  // Two writes in two turns right after the first group: neither begins a group before the interval has passed.
  const timed = async (op: WriteOp): Promise<[unknown, number]> => [await thread.write([op]), performance.now() - t0]
  const b = timed(['insert', ['b', 2]])
  await sleep(5)
  const c = timed(['insert', ['c', 3]])
  const [[rb, atB], [rc, atC]] = await Promise.all([b, c])
  t.same([rb, rc], [[1], [1]], 'both written')
  t.ok(atB >= INTERVAL - 1 && atC >= INTERVAL - 1, `answered after the interval since the first group began (${Math.round(atB)} and ${Math.round(atC)} ms)`)
  t.equal(groups.length, 2, 'the two writes shared one commit group')
  t.same(await thread.read([['list', [], 'all']]), [[{ id: 'a', at: 1 }, { id: 'b', at: 2 }, { id: 'c', at: 3 }]], 'all three rows there')

  // After a quiet moment longer than the interval a write is not held: it is answered in the time of its own
  // commit and fsync plus the messages, far within the interval.
  await sleep(INTERVAL + 50)
  const t1 = performance.now()
  t.same(await thread.write([['insert', ['d', 4]]]), [1], 'a write after a quiet moment')
  const answered = performance.now() - t1
  const own = groups[2] as GroupTiming
  const work = own.lockWaitMs + own.commitMs + own.fsyncMs
  t.ok(answered - work < INTERVAL / 2, `answered in ${Math.round(answered)} ms, of which its commit and fsync ${Math.round(work)}: not held for the interval`)
})

t.test('a write that cannot get the lock within its wait fails with SQLITE_BUSY, all of its group at once, and the thread goes on', async (t) => {
  const { other, thread } = scene(t, { busyWaitMs: 300 })
  t.same(await thread.write([['insert', ['a', 1]]]), [1])

  other.exec('BEGIN IMMEDIATE') // held for much longer than the wait
  const started = performance.now()
  const writes = Promise.all([thread.write([['insert', ['b', 2]], ['insert', ['c', 3]]]), thread.write([['insert', ['d', 4]]])])
  await sleep(50)
  t.same(await thread.read([['count', [], 'get']]), [{ n: 1 }], 'reads are answered while the writes wait')
  const [first, second] = await writes
  const waited = performance.now() - started
  const codes = [...first, ...second].map((r) => (r as Error & { code?: string }).code)
  t.same(codes, ['SQLITE_BUSY', 'SQLITE_BUSY', 'SQLITE_BUSY'], 'every op of the group fails with SQLITE_BUSY')
  t.ok(waited >= 290 && waited < 1500, `after the wait, not op by op (${Math.round(waited)} ms for a 300 ms wait)`)
  other.exec('COMMIT')
  t.same(await thread.write([['insert', ['e', 5]]]), [1], 'the next write commits once the lock is free')
  t.same(await thread.read([['count', [], 'get']]), [{ n: 2 }], 'none of the failed rows was written')
})

t.test('the thread starts when created and says when its statements are prepared; one it cannot prepare rejects ready, and the next call starts it again', async (t) => {
  const { thread } = scene(t)
  await t.resolves(thread.ready, 'ready once the statements are prepared')

  const dir = mkdtempSync(join(tmpdir(), 'gridpass-thread-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const path = join(dir, 'x.db')
  const setup = new Database(path)
  setup.pragma('journal_mode = WAL')
  setup.exec('CREATE TABLE other (id TEXT PRIMARY KEY)')
  const broken = createSqliteThread(path, STATEMENTS)
  t.teardown(async () => { await broken.close() })
  await t.rejects(broken.ready, { message: 'the SQLite scan thread could not start: no such table: scans' }, 'no table for its statements: ready rejects with SQLite\'s reason')
  setup.exec('CREATE TABLE scans (id TEXT PRIMARY KEY, at INTEGER NOT NULL)')
  setup.close()
  t.same(await broken.write([['insert', ['a', 1]]]), [1], 'once the table exists, the next call starts a new thread that works')
})

t.test('the service does not start on a schema the scan thread cannot prepare its statements on', async (t) => {
  const { buildApp } = await import('../src/app.ts')
  const { loadConfig } = await import('../src/config.ts')
  const dir = mkdtempSync(join(tmpdir(), 'gridpass-start-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const config = { ...loadConfig({}), databaseUrl: `file:${join(dir, 'gridpass.db')}`, keysDir: join(dir, 'keys'), auditAnchorFile: join(dir, 'audit-anchor.log'), logger: false, maxEventLoopDelayMs: 0 }
  const first = await buildApp(config)
  await first.ready()
  await first.close()
  // Damage that the migrations do not repair: they are recorded as applied. security_events: a table only the scan thread
  // prepares statements on at the start (the main connection prepares some of its own reads there too).
  const db = new Database(join(dir, 'gridpass.db'))
  db.exec('DROP TABLE security_events')
  db.close()
  await t.rejects(async () => { const app = await buildApp(config); try { await app.ready() } finally { await app.close() } },
    { message: /the SQLite scan thread could not start: no such table: security_events/ }, 'the start fails, naming the missing table')
})

t.test('a signed write: the thread checks each ES256 signature and writes the ops it decides, the turn\'s writes in one message; a new thread is sent the key again', async (t) => {
  const { thread } = scene(t)
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const signed = (input: string, key = privateKey): Uint8Array => sign('sha256', Buffer.from(input, 'latin1'), { key, dsaEncoding: 'ieee-p1363' })
  const item = (input: string, signature: Uint8Array, id: string) =>
    ({ input, signature, key: publicKey, kid: 'k1', ifValid: [['insert', [`${id}-valid`, 1]]] as WriteOp[], ifNot: [['insert', [`${id}-not`, 2]]] as WriteOp[] })

  const [good, forged, tampered, short] = await Promise.all([
    thread.writeIfSigned(item('a.b', signed('a.b'), 'good')),
    thread.writeIfSigned(item('a.b', signed('a.b', other.privateKey), 'forged')),
    thread.writeIfSigned(item('a.c', signed('a.b'), 'tampered')),
    thread.writeIfSigned(item('a.b', signed('a.b').subarray(0, 63), 'short'))
  ])
  t.same(good, { valid: true, results: [1] }, 'a signature by the key: its ifValid op written')
  t.same(forged, { valid: false, results: [1] }, 'another key\'s signature: ifNot')
  t.same(tampered, { valid: false, results: [1] }, 'a signature over other input: ifNot')
  t.same(short, { valid: false, results: [1] }, 'a signature of another length: ifNot, not sent for a check')
  const ids = ((await thread.read([['list', [], 'values']]))[0] as Array<[string, number]>).map((r) => r[0]).sort()
  t.same(ids, ['forged-not', 'good-valid', 'short-not', 'tampered-not'], 'exactly the chosen rows')

  // A row whose op fails (its id taken) fails alone; the key is held by the thread from the first message.
  const again = await thread.writeIfSigned(item('a.b', signed('a.b'), 'good'))
  t.equal(again.valid, true)
  t.match(String(again.results[0]), /UNIQUE constraint failed/, 'the taken id is that item\'s error')
  t.same(await thread.writeIfSigned(item('x.y', signed('x.y'), 'later')), { valid: true, results: [1] }, 'the next group commits')

  // The thread ends (as a crashed one would be replaced): the next call starts another, which holds no key yet.
  await thread.close()
  t.same(await thread.writeIfSigned(item('n.m', signed('n.m'), 'restarted')), { valid: true, results: [1] }, 'a new thread checks with the key sent to it')
  t.same(await thread.writeIfSigned(item('n.m', signed('n.m', other.privateKey), 'restarted')), { valid: false, results: [1] }, 'and still refuses another key\'s signature')
})

t.test('signed writes of many turns while the disk is slow: at most SIGNED_IN_FLIGHT messages out, the rest leave together once one is answered, none is lost', async (t) => {
  // Every fsync in the thread completes 300 ms late (test/support/slow-fsync.mjs).
  const groups: GroupTiming[] = []
  const { thread } = scene(t, { onGroup: (g) => { groups.push(g) }, execArgv: ['--import', new URL('./support/slow-fsync.mjs', import.meta.url).href] })
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const write = (i: number) => {
    const input = `a.${i}`
    const signature = sign('sha256', Buffer.from(input, 'latin1'), { key: privateKey, dsaEncoding: 'ieee-p1363' })
    return thread.writeIfSigned({ input, signature, key: publicKey, kid: 'k1', ifValid: [['insert', [`s${i}`, i]]], ifNot: [] })
  }
  // One write a turn, each of the first SIGNED_IN_FLIGHT in a message of its own; ten more in the turns after.
  const count = SIGNED_IN_FLIGHT + 10
  const answers: Array<Promise<unknown>> = []
  for (let i = 0; i < count; i++) {
    answers.push(write(i))
    await new Promise((resolve) => setImmediate(resolve))
  }
  t.same(await Promise.all(answers), Array.from({ length: count }, () => ({ valid: true, results: [1] })), 'every write committed and answered')
  t.equal(((await thread.read([['count', [], 'get']]))[0] as { n: number }).n, count, 'each row once')
  // The first message commits alone; the next SIGNED_IN_FLIGHT - 1 wait in the thread for its fsync and commit together;
  // the ten held here left in one message when the first was answered, and commit together after that.
  t.equal(groups.length, 3, `three commit groups (${groups.length}): the held writes did not go one message each`)
})

t.test('a close in the same turn as a signed write and a read: both are answered before the thread ends', async (t) => {
  const { thread } = scene(t)
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const signature = sign('sha256', Buffer.from('a.b', 'latin1'), { key: privateKey, dsaEncoding: 'ieee-p1363' })
  const write = thread.writeIfSigned({ input: 'a.b', signature, key: publicKey, kid: 'k1', ifValid: [['insert', ['last', 1]]], ifNot: [] })
  const read = thread.read([['count', [], 'get']])
  let settled = 0
  void write.then(() => { settled++ })
  void read.then(() => { settled++ })
  await thread.close()
  t.equal(settled, 2, 'both settled by the time the thread has ended (not sent to a new one after it)')
  t.same(await write, { valid: true, results: [1] }, 'the write was committed')
  t.same(await read, [{ n: 0 }], 'the read, sent first, was answered')
  t.same(await thread.read([['list', [], 'all']]), [[{ id: 'last', at: 1 }]], 'a new thread finds the row')
})

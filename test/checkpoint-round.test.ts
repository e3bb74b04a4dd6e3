// The checkpoint thread's round (src/db/checkpoint-round.mjs) against a real SQLite file and a reader in another
// thread: past RESTART_FRAMES it starts the log over without waiting for anyone; past INSIST_FRAMES it waits a moment
// for a reader to move off the log, so that the WAL is started over before it passes its 64 MiB limit.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import Database from 'better-sqlite3'
import t from 'tap'
import { checkpointRound, INSIST_FRAMES, INSIST_WAIT_MS, RESTART_FRAMES } from '../src/db/checkpoint-round.mjs'

const require = createRequire(import.meta.url)

/**
 * A reader in its own thread: opens a read transaction and says so; once `release()` is called it holds it `holdMs`
 * more and ends it (or at once after `holdMs` when `release` is never needed: `waitForRelease` false).
 */
function reader (path: string, holdMs: number, waitForRelease = false): { reading: Promise<void>, done: Promise<void>, release: () => void } {
  const flag = new Int32Array(new SharedArrayBuffer(4))
  const w = new Worker(`
    const { workerData, parentPort } = require('node:worker_threads')
    const Database = require(workerData.bs3)
    const db = new Database(workerData.path)
    db.exec('BEGIN')
    db.prepare('SELECT count(*) AS n FROM t').get()
    parentPort.postMessage('reading')
    if (workerData.waitForRelease) Atomics.wait(workerData.flag, 0, 0)
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.holdMs)
    db.exec('COMMIT')
    db.close()
  `, { eval: true, workerData: { bs3: require.resolve('better-sqlite3'), path, holdMs, waitForRelease, flag } })
  const reading = new Promise<void>((resolve, reject) => { w.once('message', () => { resolve() }); w.once('error', reject) })
  const done = new Promise<void>((resolve, reject) => { w.once('exit', () => { resolve() }); w.once('error', reject) })
  return { reading, done, release: () => { Atomics.store(flag, 0, 1); Atomics.notify(flag, 0) } }
}

void t.test('a RESTART past the threshold: given up at once while a reader holds the log, insisted on (briefly) past INSIST_FRAMES', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gridpass-checkpoint-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const path = join(dir, 'db.sqlite')
  const writer = new Database(path)
  writer.pragma('journal_mode = WAL')
  writer.pragma('wal_autocheckpoint = 0')
  writer.pragma('journal_size_limit = 67108864')
  writer.exec('CREATE TABLE t (x BLOB)')
  const checkpointer = new Database(path)
  checkpointer.pragma('wal_autocheckpoint = 0')
  checkpointer.pragma('journal_size_limit = 67108864')
  t.teardown(() => { writer.close(); checkpointer.close() })
  // One 3,000-byte row per 4 KiB page: about one WAL frame per row.
  const insert = writer.prepare('INSERT INTO t (x) VALUES (randomblob(3000))')
  const write = writer.transaction((n: number) => { for (let i = 0; i < n; i++) insert.run() })

  write(RESTART_FRAMES + 1000)
  const slow = reader(path, 1500)
  await slow.reading
  const started = Date.now()
  const gaveUp = checkpointRound(checkpointer)
  t.ok(gaveUp.log > RESTART_FRAMES && gaveUp.log <= INSIST_FRAMES, `a log of ${gaveUp.log} frames: past the RESTART threshold, not past the insisting one`)
  t.equal(gaveUp.restarted, false, 'a reader on the log: the RESTART gives up')
  t.ok(Date.now() - started < 1000, 'without waiting for the reader')
  // Scans go on meanwhile: with a reader on it, the log cannot start over and grows.
  write(INSIST_FRAMES - RESTART_FRAMES)
  await slow.done

  // A reader that began while frames were still to be copied reads from the log until it ends. Everything copied
  // first (as the thread's last rounds would have), so that this round's PASSIVE steps are quick; the reader lets go
  // 20 ms after the round begins, while its RESTART is waiting.
  const brief = reader(path, 20, true)
  await brief.reading
  checkpointer.pragma('wal_checkpoint(PASSIVE)')
  brief.release()
  const insisted = checkpointRound(checkpointer)
  t.ok(insisted.log > INSIST_FRAMES, `a log of ${insisted.log} frames: past ${INSIST_FRAMES}`)
  t.equal(insisted.restarted, true, `a reader that lets go within ${INSIST_WAIT_MS} ms: the RESTART waits for it and completes`)
  await brief.done

  write(1)
  const after = writer.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>
  t.ok((after[0]?.log ?? Infinity) < 10, `the next write starts the log over (${after[0]?.log} frames)`)
  t.ok(statSync(`${path}-wal`).size <= 67108864, 'the WAL file within journal_size_limit')
  t.same(writer.prepare('SELECT count(*) AS n FROM t').get(), { n: INSIST_FRAMES + 1001 }, 'every row is there')
})

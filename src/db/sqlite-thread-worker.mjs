// The SQLite scan thread: its own connection to the main one's file. It runs the scan path's reads and writes, so its
// page cache stays warm (a connection's cache is reset whenever another connection commits) and its commits never
// block the event loop; for a single scan it also has the code's signature checked and writes the row that decides.
// Durability: this connection commits with synchronous=NORMAL (the WAL is written, not synced) and then fsyncs the
// WAL itself, asynchronously, before it answers: one fsync covers every commit made before it started (group commit),
// and reads are answered meanwhile. An answered write has been synced, exactly as with synchronous=FULL.
// Plain JavaScript on purpose: it starts in tens of milliseconds without a TypeScript loader.
// Protocol (see sqlite-thread.ts): workerData { path, statements: { name: sql }, busyWaitMs?, commitIntervalMs? }; once the file is open and
// every statement prepared → { ready: true } (a failure there ends the thread with its error); messages are answered in the
// order this thread ran them (a read at once, a write after its group's fsync; a signed write joins a group once its
// signatures are checked, so it may be answered after a write that came later):
//   { id, reads: [[name, params, 'get' | 'all' | 'values'], …] } → { id, results: [row | rows | arrays, …] }
//     ('values': every row as an array of its columns, which crosses between threads much cheaper than objects);
//     the reads of one message share one read transaction (one snapshot, one round of file locks)
//   { id, ops: [[name, params, tally?], …] } → committed (with the other messages of its group) and synced
//     → { id, results: [changes | { error }, …] }
//   { id, keys: [[name, KeyObject], …] (each public key once per thread), signed: [[input, keyName, ifValid, ifNot], …],
//     signatures: Uint8Array (64 bytes r||s per item) } → each item's ES256 signature over its ASCII input checked on
//     libuv's thread pool, then its ifValid ops or its ifNot ops written as above → { id, valid: Uint8Array (1 / 0 per item), results: [the
//     chosen ops' results, item after item] }
//   the first answer of each commit group also carries group: [lockWaitMs, commitMs, fsyncMs] (how long the group
//     waited for the write lock, took to commit, then to sync)
//   'close' → closes the connection and exits.
import { Buffer } from 'node:buffer'
import { verify } from 'node:crypto'
import { closeSync, fsync, fsyncSync, openSync } from 'node:fs'
import { dirname } from 'node:path'
import { setTimeout } from 'node:timers'
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'

// A SqliteError crosses to the parent as a bare { code } (its class cannot be cloned): a fault while opening or
// preparing ends the thread with a plain Error that keeps SQLite's message.
const opened = (() => {
  try {
    const db = new Database(workerData.path)
    db.pragma('journal_mode = WAL')
    db.pragma('foreign_keys = ON')
    db.pragma('synchronous = NORMAL')
    db.pragma(`busy_timeout = ${workerData.busyWaitMs ?? 5000}`)
    db.pragma('cache_size = -65536')
    // Checkpoints are the checkpoint thread's work (src/db/sqlite-checkpoint-worker.mjs), never a commit's.
    db.pragma('wal_autocheckpoint = 0')
    db.pragma('journal_size_limit = 67108864')
    return { db, statements: new Map(Object.entries(workerData.statements).map(([name, text]) => [name, db.prepare(text)])) }
  } catch (err) {
    throw Object.assign(new Error(err instanceof Error ? err.message : String(err)), { code: err?.code })
  }
})()
const { db, statements } = opened
const statement = (name) => {
  const stmt = statements.get(name)
  if (stmt === undefined) throw new Error(`unknown statement ${name}`)
  return stmt
}
// The same statements returning arrays, prepared when first asked for.
const rawStatements = new Map()
const rawStatement = (name) => {
  let stmt = rawStatements.get(name)
  if (stmt === undefined) {
    stmt = db.prepare(statement(name).source).raw(true)
    rawStatements.set(name, stmt)
  }
  return stmt
}
const read = ([name, params, mode]) => (mode === 'get' ? statement(name).get(params) : mode === 'all' ? statement(name).all(params) : rawStatement(name).all(params))
// Without a transaction every statement would take and drop the file's shared lock and a WAL read mark on its own
// (several fcntl calls each, measured at about a tenth of this thread's time under load).
const readAll = db.transaction((reads) => reads.map(read))
const errorOf = (err) => ({ error: { message: err instanceof Error ? err.message : String(err), code: err?.code } })
// An op may carry a tally [statement, key]: when it writes a row, one more for its key; each key's statement then runs
// once, with [...key, count], at the end of the same transaction (scan_hours: one upsert per checkpoint and hour per
// commit, counting only the scans actually written).
const runAll = (ops) => {
  const tallies = new Map()
  const results = ops.map((op) => {
    const changes = statement(op[0]).run(op[1]).changes
    const tally = op[2]
    if (changes > 0 && tally !== undefined) {
      const k = `${tally[0]}\u0000${tally[1].join('\u0000')}`
      const seen = tallies.get(k)
      if (seen === undefined) tallies.set(k, [tally[0], tally[1], 1]); else seen[2]++
    }
    return changes
  })
  for (const [name, key, n] of tallies.values()) statement(name).run([...key, n])
  return results
}

// All ops in one transaction (one fsync). When that fails, each op alone, so one bad row fails only itself.
const all = db.transaction(runAll)
const one = db.transaction((op) => runAll([op])[0])

// The WAL file, opened once after the first commit (fsync on any descriptor syncs the file); its directory is synced
// once too, so the file itself survives a power cut.
let walFd = null
const wal = () => {
  if (walFd === null) {
    const dir = openSync(dirname(workerData.path), 'r')
    try { fsyncSync(dir) } finally { closeSync(dir) }
    walFd = openSync(`${workerData.path}-wal`, 'r')
  }
  return walFd
}

// Group commit: write messages that arrive while the WAL is being synced wait, and are then committed together in
// one transaction and synced by one fsync. Reads are answered meanwhile; they may see a group whose fsync is still
// running, never half a group, and nothing is answered as written before its fsync.
let queued = [] // write messages not committed yet
let syncing = false
let closing = false
const finish = () => {
  if (!closing || syncing || waiting || lingering || verifying > 0 || queued.length > 0) return
  if (walFd !== null) closeSync(walFd)
  db.close()
  parentPort.close()
}
// While another connection holds the write lock (the checkpoint thread's RESTART, a write on the main connection),
// the group waits without blocking this thread: BEGIN IMMEDIATE is tried with busy_timeout 0 and retried a
// millisecond later, and reads are answered meanwhile. SQLite's own busy handler would sleep this thread in steps
// of 1, 2, 5, 10, 15… ms, reads included: a 6 ms checkpoint became an 18 ms stall for every scan.
// After BUSY_WAIT_MS (5 s) of that the whole group fails with SQLITE_BUSY, at once: retried op by op, as a failed
// group otherwise is, each op would wait for the lock again and a group of a hundred would hold the thread for minutes.
const BUSY_WAIT_MS = workerData.busyWaitMs ?? 5000
const noWait = db.prepare('PRAGMA busy_timeout = 0')
const wait = db.prepare(`PRAGMA busy_timeout = ${BUSY_WAIT_MS}`)
const isBusy = (err) => typeof err?.code === 'string' && err.code.startsWith('SQLITE_BUSY')
let waiting = false // a group is waiting for the write lock
let waitingSince = 0
// A group begins at least COMMIT_INTERVAL_MS after the one before it began. At a steady moderate rate the syncs
// finish in a fraction of a millisecond and every group would carry a scan or three, each paying a commit, an fsync,
// whole WAL pages and the thread wake-ups around them; waiting out the rest of the interval gathers more scans into
// each group, for less CPU and disk a scan, and adds at most the interval to an answer. A write after a quiet
// moment, or while groups take longer than the interval (the maximum rate), goes at once as before.
const COMMIT_INTERVAL_MS = workerData.commitIntervalMs ?? 0
let lastBegan = -Infinity
let lingering = false // the next group waits for its interval
const commitSoon = () => {
  const wait = lastBegan + COMMIT_INTERVAL_MS - performance.now()
  if (wait <= 0) { commitAndSync(); return }
  lingering = true
  setTimeout(() => {
    lingering = false
    if (!syncing && !waiting && queued.length > 0) commitAndSync(); else finish()
  }, wait)
}
const commitAndSync = () => {
  lastBegan = performance.now()
  const messages = queued
  const ops = messages.flatMap((m) => m.ops)
  let results
  let failure = null
  noWait.get()
  const began = performance.now()
  try {
    results = all.immediate(ops)
  } catch (err) {
    failure = err
  }
  wait.get()
  if (failure !== null && isBusy(failure) && !db.inTransaction) {
    if (waitingSince === 0) waitingSince = performance.now()
    if (performance.now() - waitingSince < BUSY_WAIT_MS) {
      waiting = true
      setTimeout(() => { waiting = false; commitAndSync() }, 1)
      return
    }
    results = ops.map(() => errorOf(failure))
  } else if (failure !== null) {
    results = ops.map((op) => {
      try { return one.immediate(op) } catch (e) { return errorOf(e) }
    })
  }
  // How long this group waited for the write lock, took to commit (or fail), and then to sync: the first answer carries it.
  const committed = performance.now()
  const lockWaitMs = waitingSince === 0 ? 0 : began - waitingSince
  waitingSince = 0
  queued = []
  let at = 0
  const answers = messages.map((m) => {
    const a = { id: m.id, results: results.slice(at, at + m.ops.length), ...(m.valid !== undefined ? { valid: m.valid } : {}) }
    at += m.ops.length
    return a
  })
  syncing = true
  fsync(wal(), (err) => {
    syncing = false
    if (answers.length > 0) answers[0].group = [lockWaitMs, committed - began, performance.now() - committed]
    for (const a of answers) parentPort.postMessage(err === null ? a : { id: a.id, ...errorOf(err), group: a.group })
    if (queued.length > 0) commitSoon(); else finish()
  })
}

// Signed writes: the signature decides which of an item's two op lists is written. A code's check and its write are
// then one hop from the event loop, not two (the check's answer going back to it before the write leaves).
const keys = new Map()
const keyOf = (keyName) => {
  const key = keys.get(keyName)
  if (key === undefined) throw new Error(`the scan thread holds no key ${keyName}`)
  return key
}
let verifying = 0 // signed messages whose checks are still running
// Each check runs on libuv's thread pool (crypto.verify with a callback), so a message's checks spread over the
// machine's cores while this thread commits and answers; once all of a message's checks are back, `done` gets its ops.
const signedOps = (msg, done) => {
  for (const [name, key] of msg.keys) keys.set(name, key)
  const n = msg.signed.length
  const valid = new Uint8Array(n)
  const verifiers = msg.signed.map(([, keyName]) => keyOf(keyName))
  let left = n + 1 // the checks, and the loop below handing them out
  let failure = null
  const settle = () => {
    if (--left > 0) return
    verifying--
    if (failure !== null) { done(null, failure); return }
    const ops = []
    for (let i = 0; i < n; i++) for (const op of valid[i] === 1 ? msg.signed[i][2] : msg.signed[i][3]) ops.push(op)
    done({ id: msg.id, ops, valid }, null)
  }
  verifying++
  for (let i = 0; i < n; i++) {
    try {
      verify('sha256', Buffer.from(msg.signed[i][0], 'latin1'), { key: verifiers[i], dsaEncoding: 'ieee-p1363' }, msg.signatures.subarray(i * 64, i * 64 + 64), (err, ok) => {
        if (err !== null) failure ??= err; else valid[i] = ok ? 1 : 0
        settle()
      })
    } catch (err) {
      failure ??= err
      settle()
    }
  }
  settle()
}

// Opened, and every statement prepared: the service may start.
parentPort.postMessage({ ready: true })

parentPort.on('message', (msg) => {
  if (msg === 'close') {
    closing = true
    finish()
    return
  }
  if (msg.reads !== undefined) {
    try {
      const results = readAll(msg.reads)
      parentPort.postMessage({ id: msg.id, results })
    } catch (err) {
      parentPort.postMessage({ id: msg.id, ...errorOf(err) })
    }
    return
  }
  if (msg.signed !== undefined) {
    try {
      signedOps(msg, (checked, err) => {
        if (err !== null) parentPort.postMessage({ id: msg.id, ...errorOf(err) }); else queue(checked)
        finish()
      })
    } catch (err) {
      parentPort.postMessage({ id: msg.id, ...errorOf(err) })
    }
    return
  }
  queue(msg)
})
function queue (msg) {
  queued.push(msg)
  if (!syncing && !waiting && !lingering) commitSoon()
}

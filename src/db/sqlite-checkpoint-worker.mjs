// The SQLite checkpoint thread: copies the WAL back into the database file a few times a second, on its own
// connection, so that no commit on the event loop or in the scan thread ever pays for a checkpoint (SQLite's
// automatic checkpoint runs inside the commit that crosses 1000 pages and syncs the database file there).
// PASSIVE never blocks readers or writers. Under a steady stream of scans it never catches up, though (the writer
// appends while it copies), and SQLite only restarts the WAL from its beginning when a write starts on a fully copied
// log: measured, the WAL grew to 170,000 frames (700 MB) in a benchmark and commits slowed with it. So when the WAL
// passes RESTART_FRAMES, a RESTART checkpoint copies the few frames the last PASSIVE one left, holding writers back
// for a moment, and the next write starts the WAL over; journal_size_limit trims the file (src/db/checkpoint-round.mjs).
// Plain JavaScript: no TypeScript loader in this thread.
// Protocol: workerData { path, intervalMs }; in: 'close' → stops, closes the connection and exits.
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { checkpointRound, ROUND_BUSY_MS } from './checkpoint-round.mjs'

const db = new Database(workerData.path)
db.pragma(`busy_timeout = ${ROUND_BUSY_MS}`)
db.pragma('wal_autocheckpoint = 0')
db.pragma('journal_size_limit = 67108864')

const timer = setInterval(() => {
  try {
    checkpointRound(db)
  } catch (err) {
    // SQLITE_BUSY and the like: the next round tries again.
    parentPort.postMessage({ warning: err instanceof Error ? err.message : String(err) })
  }
}, workerData.intervalMs)

parentPort.on('message', (msg) => {
  if (msg !== 'close') return
  clearInterval(timer)
  db.close()
  parentPort.close()
})

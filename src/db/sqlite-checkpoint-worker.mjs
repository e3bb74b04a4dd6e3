// The SQLite checkpoint thread: copies the WAL back into the database file a few times a second, on its own
// connection, so that no commit on the event loop or in the scan thread ever pays for a checkpoint (SQLite's
// automatic checkpoint runs inside the commit that crosses 1000 pages and syncs the database file there).
// PASSIVE never blocks readers or writers; once a checkpoint has caught up, the next writer restarts the WAL, and
// journal_size_limit trims the file. Plain JavaScript: no TypeScript loader in this thread.
// Protocol: workerData { path, intervalMs }; in: 'close' → stops, closes the connection and exits.
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'

const db = new Database(workerData.path)
db.pragma('busy_timeout = 5000')
db.pragma('wal_autocheckpoint = 0')
db.pragma('journal_size_limit = 67108864')

const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)')
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

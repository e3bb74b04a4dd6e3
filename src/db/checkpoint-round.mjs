// One round of the SQLite checkpoint thread (src/db/sqlite-checkpoint-worker.mjs), on its own connection; plain
// JavaScript like the thread. Kept apart so that tests can run a round on a connection of their own.

// A RESTART holds writers back while it copies what is left and syncs the database file. Right after a PASSIVE round
// that is the frames written during that round, and their random pages made it take 7–67 ms, about once a second
// under a full scan load: the slowest 1 % of scans. So the RESTART comes after two more PASSIVE rounds, each copying
// only what was written during the one before it, and it does not wait: with busy_timeout 0 it gives up at once when a
// transaction is writing or reading the log, and the next round tries again. Measured: 0.1 ms median, 18 ms at worst.
export const RESTART_FRAMES = 8192 // 32 MiB of 4 KiB pages
// Under steady scans some transaction is nearly always reading the log, and giving up every time let the WAL pass its
// 64 MiB journal_size_limit (75 and 86 MiB in 10-minute soaks). Past INSIST_FRAMES (48 MiB) the RESTART waits up to
// INSIST_WAIT_MS for readers to move off the log (the scan path's reads last well under a millisecond; writers wait
// meanwhile), so the log is started over before it reaches the limit.
export const INSIST_FRAMES = 12288
export const INSIST_WAIT_MS = 50
/** The connection's busy timeout between rounds (a PASSIVE round waits that long for a lock at most). */
export const ROUND_BUSY_MS = 5000

/**
 * Copies the log into the database file (PASSIVE); past RESTART_FRAMES, two more PASSIVE rounds and a RESTART so that
 * the next write starts the log over. Returns the log's frames after the first PASSIVE round and whether a RESTART
 * completed (every frame copied and no reader left on the log).
 */
export function checkpointRound (db) {
  const [{ log }] = db.pragma('wal_checkpoint(PASSIVE)')
  if (log <= RESTART_FRAMES) return { log, restarted: false }
  db.pragma('wal_checkpoint(PASSIVE)')
  db.pragma('wal_checkpoint(PASSIVE)')
  db.pragma(`busy_timeout = ${log > INSIST_FRAMES ? INSIST_WAIT_MS : 0}`)
  try {
    const [{ busy }] = db.pragma('wal_checkpoint(RESTART)')
    return { log, restarted: busy === 0 }
  } finally {
    db.pragma(`busy_timeout = ${ROUND_BUSY_MS}`)
  }
}

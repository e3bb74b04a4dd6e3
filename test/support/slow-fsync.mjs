// Preloaded into the SQLite scan thread by test/sqlite-thread.test.ts: every fsync completes 300 ms late, so a test
// can see that a write is acknowledged only after the fsync of its commit, not after the commit alone.
import fs from 'node:fs'
import { syncBuiltinESMExports } from 'node:module'
import { setTimeout } from 'node:timers'

export const FSYNC_DELAY_MS = 300
const original = fs.fsync
fs.fsync = (fd, callback) => original(fd, (err) => { setTimeout(() => callback(err), FSYNC_DELAY_MS) })
syncBuiltinESMExports()

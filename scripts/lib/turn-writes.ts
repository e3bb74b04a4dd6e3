// The SQLite yardsticks' writes (scripts/lib/durable-server.ts, durable-trail-server.ts): the rows that arrive in one
// turn of the event loop go to the scan thread in one message, as gridpass's scan writer sends them; each request is
// told whether its row was written without an error, after the group's commit and fsync.
import type { WriteOp, WriteResult } from '../../src/db/sqlite-thread.ts'

export function turnWrites (write: (ops: WriteOp[]) => Promise<WriteResult[]>): (op: WriteOp, done: (written: boolean) => void) => void {
  let queue: Array<{ op: WriteOp, done: (written: boolean) => void }> = []
  const flush = (): void => {
    const batch = queue
    queue = []
    write(batch.map((b) => b.op)).then(
      (results) => { batch.forEach((b, i) => { b.done(typeof results[i] === 'number') }) },
      () => { for (const b of batch) b.done(false) })
  }
  return (op, done) => {
    if (queue.length === 0) setImmediate(flush)
    queue.push({ op, done })
  }
}

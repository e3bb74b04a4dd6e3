// A second SQLite connection in a worker thread for the scan path: its commits and their fsync run off the event
// loop, so requests keep being answered while the disk syncs, and commit groups grow with the load. It also runs
// the scan path's reads: a connection's page cache is reset whenever another connection commits, so reads belong
// on the connection that does the writing. WAL lets the main connection read meanwhile; both connections wait for
// each other's write lock (busy_timeout).
import type { Worker } from 'node:worker_threads'
import { startWorker } from '../lib/worker-args.ts'

/**
 * tally [statement, key]: when the op writes a row, one more for that key; at the end of the same transaction each key's
 * statement runs once with [...key, count] (the worker's runAll).
 */
export type WriteOp = [statement: string, params: unknown[] | Record<string, unknown>, tally?: [statement: string, key: unknown[]]]
/** 'values': every row as an array of its columns (cheaper to send between threads than objects). */
export type ReadOp = [statement: string, params: unknown[] | Record<string, unknown>, mode: 'get' | 'all' | 'values']
/** Per op: the number of rows it changed, or the error that op alone hit. */
export type WriteResult = number | Error

export interface SqliteThread {
  /** Runs the reads in order, in one read transaction per message (one snapshot); resolves with their rows. */
  read: (reads: ReadOp[]) => Promise<unknown[]>
  /** Runs the ops in one transaction; resolves after COMMIT. */
  write: (ops: WriteOp[]) => Promise<WriteResult[]>
  close: () => Promise<void>
  /**
   * Resolves once the thread has opened the file and prepared every statement; rejects when it could not (a missing
   * table, an unreadable file). The thread starts when created, so such a fault stops the service at its start
   * instead of failing every scan; a thread that ends later is started again by the next call.
   */
  ready: Promise<void>
}

interface Job { resolve: (results: unknown[]) => void, reject: (err: Error) => void }
type WireError = { error: { message: string, code?: string } }
type Reply = { id: number, results?: unknown[], ready?: true } & Partial<WireError>

const asError = (e: WireError['error']): Error => Object.assign(new Error(e.message), { code: e.code })
const isWireError = (r: unknown): r is WireError => typeof r === 'object' && r !== null && 'error' in r

export interface SqliteThreadOptions {
  /** Node flags added for the thread (tests preload a module that slows its fsync down, to see the answer wait). */
  execArgv?: string[]
  /** How long a write waits for another connection's lock before it fails with SQLITE_BUSY (default 5000 ms). */
  busyWaitMs?: number
}

export function createSqliteThread (path: string, statements: Record<string, string>, options: SqliteThreadOptions = {}): SqliteThread {
  let worker: Worker | null = null
  let next = 0
  const jobs = new Map<number, Job>()
  let started: { resolve: () => void, reject: (err: Error) => void } | null = null
  const ready = new Promise<void>((resolve, reject) => { started = { resolve, reject } })
  // Awaited by the service's start; marked handled so that a thread that never starts is not also an unhandled rejection.
  ready.catch(() => {})
  const settle = (err?: Error): void => {
    if (started === null) return
    if (err === undefined) started.resolve(); else started.reject(new Error(`the SQLite scan thread could not start: ${err.message ?? String(err)}`))
    started = null
  }

  const failAll = (err: Error): void => {
    for (const job of jobs.values()) job.reject(err)
    jobs.clear()
  }
  const start = (): Worker => {
    const w = startWorker(new URL('./sqlite-thread-worker.mjs', import.meta.url), {
      workerData: { path, statements, busyWaitMs: options.busyWaitMs }
    }, options.execArgv)
    w.on('message', (msg: Reply) => {
      if (msg.ready === true) { settle(); return }
      const job = jobs.get(msg.id)
      if (job === undefined) return
      jobs.delete(msg.id)
      if (msg.error !== undefined) job.reject(asError(msg.error))
      else job.resolve(msg.results ?? [])
    })
    // A crashed thread fails what it held (none of it was acknowledged); the next call starts a new one.
    // (An error is followed by an exit; by then the next call may have started a new thread, whose jobs are not this one's.)
    w.on('error', (err) => { if (worker === w) worker = null; settle(err); failAll(err) })
    w.on('exit', (code) => {
      if (worker !== w) return
      worker = null
      settle(new Error(`it exited (${code})`))
      failAll(new Error(`the SQLite scan thread exited (${code})`))
    })
    return w
  }
  worker = start()
  const send = (body: { reads: ReadOp[] } | { ops: WriteOp[] }): Promise<unknown[]> => {
    worker ??= start()
    const w = worker
    const id = ++next
    return new Promise((resolve, reject) => {
      jobs.set(id, { resolve, reject })
      w.postMessage({ id, ...body })
    })
  }

  // Reads asked for in one turn of the event loop travel together: one message each way instead of one per scan.
  let pending: Array<{ reads: ReadOp[], resolve: (rows: unknown[]) => void, reject: (err: Error) => void }> = []
  const flushReads = (): void => {
    const batch = pending
    pending = []
    send({ reads: batch.flatMap((p) => p.reads) }).then((rows) => {
      let at = 0
      for (const p of batch) { p.resolve(rows.slice(at, at + p.reads.length)); at += p.reads.length }
    }, (err: Error) => { for (const p of batch) p.reject(err) })
  }

  return {
    read: async (reads) => new Promise((resolve, reject) => {
      if (pending.length === 0) setImmediate(flushReads)
      pending.push({ reads, resolve, reject })
    }),
    write: async (ops) => (await send({ ops })).map((r) => (isWireError(r) ? asError(r.error) : r as number)),
    ready,
    async close () {
      const w = worker
      worker = null
      if (w === null) return
      await new Promise<void>((resolve) => {
        w.once('exit', () => { resolve() })
        w.postMessage('close')
      })
    }
  }
}

// A second SQLite connection in a worker thread for the scan path: its commits and their fsync run off the event
// loop, so requests keep being answered while the disk syncs, and commit groups grow with the load. It also runs
// the scan path's reads: a connection's page cache is reset whenever another connection commits, so reads belong
// on the connection that does the writing. A single scan's signature is handed to it too: the thread has it checked on
// libuv's thread pool (on every core) and writes its row right after.
// WAL lets the main connection read meanwhile; both connections wait for each other's write lock (busy_timeout).
import type { KeyObject } from 'node:crypto'
import type { Worker } from 'node:worker_threads'
import { createKeyNames } from '../lib/key-names.ts'
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

/**
 * A write that depends on an ES256 signature (r||s over ASCII `input`): the thread checks it and writes `ifValid` when it
 * holds, `ifNot` when not, in the same group commit. One hop instead of two: the check does not come back to the event
 * loop before its write leaves.
 */
export interface SignedWrite { input: string, signature: Uint8Array, key: KeyObject, kid: string, ifValid: WriteOp[], ifNot: WriteOp[] }
/** `valid`: whether the signature held (and so which ops ran); `results`: theirs. */
export interface SignedResult { valid: boolean, results: WriteResult[] }
/** A signed write on the wire: [input, the key's name in the thread, ifValid, ifNot]; its signature travels apart. */
type SignedWire = [input: string, keyName: string, ifValid: WriteOp[], ifNot: WriteOp[]]

export interface SqliteThread {
  /** Runs the reads in order, in one read transaction per message (one snapshot); resolves with their rows. */
  read: (reads: ReadOp[]) => Promise<unknown[]>
  /** Runs the ops in one transaction; resolves after COMMIT. */
  write: (ops: WriteOp[]) => Promise<WriteResult[]>
  /** Has the signature checked by the thread (on libuv's pool), then writes what it decides (as `write` does); those of one turn travel together. */
  writeIfSigned: (item: SignedWrite) => Promise<SignedResult>
  close: () => Promise<void>
  /**
   * Resolves once the thread has opened the file and prepared every statement; rejects when it could not (a missing
   * table, an unreadable file). The thread starts when created, so such a fault stops the service at its start
   * instead of failing every scan; a thread that ends later is started again by the next call.
   */
  ready: Promise<void>
}

type WireError = { error: { message: string, code?: string } }
type Reply = { id: number, results?: unknown[], valid?: Uint8Array, group?: [number, number, number], ready?: true } & Partial<WireError>
/** One commit group's timing in the thread, in milliseconds. */
export interface GroupTiming { lockWaitMs: number, commitMs: number, fsyncMs: number }
interface Job { resolve: (reply: Reply) => void, reject: (err: Error) => void }

const asError = (e: WireError['error']): Error => Object.assign(new Error(e.message), { code: e.code })
const isWireError = (r: unknown): r is WireError => typeof r === 'object' && r !== null && 'error' in r

export interface SqliteThreadOptions {
  /** Node flags added for the thread (tests preload a module that slows its fsync down, to see the answer wait). */
  execArgv?: string[]
  /** How long a write waits for another connection's lock before it fails with SQLITE_BUSY (default 5000 ms). */
  busyWaitMs?: number
  /**
   * A commit group begins at least this long after the one before it began (default COMMIT_INTERVAL_MS; 0: as soon
   * as the one before is synced). More writes share each commit and fsync at a moderate rate; an answer waits at
   * most this much longer. GRIDPASS_COMMIT_INTERVAL_MS for the service.
   */
  commitIntervalMs?: number
  /** Told of every commit group: how long it waited for the write lock, took to commit, then to sync (the metrics). */
  onGroup?: (timing: GroupTiming) => void
}

/**
 * The scan thread's commit interval unless told otherwise, in milliseconds. Quick runs of bench:scans at the paced half
 * rate (20,000 people, 2 × AMD EPYC): groups of 9.4-9.7 scans instead of 3.2-4.8, the CPU and the disk written a
 * scan down by a tenth to a fifth, the p50 up by about 3 ms, the p99 within the machine's spread (docs/benchmarks.md,
 * "Where the time goes").
 */
export const COMMIT_INTERVAL_MS = 3

/** Messages of signed writes sent to the thread and not yet answered, at most (see flushSigned). */
export const SIGNED_IN_FLIGHT = 4

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
  // The keys the current thread holds, by name (sent with the first write that needs each).
  const keyName = createKeyNames()
  let sentKeys = new Set<string>()
  const start = (): Worker => {
    sentKeys = new Set()
    const w = startWorker(new URL('./sqlite-thread-worker.mjs', import.meta.url), {
      workerData: { path, statements, busyWaitMs: options.busyWaitMs, commitIntervalMs: options.commitIntervalMs ?? COMMIT_INTERVAL_MS }
    }, options.execArgv)
    w.on('message', (msg: Reply) => {
      if (msg.ready === true) { settle(); return }
      if (msg.group !== undefined) options.onGroup?.({ lockWaitMs: msg.group[0], commitMs: msg.group[1], fsyncMs: msg.group[2] })
      const job = jobs.get(msg.id)
      if (job === undefined) return
      jobs.delete(msg.id)
      if (msg.error !== undefined) job.reject(asError(msg.error))
      else job.resolve(msg)
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
  type Body = { reads: ReadOp[] } | { ops: WriteOp[] } | { keys: Array<[string, KeyObject]>, signed: SignedWire[], signatures: Uint8Array }
  const send = (body: Body): Promise<Reply> => {
    worker ??= start()
    const w = worker
    const id = ++next
    return new Promise((resolve, reject) => {
      jobs.set(id, { resolve, reject })
      if ('signatures' in body) w.postMessage({ id, ...body }, [body.signatures.buffer as ArrayBuffer])
      else w.postMessage({ id, ...body })
    })
  }

  // Reads asked for in one turn of the event loop travel together: one message each way instead of one per scan.
  let pending: Array<{ reads: ReadOp[], resolve: (rows: unknown[]) => void, reject: (err: Error) => void }> = []
  const flushReads = (): void => {
    if (pending.length === 0) return // sent already, by close
    const batch = pending
    pending = []
    send({ reads: batch.flatMap((p) => p.reads) }).then(({ results: rows = [] }) => {
      let at = 0
      for (const p of batch) { p.resolve(rows.slice(at, at + p.reads.length)); at += p.reads.length }
    }, (err: Error) => { for (const p of batch) p.reject(err) })
  }

  // Signed writes of one turn travel together too, with the keys the thread does not hold yet. At most
  // SIGNED_IN_FLIGHT such messages are unanswered at a time: later ones wait on this side and leave together when one
  // is answered (after its group's fsync), so at a low rate the thread gets one message per commit group or two, not
  // one per turn of this event loop (each a wake-up of the thread, of the pool, a commit of its own). With 4 (not 2)
  // a scan held here rarely misses the next commit group: the paced tail stayed as it was (docs/benchmarks.md).
  let signed: Array<{ item: SignedWrite, resolve: (r: SignedResult) => void, reject: (err: Error) => void }> = []
  let signedInFlight = 0
  let signedFlushQueued = false
  const queueSignedFlush = (): void => {
    if (signedFlushQueued || signed.length === 0 || signedInFlight >= SIGNED_IN_FLIGHT) return
    signedFlushQueued = true
    setImmediate(flushSigned)
  }
  const flushSigned = (): void => {
    signedFlushQueued = false
    if (signed.length === 0) return // sent already, by close
    const batch = signed
    signed = []
    signedInFlight++
    // The thread that will get the message, started first: a new one holds no key yet.
    worker ??= start()
    const keys: Array<[string, KeyObject]> = []
    const signatures = new Uint8Array(batch.length * 64)
    const wire = batch.map(({ item }, i): SignedWire => {
      const name = keyName(item.key, item.kid)
      if (!sentKeys.has(name)) { sentKeys.add(name); keys.push([name, item.key]) }
      // A signature of another length is not ES256's: the thread's choice is then made for it.
      const wellFormed = item.signature.length === 64
      if (wellFormed) signatures.set(item.signature, i * 64)
      return [item.input, name, wellFormed ? item.ifValid : item.ifNot, item.ifNot]
    })
    const answered = (): void => { signedInFlight--; queueSignedFlush() }
    send({ keys, signed: wire, signatures }).then(({ results = [], valid }) => {
      answered()
      let at = 0
      batch.forEach(({ item, resolve }, i) => {
        const [, , ifValid, ifNot] = wire[i] as SignedWire
        const chosen = valid?.[i] === 1 ? ifValid : ifNot
        resolve({ valid: valid?.[i] === 1 && item.signature.length === 64, results: results.slice(at, at + chosen.length).map((r) => (isWireError(r) ? asError(r.error) : r as number)) })
        at += chosen.length
      })
    }, (err: Error) => { answered(); for (const p of batch) p.reject(err) })
  }

  return {
    writeIfSigned: async (item) => new Promise((resolve, reject) => {
      signed.push({ item, resolve, reject })
      queueSignedFlush()
    }),
    read: async (reads) => new Promise((resolve, reject) => {
      if (pending.length === 0) setImmediate(flushReads)
      pending.push({ reads, resolve, reject })
    }),
    write: async (ops) => ((await send({ ops })).results ?? []).map((r) => (isWireError(r) ? asError(r.error) : r as number)),
    ready,
    async close () {
      // What this turn asked for leaves before the close: the thread answers it, then ends.
      flushReads()
      flushSigned()
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

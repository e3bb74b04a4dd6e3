// ES256 off the event loop, in a thread of its own and in batches: the signatures checked or made in one turn of the
// event loop travel to the thread in one message and back in one. Handing each one to libuv's pool from the event loop
// instead costs it a thread wake-up and a callback per signature: measured as 10 to 14 µs of the event loop per scan on
// 2 cores. The thread hands them to the pool itself (so they run on every core, where the thread alone used one) and
// answers a message once all of its jobs are back.
import { sign, verify, type KeyObject } from 'node:crypto'
import type { Worker } from 'node:worker_threads'
import { createKeyNames } from './key-names.ts'
import { startWorker } from './worker-args.ts'

/** ES256 with r||s (IEEE P1363) signatures over ASCII input (a JWS signing input). */
export interface Es256 {
  /** True when `signature` is `key`'s over `input`; false for a bad one (never rejects for that). `kid`: the key's id. */
  verify: (input: string, signature: Uint8Array, key: KeyObject, kid: string) => Promise<boolean>
  /** The 64-byte signature. */
  sign: (input: string, key: KeyObject, kid: string) => Promise<Uint8Array>
}

/** Verifies an r||s (IEEE P1363) ES256 signature over `input` on libuv's pool. Never throws for a bad signature. */
export async function verifyEs256 (input: Uint8Array, signature: Uint8Array, key: KeyObject): Promise<boolean> {
  if (signature.length !== 64) return false
  return new Promise<boolean>((resolve) => {
    verify('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, signature, (err, ok) => { resolve(err === null && ok) })
  })
}

/** One signature at a time on libuv's pool (node:crypto's callback form). */
export const poolEs256: Es256 = {
  verify: async (input, signature, key) => verifyEs256(Buffer.from(input, 'latin1'), signature, key),
  async sign (input, key) {
    return new Promise<Uint8Array>((resolve, reject) => {
      sign('sha256', Buffer.from(input, 'latin1'), { key, dsaEncoding: 'ieee-p1363' }, (err, sig) => { if (err !== null) reject(err); else resolve(sig) })
    })
  }
}

export interface Es256Thread extends Es256 {
  /** Waits for the thread to end; a later call starts a new one. */
  close: () => Promise<void>
}

type Job = { input: string, key: KeyObject, kid: string, name: string } & (
  | { op: 0, signature: Uint8Array, resolve: (ok: boolean) => void, reject: (err: unknown) => void }
  | { op: 1, resolve: (sig: Uint8Array) => void, reject: (err: unknown) => void })

/**
 * Jobs per message at most. A turn's checks go in several messages when there are more: the thread answers each as
 * it finishes it, so the first answers of a big turn (an offline batch's 400 checks, about 30 ms of signature work)
 * come back while the rest are checked, and the event loop goes on with them meanwhile.
 */
export const MESSAGE_JOBS = 32

/** A job the thread could not do (it ended, or the key or input was refused there) is done on the pool instead. */
function onPool (j: Job): void {
  if (j.op === 0) poolEs256.verify(j.input, j.signature, j.key, j.kid).then(j.resolve, j.reject)
  else poolEs256.sign(j.input, j.key, j.kid).then(j.resolve, j.reject)
}

export interface Es256ThreadOptions {
  /** The worker's module (tests start one that ends at once, to see its batches done on the pool). */
  workerUrl?: URL
}

export function createEs256Thread ({ workerUrl = new URL('./es256-worker.mjs', import.meta.url) }: Es256ThreadOptions = {}): Es256Thread {
  let worker: Worker | null = null
  let sent = new Set<string>() // the key names the current worker holds
  let nextId = 0
  const inFlight = new Map<number, { w: Worker, jobs: Job[] }>()
  let queue: Job[] = []
  // The thread holds each key once, by a name (src/lib/key-names.ts).
  const nameOf = createKeyNames()

  const start = (): Worker => {
    const w = startWorker(workerUrl)
    sent = new Set()
    // Only batches in flight keep the process alive.
    w.unref()
    w.on('message', (msg: { id: number, ok: Uint8Array, signatures: Uint8Array }) => {
      const batch = inFlight.get(msg.id)
      if (batch === undefined) return
      inFlight.delete(msg.id)
      const { jobs } = batch
      if (![...inFlight.values()].some((b) => b.w === w)) w.unref()
      for (let i = 0; i < jobs.length; i++) {
        const j = jobs[i] as Job
        const ok = msg.ok[i]
        if (ok === 2) onPool(j)
        else if (j.op === 0) j.resolve(ok === 1)
        else j.resolve(msg.signatures.slice(i * 64, i * 64 + 64))
      }
    })
    // A thread that ended leaves nothing unanswered: its batches are done on the pool, the next batch starts a new thread.
    const ended = (): void => {
      if (worker === w) worker = null
      for (const [id, batch] of inFlight) {
        if (batch.w !== w) continue
        inFlight.delete(id)
        for (const j of batch.jobs) onPool(j)
      }
    }
    w.on('error', ended)
    w.on('exit', ended)
    return w
  }

  const flush = (): void => {
    const all = queue
    queue = []
    for (let at = 0; at < all.length; at += MESSAGE_JOBS) send(all.slice(at, at + MESSAGE_JOBS))
  }
  const send = (jobs: Job[]): void => {
    worker ??= start()
    const w = worker
    const keys: Array<[string, KeyObject]> = []
    const wire = new Array<[0 | 1, string, string]>(jobs.length)
    const signatures = new Uint8Array(jobs.length * 64)
    for (let i = 0; i < jobs.length; i++) {
      const j = jobs[i] as Job
      if (!sent.has(j.name)) { sent.add(j.name); keys.push([j.name, j.key]) }
      wire[i] = [j.op, j.input, j.name]
      if (j.op === 0) signatures.set(j.signature, i * 64)
    }
    const id = ++nextId
    inFlight.set(id, { w, jobs })
    w.ref()
    w.postMessage({ id, keys, jobs: wire, signatures }, [signatures.buffer])
  }
  const enqueue = (j: Job): void => {
    if (queue.length === 0) setImmediate(flush)
    queue.push(j)
  }

  return {
    async verify (input, signature, key, kid) {
      if (signature.length !== 64) return false
      return new Promise<boolean>((resolve, reject) => { enqueue({ op: 0, input, signature, key, kid, name: nameOf(key, kid), resolve, reject }) })
    },
    async sign (input, key, kid) {
      return new Promise<Uint8Array>((resolve, reject) => { enqueue({ op: 1, input, key, kid, name: nameOf(key, kid), resolve, reject }) })
    },
    async close () {
      const w = worker
      worker = null
      if (w === null) return
      w.ref()
      await new Promise<void>((resolve) => { w.once('exit', () => { resolve() }); w.postMessage('close') })
    }
  }
}

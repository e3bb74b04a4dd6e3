// One decoding thread per app, started on first use: photos are decoded one at a time, each for at most a bounded time;
// a decode past it is stopped by terminating the thread, which is replaced for the next photo.
import { readFileSync } from 'node:fs'
import { startWorker } from '../../lib/worker-args.ts'
import type { Worker } from 'node:worker_threads'
import createError from '@fastify/error'
import { PayloadTooLarge, Validation } from '../../errors.ts'
import type { ImageType } from './image-decode.ts'

/** Photos waiting for the thread beyond this are refused at once (503): each may take the whole time limit. */
export const MAX_WAITING = 4
/** How often the running decode's processor time is read. */
const CHECK_MS = 50
/** However loaded the machine, a photo never holds the thread longer than this many times the limit in wall time. */
const WALL_FACTOR = 4
/** Linux counts thread CPU time in clock ticks of 1/100 s (USER_HZ, the same on every architecture Node runs on). */
const TICK_MS = 10

/** Processor time (user + system) of one thread, in ms, from /proc/<pid>/task/<tid>/stat; null when unreadable. */
function threadCpuMs (statPath: string): number | null {
  try {
    const stat = readFileSync(statPath, 'latin1')
    // The command name (in parentheses) may hold spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS
  } catch {
    return null
  }
}

// From the TypeScript source, image-worker.mjs registers tsx in the worker, then loads image-worker.ts; compiled
// (`npm run build`), this file is image-pool.js and the worker is plain JavaScript: image-worker.js, no loader.
const WORKER_URL = import.meta.url.endsWith('.ts') ? new URL('./image-worker.mjs', import.meta.url) : new URL('./image-worker.js', import.meta.url)

/** 503 with its own message (the error handler keeps GP_UNAVAILABLE's text generic). */
export const DecoderBusy = createError('GP_UNAVAILABLE', '%s', 503)

interface Job { data: Buffer, type: ImageType, resolve: (token: string | null) => void, reject: (err: Error) => void }
type Reply = { ready: true, statPath: string | null } | { id: number, token?: string | null, error?: { code?: string, statusCode?: number, message: string } }

export interface DecodePool {
  decode: (data: Buffer, type: ImageType) => Promise<string | null>
  /** Decodes stopped for running past the limit, since start (for /metrics and tests). */
  readonly stopped: number
  close: () => Promise<void>
}

/**
 * One thread, so decoding never takes more than one core from the event loop. The limit is the processor time the
 * thread spends on that one photo, read from Linux's per-thread accounting every 50 ms (counted from when the thread
 * takes the photo, never while it waits, and not slowed by other work on the machine); where that is unreadable (not
 * Linux), the wall time of the thread on the photo. Past 4× the limit in wall time a photo is stopped anyway.
 */
export function createDecodePool ({ limitMs, maxWaiting = MAX_WAITING }: { limitMs: number, maxWaiting?: number }): DecodePool {
  let worker: Worker | null = null
  let ready = false
  let statPath: string | null = null
  let running: { id: number, job: Job, timer: NodeJS.Timeout } | null = null
  let next = 0
  let stopped = 0
  let closed = false
  const waiting: Job[] = []

  const settle = (id: number): Job | undefined => {
    if (running === null || running.id !== id) return undefined
    const { job, timer } = running
    clearInterval(timer)
    running = null
    return job
  }
  const dispatch = (): void => {
    if (closed || running !== null || waiting.length === 0) return
    if (worker === null) { start(); return }
    if (!ready) return
    const job = waiting.shift() as Job
    const id = ++next
    const w = worker
    const path = statPath
    const cpuAtStart = path === null ? null : threadCpuMs(path)
    const wallAtStart = Date.now()
    const timer = setInterval(() => {
      const wall = Date.now() - wallAtStart
      const cpu = path === null || cpuAtStart === null ? null : threadCpuMs(path)
      const spent = cpu === null || cpuAtStart === null ? wall : cpu - cpuAtStart
      if (spent < limitMs && wall < limitMs * WALL_FACTOR) return
      if (settle(id) === undefined) return
      stopped++
      job.reject(new Validation(`image: decoding stopped after ${limitMs / 1000} s of processing, the limit for one photo; take a closer, sharper photo of the code alone`))
      // The thread is stuck in a hopeless image: stop it and start a fresh one for whoever waits.
      if (worker === w) { worker = null; ready = false }
      void w.terminate()
      dispatch()
    }, CHECK_MS)
    running = { id, job, timer }
    w.postMessage({ id, data: job.data, type: job.type })
  }
  /** The thread died on its own (a crash, out of memory): the photo it held is refused, the next gets a new thread. */
  const lost = (w: Worker, err: Error): void => {
    if (worker !== w) return
    worker = null
    ready = false
    if (running !== null) {
      const { job } = running
      settle(running.id)
      job.reject(new Validation(`image: could not be decoded (${err.message.slice(0, 80)})`))
    }
    dispatch()
  }
  const start = (): void => {
    const w = startWorker(WORKER_URL)
    worker = w
    ready = false
    w.on('message', (msg: Reply) => {
      if ('ready' in msg) {
        if (worker === w) { ready = true; statPath = msg.statPath; dispatch() }
        return
      }
      const job = settle(msg.id)
      if (job === undefined) return
      if (msg.error === undefined) job.resolve(msg.token ?? null)
      else {
        const e = msg.error
        job.reject(e.code === 'GP_PAYLOAD_TOO_LARGE' ? new PayloadTooLarge(e.message) : e.code === 'GP_VALIDATION' ? new Validation(e.message) : new Error(e.message))
      }
      dispatch()
    })
    w.on('error', (err) => { lost(w, err) })
    w.on('exit', (code) => { lost(w, new Error(`decoder exited with code ${code}`)) })
    w.unref()
  }

  return {
    decode (data, type) {
      return new Promise((resolve, reject) => {
        if (closed) { reject(new Error('closing')); return }
        if (waiting.length >= maxWaiting) {
          reject(new DecoderBusy('image: the decoder is busy with other photos; retry in a few seconds, or scan the code live'))
          return
        }
        waiting.push({ data, type, resolve, reject })
        dispatch()
      })
    },
    get stopped () { return stopped },
    async close () {
      closed = true
      const err = new Error('closing')
      if (running !== null) { const { job } = running; settle(running.id); job.reject(err) }
      for (const job of waiting.splice(0)) job.reject(err)
      const w = worker
      worker = null
      if (w !== null) await w.terminate()
    }
  }
}

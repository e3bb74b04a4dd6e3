// One decoding worker per app, started on first use; a decode that takes too long is abandoned and the worker replaced.
import { Worker } from 'node:worker_threads'
import { PayloadTooLarge, Validation } from '../../errors.ts'
import type { ImageType } from './image-decode.ts'

/** A photo no phone camera takes needs longer than this: give up and say so. */
export const DECODE_TIMEOUT_MS = 10_000

interface Job { resolve: (token: string | null) => void, reject: (err: Error) => void, timer: NodeJS.Timeout }

export interface DecodePool { decode: (data: Buffer, type: ImageType) => Promise<string | null>, close: () => Promise<void> }

export function createDecodePool (): DecodePool {
  let worker: Worker | null = null
  let next = 0
  const jobs = new Map<number, Job>()

  const fail = (err: Error): void => {
    for (const job of jobs.values()) { clearTimeout(job.timer); job.reject(err) }
    jobs.clear()
  }
  const start = (): Worker => {
    // image-worker.mjs registers tsx itself, then loads the TypeScript worker.
    const w = new Worker(new URL('./image-worker.mjs', import.meta.url))
    w.on('message', (msg: { id: number, token?: string | null, error?: { code?: string, statusCode?: number, message: string } }) => {
      const job = jobs.get(msg.id)
      if (job === undefined) return
      jobs.delete(msg.id)
      clearTimeout(job.timer)
      if (msg.error === undefined) { job.resolve(msg.token ?? null); return }
      const e = msg.error
      job.reject(e.code === 'GP_PAYLOAD_TOO_LARGE' ? new PayloadTooLarge(e.message) : e.code === 'GP_VALIDATION' ? new Validation(e.message) : new Error(e.message))
    })
    w.on('error', (err) => { fail(err); worker = null })
    w.on('exit', () => { if (worker === w) worker = null })
    w.unref()
    return w
  }

  return {
    decode (data, type) {
      worker ??= start()
      const w = worker
      const id = ++next
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          jobs.delete(id)
          reject(new Validation(`image: no QR could be read within ${DECODE_TIMEOUT_MS / 1000} s; take a closer, sharper photo`))
          // The worker is busy with a hopeless image: replace it.
          if (worker === w) worker = null
          void w.terminate()
        }, DECODE_TIMEOUT_MS)
        jobs.set(id, { resolve, reject, timer })
        w.postMessage({ id, data, type })
      })
    },
    async close () {
      fail(new Error('closing'))
      if (worker !== null) await worker.terminate()
      worker = null
    }
  }
}

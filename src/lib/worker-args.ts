// Node flags for worker threads, and starting a worker with them.
import { Worker, type WorkerOptions } from 'node:worker_threads'

/** Flags a worker refused (V8's and process-wide ones: --max-old-space-size, --trace-gc, --perf-basic-prof…). */
const refused = new Set<string>()

/**
 * The process's Node flags without its module hooks (`--import`, `--require`, `--loader`) and without the flags a
 * worker refuses: a worker loads what it needs itself (the database threads are plain JavaScript, the image worker
 * registers tsx). Inherited, a TypeScript loader (`node --import tsx`) or a test runner's hooks load again in every
 * thread started: more than half a second of CPU each. V8's flags apply to the whole process already.
 */
export function workerExecArgv (): string[] {
  const out: string[] = []
  const args = process.execArgv
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string
    if (/^(--import|--require|-r|--loader|--experimental-loader)$/.test(a)) { i++; continue }
    if (/^(--import|--require|--loader|--experimental-loader)=/.test(a)) continue
    if (refused.has(a)) continue
    out.push(a)
  }
  return out
}

/**
 * `new Worker(url, options)` with `workerExecArgv()` before `extraArgv`. Node names the flags a worker refuses
 * (ERR_WORKER_INVALID_EXEC_ARGV: "… invalid execArgv flags: --trace-gc, --max-old-space-size=300"): those are
 * dropped, remembered, and the worker started without them, so `node --max-old-space-size=… ` still starts the service.
 */
export function startWorker (url: URL, options: Omit<WorkerOptions, 'execArgv'> = {}, extraArgv: string[] = []): Worker {
  for (;;) {
    const execArgv = [...workerExecArgv(), ...extraArgv]
    try {
      return new Worker(url, { ...options, execArgv })
    } catch (err) {
      const e = err as NodeJS.ErrnoException
      const named = e.code === 'ERR_WORKER_INVALID_EXEC_ARGV' ? (/flags: (.*)$/.exec(e.message)?.[1] ?? '').split(', ').filter((f) => execArgv.includes(f) && !extraArgv.includes(f)) : []
      if (named.length === 0) throw err
      for (const f of named) refused.add(f)
    }
  }
}

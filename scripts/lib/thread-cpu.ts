// Where a benchmark's CPU goes, read from /proc (Linux): a process's main thread and its other threads (worker
// threads, libuv's pool, V8's helpers), and the whole machine's idle share. Used to print CPU time per request
// beside the rates, so a gap to the baseline can be told apart as "more work per request" or "waiting".
import { readdirSync, readFileSync } from 'node:fs'

const TICK_MS = 10 // USER_HZ is 100 on Linux

/** utime + stime of one /proc stat line, in milliseconds (fields 14 and 15; the name in parentheses may hold spaces). */
const ticksOf = (stat: string): number => {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS
}

/**
 * Milliseconds a thread has spent runnable but waiting for a core so far (the second field of
 * /proc/<pid>/task/<tid>/schedstat, in ns); null where the kernel keeps no scheduler statistics.
 */
const runQueueWaitMs = (pid: number, tid: number): number | null => {
  try {
    const waited = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[1])
    return Number.isFinite(waited) ? waited / 1e6 : null
  } catch {
    return null
  }
}

/** `mainWait`: milliseconds the main thread was ready to run but every core was busy with other threads (null: unknown). */
export interface ProcessCpu { main: number, mainWait: number | null, others: number, threads: Map<string, number> }

/** CPU milliseconds used so far by a process's main thread and by its other live threads; null off Linux. */
export function processCpu (pid: number): ProcessCpu | null {
  try {
    let main = 0
    let others = 0
    const threads = new Map<string, number>()
    const mainWait = runQueueWaitMs(pid, pid)
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      let ms: number
      try { ms = ticksOf(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')) } catch { continue } // the thread ended
      if (Number(tid) === pid) { main += ms; continue }
      others += ms
      threads.set(tid, ms)
    }
    return { main, mainWait, others, threads }
  } catch {
    return null
  }
}

/** The machine's idle and total jiffies so far (first line of /proc/stat); null off Linux. */
export function machineTicks (): { idle: number, total: number } | null {
  try {
    const cpu = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number)
    return { idle: (cpu[3] ?? 0) + (cpu[4] ?? 0), total: cpu.reduce((a, b) => a + b, 0) }
  } catch {
    return null
  }
}

/**
 * Bytes a process has caused to be written to storage so far (write_bytes of /proc/<pid>/io: Linux counts a page of
 * the cache when the process dirties it, so the WAL's appends and the checkpoints' copies into the database file);
 * null when not readable.
 */
export function processWrittenBytes (pid: number): number | null {
  try {
    const m = /^write_bytes: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))
    return m === null ? null : Number(m[1])
  } catch {
    return null
  }
}

export interface CpuReport {
  mainUs: number
  /**
   * Time the main thread waited for a core per request (runnable, every core busy): what the machine's other threads
   * add to each turn of the event loop, and so to every request's latency, on top of its own work.
   */
  mainWaitUs: number | null
  othersUs: number
  /**
   * The other threads one by one, busiest first (Node 20 names them all "node"). Under scans, measured with perf: the
   * busiest is the SQLite scan thread, then libuv's four pool threads (ES256 and fsync) at about the same figure each,
   * then the checkpoint thread and V8's helpers (garbage collection).
   */
  threadsUs: number[]
  loadUs: number
  idle: number
  /** KiB the server wrote to storage per request (null when /proc/<pid>/io is not readable). */
  writtenKiB: number | null
}

/**
 * Measures `run` (which returns how many requests it completed): the server's CPU per request (main thread, other
 * threads), this process's own CPU per request (the load generator) and the machine's idle share meanwhile.
 */
export async function measureCpu<R> (pid: number, run: () => Promise<R>, count: (r: R) => number): Promise<{ result: R, cpu: CpuReport | null }> {
  const p0 = processCpu(pid)
  const w0 = processWrittenBytes(pid)
  const m0 = machineTicks()
  const l0 = process.cpuUsage()
  const result = await run()
  const l1 = process.cpuUsage(l0)
  const p1 = processCpu(pid)
  const w1 = processWrittenBytes(pid)
  const m1 = machineTicks()
  const n = count(result)
  if (p0 === null || p1 === null || m0 === null || m1 === null || n <= 0) return { result, cpu: null }
  return {
    result,
    cpu: {
      mainUs: (p1.main - p0.main) * 1000 / n,
      mainWaitUs: p0.mainWait === null || p1.mainWait === null ? null : (p1.mainWait - p0.mainWait) * 1000 / n,
      // Threads that ended during the run are missed; the server's threads live as long as it does.
      othersUs: Math.max(0, p1.others - p0.others) * 1000 / n,
      threadsUs: [...p1.threads.entries()].map(([tid, ms]) => Math.max(0, ms - (p0.threads.get(tid) ?? 0)) * 1000 / n).filter((us) => us >= 1).sort((a, b) => b - a),
      loadUs: (l1.user + l1.system) / n,
      idle: (m1.idle - m0.idle) / Math.max(1, m1.total - m0.total),
      writtenKiB: w0 === null || w1 === null ? null : (w1 - w0) / 1024 / n
    }
  }
}

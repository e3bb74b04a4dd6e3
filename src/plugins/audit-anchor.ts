// The audit chain's head outside the database: at start, every minute and at close, each copy appends the latest
// (seq, hash) it sees to GRIDPASS_AUDIT_ANCHOR_FILE (one JSON line per anchor, O_APPEND, 0600), shows it in /metrics
// and logs it ("audit anchor"; logs leave the machine). `npm run audit:verify` checks the chain against these lines:
// a log cut or rewritten after an anchor no longer holds the anchored entry.
import { chmodSync, closeSync, constants, existsSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'
import { dirname, resolve } from 'node:path'
import type { FastifyBaseLogger } from 'fastify'
import { Counter, Gauge, type Registry } from 'prom-client'

/** How often each copy anchors the head. */
export const ANCHOR_INTERVAL_MS = 60_000

export interface AnchorLine {
  seq: number
  hash: string
  /** When the anchor was written (ISO). */
  at: string
  /** Which copy wrote it: host and process id. */
  copy: string
}

export interface Anchor {
  /** Anchors the head now; null when the log is empty. */
  write: () => Promise<AnchorLine | null>
  /** The last anchor this copy wrote. */
  last: () => AnchorLine | null
  close: () => Promise<void>
}

interface Options {
  file: string
  head: () => Promise<{ seq: number, hash: string } | undefined>
  now: () => number
  log: FastifyBaseLogger
  metrics: Registry
  intervalMs?: number
}

/** Appends one line: created 0600 (its folder 0700 when this creates it), opened for each line so rotation works. */
export function appendAnchorLine (file: string, line: AnchorLine): void {
  const path = resolve(file)
  const dir = dirname(path)
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 })
  const fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o600)
  try {
    writeSync(fd, JSON.stringify(line) + '\n')
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  chmodSync(path, 0o600)
}

/** Writes the first anchor before it resolves: a file the service cannot write stops the start, naming the setting. */
export async function startAnchor ({ file, head, now, log, metrics, intervalMs = ANCHOR_INTERVAL_MS }: Options): Promise<Anchor> {
  const copy = `${hostname()}:${process.pid}`
  let last: AnchorLine | null = null
  const headSeq = new Gauge({ name: 'gridpass_audit_head_seq', help: 'The audit log\'s latest seq, as last anchored by this copy', registers: [metrics] })
  new Gauge({
    name: 'gridpass_audit_anchor_age_seconds',
    help: 'Seconds since this copy last wrote the audit anchor (GRIDPASS_AUDIT_ANCHOR_FILE); above two minutes something is wrong',
    registers: [metrics],
    collect () { if (last !== null) this.set(Math.max(0, (now() - Date.parse(last.at)) / 1000)) }
  })
  const failures = new Counter({ name: 'gridpass_audit_anchor_failures_total', help: 'Audit anchors that could not be written', registers: [metrics] })

  async function write (): Promise<AnchorLine | null> {
    const h = await head()
    if (h === undefined) return null
    const line: AnchorLine = { seq: h.seq, hash: h.hash, at: new Date(now()).toISOString(), copy }
    appendAnchorLine(file, line)
    last = line
    headSeq.set(line.seq)
    log.info({ seq: line.seq, hash: line.hash }, 'audit anchor')
    return line
  }

  try {
    await write()
  } catch (err) {
    throw new Error(`cannot write the audit anchor to ${resolve(file)} (GRIDPASS_AUDIT_ANCHOR_FILE): ${(err as Error).message}`, { cause: err })
  }

  // One write at a time: the timer's and close's.
  let running: Promise<unknown> = Promise.resolve()
  const tick = async (): Promise<void> => {
    const next = running.then(write).catch((err: unknown) => {
      failures.inc()
      log.error({ err, file: resolve(file) }, 'audit anchor failed')
    })
    running = next
    await next
  }
  const timer = setInterval(() => { void tick() }, intervalMs)
  timer.unref()
  let closed = false
  return {
    write: async () => {
      const next = running.then(write)
      running = next.catch(() => undefined)
      return next
    },
    last: () => last,
    close: async () => {
      if (closed) return
      closed = true
      clearInterval(timer)
      await tick()
    }
  }
}

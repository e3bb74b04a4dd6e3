// An open-loop load at a fixed rate, for latency at a given load. autocannon's `overallRate` is not that: each
// connection sends back to back until it has used its share of the second, then waits for the next second, so
// "half the maximum rate" arrives as full-speed bursts in the first half of every second. Here request i is due at
// start + i / rate; requests are sent when due (those due in the same millisecond together), over a pool of
// keep-alive connections, and each latency counts from when the request was due, not from when it could be sent,
// so a server that falls behind is charged for the queue it caused (no coordinated omission).
import http from 'node:http'

export interface PacedOptions {
  url: string
  path: string
  headers: Record<string, string>
  /** POST (the default) with body(), or GET without one; `headersFor` adds per-request headers (a rotating bearer). */
  method?: 'POST' | 'GET'
  body: () => string
  headersFor?: () => Record<string, string>
  /** Requests per second. */
  rate: number
  durationSeconds: number
  /** The most requests in flight at once (sockets); more that are due wait for a free one, and that wait counts. */
  maxInFlight: number
}

export interface PacedResult {
  sent: number
  ok: number
  non2xx: number
  errors: number
  /** Achieved completions per second. */
  rate: number
  latency: { p50: number, p99: number, max: number }
  /** How late requests left this process (its own event loop's delays), which the latencies include. */
  sendDelay: { p99: number, max: number }
}

export async function pacedLoad (opts: PacedOptions): Promise<PacedResult> {
  const { hostname, port } = new URL(opts.url)
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.maxInFlight })
  const total = Math.max(1, Math.round(opts.rate * opts.durationSeconds))
  const interval = 1000 / opts.rate
  const latencies: number[] = []
  const sendDelays: number[] = []
  let sent = 0
  let done = 0
  let ok = 0
  let non2xx = 0
  let errors = 0
  const start = performance.now()
  let end = start
  await new Promise<void>((resolve) => {
    const finished = (due: number): void => {
      latencies.push(performance.now() - due)
      if (++done === total) { end = performance.now(); resolve() }
    }
    const fire = (due: number): void => {
      sendDelays.push(performance.now() - due)
      const get = opts.method === 'GET'
      const body = get ? '' : opts.body()
      const headers = { ...opts.headers, ...(opts.headersFor?.() ?? {}), ...(get ? {} : { 'content-length': String(Buffer.byteLength(body)) }) }
      const req = http.request({ agent, hostname, port, path: opts.path, method: get ? 'GET' : 'POST', headers }, (res) => {
        if (res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300) ok++
        else non2xx++
        res.resume()
        res.on('end', () => { finished(due) })
      })
      req.on('error', () => { errors++; finished(due) })
      if (get) req.end(); else req.end(body)
    }
    const tick = (): void => {
      const due = Math.min(total, Math.floor((performance.now() - start) / interval) + 1)
      while (sent < due) fire(start + interval * sent++)
      if (sent < total) setTimeout(tick, 1)
    }
    tick()
  })
  agent.destroy()
  const quantile = (xs: number[]) => {
    xs.sort((a, b) => a - b)
    return (q: number): number => Math.round((xs[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? 0) * 10) / 10
  }
  const at = quantile(latencies)
  const late = quantile(sendDelays)
  return { sent, ok, non2xx, errors, rate: ok / ((end - start) / 1000), latency: { p50: at(0.5), p99: at(0.99), max: at(1) }, sendDelay: { p99: late(0.99), max: late(1) } }
}

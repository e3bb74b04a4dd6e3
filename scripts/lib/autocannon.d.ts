// The part of autocannon's programmatic API the benchmark uses (the package ships no types).
declare module 'autocannon' {
  interface Request { method?: string, path?: string, headers?: Record<string, string>, body?: string, setupRequest?: (req: Request, context: Record<string, unknown>) => Request, onResponse?: (status: number, body: string, context: Record<string, unknown>) => void }
  interface Histogram { average: number, mean: number, stddev: number, min: number, max: number, p50: number, p90: number, p97_5: number, p99: number, total: number }
  export interface Result {
    duration: number
    requests: Histogram
    latency: Histogram
    throughput: Histogram
    errors: number
    timeouts: number
    non2xx: number
    '2xx': number
  }
  interface Options {
    url: string
    connections?: number
    duration?: number
    amount?: number
    overallRate?: number
    pipelining?: number
    timeout?: number
    headers?: Record<string, string>
    method?: string
    requests?: Request[]
  }
  function autocannon (opts: Options): Promise<Result>
  export default autocannon
}

// A hot path's per-request read on PostgreSQL, gathered: the calls of one event-loop turn go out as one statement over
// arrays (unnest … WITH ORDINALITY), so the driver and the server pay one round trip, one bind and one execute for
// all of them instead of one each. At a county's scan rate that was most of both sides' CPU per scan.
import type pg from 'pg'

export interface BatchedReadOptions<A, Row, R> {
  /** The named statement (planned once per connection); unique per text. */
  name: string
  /**
   * One row per found argument, with `i`: the argument's 1-based position in the batch (the ordinality of the unnest,
   * as an integer). Positions without a row answer undefined.
   */
  text: string
  /** The statement's parameters for the arguments in order: one array per column. */
  values: (args: A[]) => unknown[]
  /** A row's answer; `arg` is the argument it was asked for. */
  row: (r: Row, arg: A) => R
  /** At most this many arguments per statement (more wait for the next). */
  maxBatch?: number
  /** At most this many statements at once: beyond it the queue grows and the next statement carries more. */
  maxInFlight?: number
}

interface Waiter<A, R> { arg: A, resolve: (r: R | undefined) => void, reject: (err: unknown) => void }

/** A read by one argument that costs one statement per event-loop turn, whatever the number of callers in it. */
export function batchedPgRead<A, Row extends { i: number }, R> (pool: pg.Pool, options: BatchedReadOptions<A, Row, R>): (arg: A) => Promise<R | undefined> {
  const { name, text, values, row, maxBatch = 500, maxInFlight = 4 } = options
  let queue: Array<Waiter<A, R>> = []
  let inFlight = 0
  let scheduled = false

  async function run (batch: Array<Waiter<A, R>>): Promise<void> {
    const { rows } = await pool.query<Row>({ name, text, values: values(batch.map((w) => w.arg)) })
    const answers = new Array<R | undefined>(batch.length)
    for (const r of rows) {
      const w = batch[r.i - 1]
      if (w !== undefined) answers[r.i - 1] = row(r, w.arg)
    }
    for (let k = 0; k < batch.length; k++) (batch[k] as Waiter<A, R>).resolve(answers[k])
  }

  function flush (): void {
    scheduled = false
    while (queue.length > 0 && inFlight < maxInFlight) {
      const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch)
      queue = queue.length <= maxBatch ? [] : queue.slice(maxBatch)
      inFlight++
      void run(batch)
        .catch((err: unknown) => { for (const w of batch) w.reject(err) })
        .finally(() => { inFlight--; if (queue.length > 0) schedule() })
    }
  }
  function schedule (): void {
    if (scheduled) return
    scheduled = true
    // The requests of this turn join before the statement leaves.
    setImmediate(flush)
  }

  return async (arg) => new Promise<R | undefined>((resolve, reject) => {
    queue.push({ arg, resolve, reject })
    schedule()
  })
}

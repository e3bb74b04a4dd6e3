// An offline scanner's queue judged as one request: items in order, slices in flight together, one answer per item.
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import { describeValidation } from '../../errors.ts'
import type { Session } from '../../types.ts'
import { checkScanItem } from './scans.schemas.ts'
import type { ScanAnswer, ScanInput, Source } from './scans.service.ts'

const BATCH_SLICE = 100
/** Slices judged at once: a slice waiting for its commit and fsync while the next is verified and read. */
const SLICES_IN_FLIGHT = 4
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export interface ItemError { id: string | null, error: { statusCode: number, code: string, message: string } }
type Judge = (actor: Session, input: ScanInput, source: Source, stop?: AbortSignal) => Promise<ScanAnswer>

/**
 * Judges every item; a bad one (400 shape, 403, 404, 409) gets {id, error} and never fails the others. An item that
 * fails with a 5xx (the database busy) fails the whole call: no item writes after that, and the call waits for the
 * writes already under way before it throws, so that when the scanner gets its answer nothing of its batch is still
 * being written (and none waits for the lock again).
 */
export async function judgeBatch (judge: Judge, actor: Session, items: unknown[]): Promise<Array<ScanAnswer | ItemError>> {
  // Aborted by the first item that fails; its reason is that failure (later aborts change nothing).
  const stop = new AbortController()
  const judgeItem = async (item: unknown, index: number): Promise<ScanAnswer | ItemError> => {
    const id = typeof item === 'object' && item !== null && typeof (item as { id?: unknown }).id === 'string' && UUID.test((item as { id: string }).id) ? (item as { id: string }).id : null
    if (!checkScanItem(item)) {
      return { id, error: { statusCode: 400, code: 'GP_VALIDATION', message: describeValidation(checkScanItem.errors ?? [], `body.scans[${index}]`) } }
    }
    try {
      return await judge(actor, item, 'batch', stop.signal)
    } catch (err) {
      const e = err as { statusCode?: number, code?: string, message: string }
      if (e.code?.startsWith('GP_') === true && (e.statusCode ?? 500) < 500) return { id, error: { statusCode: e.statusCode as number, code: e.code, message: e.message } }
      throw err
    }
  }
  // Slices, with a turn of the event loop between them: a 1000-item sync must not hold up the gates that scan live.
  // Up to SLICES_IN_FLIGHT at once: while one waits for its commit and fsync, the next is verified and read.
  const results: Array<ScanAnswer | ItemError> = new Array(items.length)
  const running = new Set<Promise<void>>()
  for (let i = 0; i < items.length && !stop.signal.aborted; i += BATCH_SLICE) {
    const slice: Promise<void> = Promise.all(items.slice(i, i + BATCH_SLICE).map(async (item, j) => {
      try { results[i + j] = await judgeItem(item, i + j) } catch (error) { stop.abort(error) }
    })).then(() => { running.delete(slice) })
    running.add(slice)
    if (running.size >= SLICES_IN_FLIGHT) await Promise.race(running)
    await yieldToLoop()
  }
  await Promise.all(running)
  if (stop.signal.aborted) throw stop.signal.reason
  return results
}

// HTTP for checkpoint scans: one at a time, and offline batches.
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { describeValidation } from '../../errors.ts'
import { bearer, errors } from '../common.schemas.ts'
import { BatchBody, BatchReply, ScanAnswer, ScanBody, checkScanItem } from './scans.schemas.ts'
import { createScansService } from './scans.service.ts'
import imageRoutes from './image.routes.ts'
import placesRoutes from '../places/places.routes.ts'

const BATCH_SLICE = 100
/** Slices judged at once: a slice waiting for its commit and fsync while the next is verified and read. */
const SLICES_IN_FLIGHT = 4
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export default async function scansRoutes (fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const scans = createScansService(fastify)
  const scanners = [app.authenticate, app.requireRole('volunteer', 'admin')]

  app.post('/v1/scans', {
    onRequest: scanners,
    schema: {
      tags: ['scans'], summary: 'Verify a scanned code and record it (volunteer assigned to the checkpoint, admin)', security: bearer,
      description: 'allow only when the person\'s colour now on the server is green. A token that fails verification is answered 200 deny with recorded:false and personId:null. Answered only after the scan is committed.',
      body: ScanBody, response: { 200: ScanAnswer, ...errors(400, 401, 403, 404, 409, 413, 415, 503) }
    }
  }, async (request) => scans.judge(request.user, request.body, 'scan'))

  app.post('/v1/scans/batch', {
    onRequest: scanners,
    bodyLimit: 4 * 1024 * 1024,
    schema: {
      tags: ['scans'], summary: 'Sync an offline scanner\'s queue: up to 1000 scans, one answer each, in order', security: bearer,
      description: 'Items with scannedAt are judged as of that time (offline:true); more than 7 days old (or older than GRIDPASS_RETENTION_DAYS when that is shorter) or in the future → deny clock_out_of_range. One bad item never fails the others: it gets {id, error}.',
      body: BatchBody, response: { 200: BatchReply, ...errors(400, 401, 403, 413, 415, 503) }
    }
  }, async (request) => {
    const judgeItem = async (item: unknown, index: number) => {
      const id = typeof item === 'object' && item !== null && typeof (item as { id?: unknown }).id === 'string' && UUID.test((item as { id: string }).id) ? (item as { id: string }).id : null
      if (!checkScanItem(item)) {
        return { id, error: { statusCode: 400, code: 'GP_VALIDATION', message: describeValidation(checkScanItem.errors ?? [], `body.scans[${index}]`) } }
      }
      try {
        return await scans.judge(request.user, item, 'batch', stop.signal)
      } catch (err) {
        const e = err as { statusCode?: number, code?: string, message: string }
        if (e.code?.startsWith('GP_') === true && (e.statusCode ?? 500) < 500) return { id, error: { statusCode: e.statusCode as number, code: e.code, message: e.message } }
        throw err
      }
    }
    // Slices, with a turn of the event loop between them: a 1000-item sync must not hold up the gates that scan live.
    // Up to SLICES_IN_FLIGHT at once: while one waits for its commit and fsync, the next is verified and read.
    // An item that fails with a 5xx (the database busy) fails the request: no item writes after that, and the answer
    // waits for the writes already under way, so that when the scanner gets it nothing of its batch is still being
    // written (and none waits for the lock again).
    const { scans: items } = request.body
    const results: Array<Awaited<ReturnType<typeof judgeItem>>> = new Array(items.length)
    // Aborted by the first item that fails; its reason is that failure (later aborts change nothing).
    const stop = new AbortController()
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
    return { results }
  })

  // Routes that record into the same trail share this service (one group-commit writer per app).
  await imageRoutes(fastify, scans)
  await placesRoutes(fastify, scans)
}

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
        return await scans.judge(request.user, item, 'batch')
      } catch (err) {
        const e = err as { statusCode?: number, code?: string, message: string }
        if (e.code?.startsWith('GP_') === true && (e.statusCode ?? 500) < 500) return { id, error: { statusCode: e.statusCode as number, code: e.code, message: e.message } }
        throw err
      }
    }
    // Slices, with a turn of the event loop between them: a 1000-item sync must not hold up the gates that scan live.
    const results = []
    for (let i = 0; i < request.body.scans.length; i += BATCH_SLICE) {
      results.push(...await Promise.all(request.body.scans.slice(i, i + BATCH_SLICE).map((item, j) => judgeItem(item, i + j))))
      await yieldToLoop()
    }
    return { results }
  })

  // Routes that record into the same trail share this service (one group-commit writer per app).
  await imageRoutes(fastify, scans)
  await placesRoutes(fastify, scans)
}

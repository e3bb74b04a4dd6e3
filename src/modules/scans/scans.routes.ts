// HTTP for checkpoint scans: one at a time, and offline batches.
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { bearer, errors } from '../common.schemas.ts'
import { BatchBody, BatchReply, ScanAnswer, ScanBody } from './scans.schemas.ts'
import type { ScansService } from './scans.service.ts'

export default async function scansRoutes (fastify: FastifyInstance, scans: ScansService): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
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
  }, async (request) => ({ results: await scans.judgeBatch(request.user, request.body.scans) }))
}

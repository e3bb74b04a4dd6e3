// HTTP for checkpoint scans: one at a time, offline batches, and ID cards typed in.
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { bearer, errors } from '../common.schemas.ts'
import { BatchBody, BatchReply, IdScanBody, ScanAnswer, ScanBody } from './scans.schemas.ts'
import type { ScansService } from './scans.service.ts'

/** ID numbers typed in per user per minute: far above a gate's pace, far below trying numbers to find people. */
export const ID_SCANS_PER_MINUTE = 30

export default async function scansRoutes (fastify: FastifyInstance, scans: ScansService): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const scanners = [app.authenticate, app.requireRole('volunteer', 'admin')]

  app.post('/v1/scans', {
    onRequest: scanners,
    schema: {
      tags: ['scans'], summary: 'Verify a scanned code and record it (volunteer assigned to the checkpoint, admin)', security: bearer,
      description: 'allow only when the person\'s colour now on the server is green. A token that fails verification is answered 200 deny with recorded:false and personId:null. Answered only after the scan is committed. ' +
        'Recorded at the server\'s receive time: a scannedAt further than GRIDPASS_CLOCK_SKEW_SECONDS from the server\'s clock → 400 GP_VALIDATION (send scans taken offline by POST /v1/scans/batch).',
      body: ScanBody, response: { 200: ScanAnswer, ...errors(400, 401, 403, 404, 409, 413, 415, 503) }
    }
  }, async (request) => scans.judge(request.user, request.body, 'scan'))

  app.post('/v1/scans/batch', {
    onRequest: scanners,
    bodyLimit: 4 * 1024 * 1024,
    schema: {
      tags: ['scans'], summary: 'Sync an offline scanner\'s queue: up to 1000 scans, one answer each, in order', security: bearer,
      description: 'Items with scannedAt are judged as of that time (offline:true); more than 7 days old (or older than GRIDPASS_RETENTION_DAYS when that is shorter) or ahead of the server\'s clock by more than GRIDPASS_CLOCK_SKEW_SECONDS → deny clock_out_of_range, recorded in no trail (only in the security log). One bad item never fails the others: it gets {id, error}.',
      body: BatchBody, response: { 200: BatchReply, ...errors(400, 401, 403, 413, 415, 503) }
    }
  }, async (request) => ({ results: await scans.judgeBatch(request.user, request.body.scans) }))

  app.post('/v1/scans/id', {
    onRequest: scanners,
    schema: {
      tags: ['scans'], summary: 'A person without a code shows an ID card: judge and record by the number typed in (volunteer assigned to the checkpoint, admin)', security: bearer,
      description: 'The answer of POST /v1/scans with kind "id": allow only when the person\'s colour now is green, recorded in the trail like a scan, answered after the commit. ' +
        'An unknown or invalid ID number → 200 deny unknown_person, recorded:false, personId:null: nothing enters any trail. ' +
        'Every look-up is audited (identity.scan) and shows in the person\'s access log. The same id with the same body → the first answer with duplicate:true; with another body → 409. ' +
        `At most ${ID_SCANS_PER_MINUTE} a minute per user → 429 GP_RATE_LIMITED.`,
      body: IdScanBody, response: { 200: ScanAnswer, ...errors(400, 401, 403, 404, 409, 415, 429, 503) }
    },
    // Keyed by the signed-in user (preHandler: after authentication): a volunteer cannot try ID numbers in bulk.
    config: { rateLimit: { max: ID_SCANS_PER_MINUTE, timeWindow: '1 minute', hook: 'preHandler', keyGenerator: (req) => `id-scan|${req.user.sub}` } }
  }, async (request) => scans.judgeId(request.user, request.body))
}

// The scans module's one door: checkpoint scans (one, a batch, a photo, an ID card typed in) judged and recorded in the trail; app.scans,
// its routes, and the scan thread started and stopped with the app.
import fp from 'fastify-plugin'
import { createScanQueries } from '../../db/scan-queries.ts'
import { createScansRepository } from './scans.repository.ts'
import { commitPhaseMetrics } from './scan-writer.ts'
import { scanCacheMetrics } from './scan-cache-metrics.ts'
import { createScansService, type ScanRow, type ScansService, type StoredScan } from './scans.service.ts'
import scansRoutes from './scans.routes.ts'
import imageRoutes from './image.routes.ts'

export type { ScanRow, ScansService, StoredScan }
declare module 'fastify' { interface FastifyInstance { scans: ScansService } }

export default fp(async (app) => {
  const scans = createScansService({
    queries: createScanQueries(app.store, { groupTimer: () => commitPhaseMetrics(app.metrics), cachedPeople: app.config.scanCachePeople, commitIntervalMs: app.config.commitIntervalMs, cacheCounter: (size) => scanCacheMetrics(app.metrics, size) }), repo: createScansRepository(app.store), checkpoints: app.checkpoints, status: app.status, people: app.people, users: app.users,
    keyring: app.keyring, es256: app.es256, pii: app.pii, config: app.config, log: app.log, metrics: app.metrics
  })
  app.decorate('scans', scans)
  app.addHook('onReady', async () => { await scans.ready() })
  app.addHook('onClose', async () => { await scans.close() })
  await scansRoutes(app, scans)
  await imageRoutes(app, scans)
}, { name: 'scans', dependencies: ['gp-db', 'gp-keys', 'gp-auth', 'gp-metrics', 'checkpoints', 'people', 'status'] })

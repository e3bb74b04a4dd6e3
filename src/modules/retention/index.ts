// The retention module's one door: the purge runs once the app is ready and then daily; app.retention.run() purges
// on demand.
import fp from 'fastify-plugin'
import { createRetentionService, type PurgeReport } from './retention.service.ts'

export type { PurgeReport }
declare module 'fastify' { interface FastifyInstance { retention: { run: () => Promise<PurgeReport> } } }

const DAILY_MS = 24 * 3_600_000

export default fp(async (app) => {
  const retention = createRetentionService({
    store: app.store, scans: app.scans, status: app.status, checkpoints: app.checkpoints, codes: app.codes, dashboard: app.dashboard, audit: app.audit, config: app.config, log: app.log, metrics: app.metrics
  })
  app.decorate('retention', { run: retention.run })

  const background = (): void => {
    // The service logs each run's report; only a failure is logged here.
    retention.run().catch((err: unknown) => { app.log.error({ err }, 'retention purge failed') })
  }
  let timer: NodeJS.Timeout | undefined
  app.addHook('onReady', async () => {
    // Started, not awaited: a long purge must not hold up the start.
    background()
    timer = setInterval(() => { if (!retention.busy()) background() }, DAILY_MS)
    timer.unref()
  })
  // onClose hooks run in reverse order of registration: this one runs before the database closes.
  app.addHook('onClose', async () => {
    clearInterval(timer)
    await retention.stop()
  })
}, { name: 'retention', dependencies: ['gp-db', 'gp-audit', 'gp-metrics', 'checkpoints', 'status', 'codes', 'scans', 'dashboard'] })

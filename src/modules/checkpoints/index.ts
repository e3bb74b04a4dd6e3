// The checkpoints module's one door: its repository and service built once, app.checkpoints, its routes.
import fp from 'fastify-plugin'
import { createCheckpointsRepository } from './checkpoints.repository.ts'
import { createCheckpointsService, type Checkpoint, type CheckpointsService } from './checkpoints.service.ts'
import checkpointsRoutes from './checkpoints.routes.ts'

export type { Checkpoint, CheckpointsService }
declare module 'fastify' { interface FastifyInstance { checkpoints: CheckpointsService } }

export default fp(async (app) => {
  const checkpoints = createCheckpointsService({ repo: createCheckpointsRepository(app.store), store: app.store, audit: app.audit, config: app.config, grids: app.grids })
  app.decorate('checkpoints', checkpoints)
  await checkpointsRoutes(app, checkpoints)
}, { name: 'checkpoints', dependencies: ['gp-db', 'gp-audit', 'gp-auth', 'grids'] })

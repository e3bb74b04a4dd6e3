// The ops module's one door: liveness, readiness and the OpenAPI document.
import fp from 'fastify-plugin'
import opsRoutes from './ops.routes.ts'

export default fp(async (app) => {
  await opsRoutes(app)
}, { name: 'ops', dependencies: ['gp-db'] })

// Liveness, readiness and the OpenAPI document.
import type { FastifyInstance } from 'fastify'

export default async function opsRoutes (app: FastifyInstance): Promise<void> {
  app.get('/healthz', { schema: { tags: ['operations'], summary: 'Liveness: the process answers' } }, async () => ({ status: 'ok' }))
  app.get('/readyz', { schema: { tags: ['operations'], summary: 'Readiness: the database answers' } }, async (request, reply) => {
    try {
      await app.store.ping()
      return { status: 'ready', database: app.store.dialect }
    } catch (err) {
      request.log.error({ err }, 'database not reachable')
      return reply.code(503).send({ statusCode: 503, code: 'GP_UNAVAILABLE', error: 'Service Unavailable', message: 'database not reachable' })
    }
  })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}

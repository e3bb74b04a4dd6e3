// Prometheus metrics: one registry per app (tests build many), request counts and latency by route.
import fp from 'fastify-plugin'
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { labelledSeries } from '../lib/metric-series.ts'

declare module 'fastify' {
  interface FastifyInstance { metrics: Registry }
}

export default fp(async (app) => {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'gridpass_' })
  const requests = new Counter({ name: 'gridpass_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'], registers: [registry] })
  const duration = new Histogram({
    name: 'gridpass_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry]
  })
  app.decorate('metrics', registry)
  const counterOf = labelledSeries(requests)
  const timerOf = labelledSeries(duration)
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, never the URL: URLs carry person ids.
    const route = request.routeOptions.url ?? 'unmatched'
    const { method } = request
    counterOf({ method, route, status: reply.statusCode }).inc()
    timerOf({ method, route }).observe(reply.elapsedTime / 1000)
  })
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('content-type', registry.contentType)
    return registry.metrics()
  })
}, { name: 'gp-metrics' })

// Prometheus metrics: one registry per app (tests build many), request counts and latency by route.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { Registry, collectDefaultMetrics } from 'prom-client'
import { counterSeries, SeriesHistogram } from '../lib/metric-series.ts'
import { Forbidden, Unauthenticated } from '../errors.ts'

declare module 'fastify' {
  interface FastifyInstance { metrics: Registry }
}

export default fp(async (app) => {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'gridpass_' })
  // Counted in plain numbers, handed to prom-client at each scrape (src/lib/metric-series.ts).
  const counterOf = counterSeries<{ method: string, route: string, status: number }>({ name: 'gridpass_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'], registers: [registry] })
  const duration = new SeriesHistogram<{ method: string, route: string }>({
    name: 'gridpass_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry]
  })
  app.decorate('metrics', registry)
  const observe = (method: string, route: string, reply: FastifyReply): void => {
    counterOf({ method, route, status: reply.statusCode }).inc()
    duration.labels({ method, route }).observe(reply.elapsedTime / 1000)
  }
  // Labelled by the route pattern, never the URL (URLs carry person ids). Each route gets an onResponse hook of its own
  // that knows its pattern (request.routeOptions builds an object of twelve fields at every read); answers no route
  // matched count as 'unmatched'. Routes added before this plugin get none: it is registered first (app.ts).
  // Callback form: no promise per request.
  app.addHook('onRoute', (route) => {
    const url = route.url
    const hook = (request: FastifyRequest, reply: FastifyReply, done: () => void): void => { observe(request.method, url, reply); done() }
    route.onResponse = route.onResponse === undefined ? hook : [...[route.onResponse].flat(), hook]
  })
  app.addHook('onResponse', (request, reply, done) => {
    if (request.is404) observe(request.method, 'unmatched', reply)
    done()
  })
  // The figures (request rates, four-eyes reds, the audit head) are for the operator's Prometheus only: a bearer token
  // (GRIDPASS_METRICS_TOKEN), compared in constant time; unset, the endpoint is closed rather than open.
  const expected = app.config.metricsToken === undefined ? undefined : createHash('sha256').update(app.config.metricsToken).digest()
  const requireMetricsToken = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (expected === undefined) throw new Forbidden('/metrics is closed: set GRIDPASS_METRICS_TOKEN (16 characters or more) and have Prometheus send it as Authorization: Bearer <token>')
    const header = request.headers.authorization
    const given = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : ''
    if (timingSafeEqual(createHash('sha256').update(given).digest(), expected)) return
    void reply.header('www-authenticate', 'Bearer realm="metrics"')
    throw new Unauthenticated('/metrics needs Authorization: Bearer <GRIDPASS_METRICS_TOKEN>')
  }
  app.get('/metrics', { onRequest: requireMetricsToken, schema: { hide: true } }, async (_request, reply) => {
    reply.header('content-type', registry.contentType)
    return registry.metrics()
  })
}, { name: 'gp-metrics' })

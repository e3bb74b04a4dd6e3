// buildApp(config): the error and 404 handlers, the infrastructure plugins, then every module, in one readable list.
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify'
import cors from '@fastify/cors'
import sensible from '@fastify/sensible'
import underPressure from '@fastify/under-pressure'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { DestinationStream } from 'pino'
import type { Config } from './config.ts'
import { createBodyAjv, createTextAjv } from './lib/ajv.ts'
import { securityHeaders } from './lib/security-headers.ts'
import { requestLoggerFactory } from './lib/request-logger.ts'
import { plainUnionSerializers } from './lib/serializer.ts'
import { transientDbError, type DbOptions } from './db/index.ts'
import { ErrorBody, FASTIFY_CODES, NotFound, PUBLIC_5XX_CODES, STATUS_TEXT, describeValidation } from './errors.ts'
import dbPlugin from './plugins/db.ts'
import keysPlugin from './plugins/keys.ts'
import authPlugin from './plugins/auth.ts'
import auditPlugin from './plugins/audit.ts'
import metricsPlugin from './plugins/metrics.ts'
import rateLimitPlugin from './plugins/rate-limit.ts'
import pagesPlugin from './plugins/pages.ts'
import ops from './modules/ops/index.ts'
import grids from './modules/grids/index.ts'
import checkpoints from './modules/checkpoints/index.ts'
import people from './modules/people/index.ts'
import auth from './modules/auth/index.ts'
import users from './modules/users/index.ts'
import changes from './modules/changes/index.ts'
import status from './modules/status/index.ts'
import codes from './modules/codes/index.ts'
import statusList from './modules/statuslist/index.ts'
import scans from './modules/scans/index.ts'
import places from './modules/places/index.ts'
import tracing from './modules/tracing/index.ts'
import cases from './modules/cases/index.ts'
import audit from './modules/audit/index.ts'
import retention from './modules/retention/index.ts'
import areas from './modules/areas/index.ts'
import households from './modules/households/index.ts'
import dependents from './modules/dependents/index.ts'
import screening from './modules/screening/index.ts'
import imports from './modules/imports/index.ts'
import dashboard from './modules/dashboard/index.ts'
import teams from './modules/teams/index.ts'
import './types.ts'

export interface BuildOptions {
  dbOptions?: DbOptions
  /** Where logs go (tests capture them to prove nothing personal is logged). */
  logStream?: DestinationStream
}

function loggerOptions (config: Config, stream?: DestinationStream): FastifyServerOptions['logger'] {
  if (!config.logger && stream === undefined) return false
  return {
    level: config.logLevel,
    ...(stream !== undefined ? { stream } : {}),
    // Never log tokens, names, ID numbers or phones, wherever they appear.
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.token', '*.accessToken', '*.password', '*.phone', '*.idNumber', '*.devCode'],
      censor: '[redacted]'
    },
    serializers: {
      req (req) {
        // Query strings can carry an ID number (GET /v1/people?idNumber=): keep the names, drop the values.
        const [path, query] = String(req.url).split('?', 2)
        const keys = query === undefined ? '' : '?' + [...new URLSearchParams(query).keys()].map((k) => `${k}=*`).join('&')
        return { method: req.method, url: `${path}${keys}`, remoteAddress: req.ip }
      }
    }
  }
}

/**
 * One access-log line per request, when it is answered, with the request in it: not Fastify's two ("incoming request"
 * and "request completed"). At a county's scan rate that halves the log and its cost.
 */
class AccessLog extends LogController {
  override incomingRequest (): void {}
  override requestCompleted (error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return
    if (error !== null && error !== undefined) reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored')
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed')
  }
}

/**
 * Fastify's trustProxy from GRIDPASS_TRUST_PROXY. Addresses and CIDRs are passed as they are. A hop count n trusts the
 * n nearest hops whoever they are (Fastify 5 itself ignores a bare number): right only when the service can be reached
 * through those proxies alone, so docs/operations.md recommends the proxies' addresses.
 */
function trustProxyOption (value: Config['trustProxy']): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof value !== 'number') return value
  return (_address, hop) => hop < value
}

export async function buildApp (config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(config, options.logStream),
    bodyLimit: 1024 * 1024,
    // GRIDPASS_TRUST_PROXY: only the listed proxies' X-Forwarded-For sets request.ip (and so every per-address limit).
    trustProxy: trustProxyOption(config.trustProxy),
    return503OnClosing: true,
    forceCloseConnections: true,
    logController: new AccessLog(),
    // Each request's logger is made when it first logs (src/lib/request-logger.ts), not for every request.
    childLoggerFactory: requestLoggerFactory,
    // Answers are serialized from copies of the route schemas whose string-or-null unions are said plainly: no Ajv run
    // per union branch for every answer (src/lib/serializer.ts). The OpenAPI document keeps the schemas as written.
    schemaController: { compilersFactory: { buildSerializer: plainUnionSerializers() } }
  })
  app.decorate('config', config)

  // Bodies: no coercion, no silent dropping. Query strings and params arrive as text and are coerced.
  const bodyAjv = createBodyAjv()
  const textAjv = createTextAjv()
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : textAjv).compile(schema))
  // JSON only: text/plain would otherwise be parsed as a string and reach the schema.
  app.removeContentTypeParser('text/plain')
  app.addSchema(ErrorBody)

  // One error shape for everything.
  app.setErrorHandler((err, request, reply) => {
    const e = err as Error & { code?: string, statusCode?: number, validation?: Parameters<typeof describeValidation>[0], validationContext?: string }
    let statusCode = e.statusCode ?? 500
    let code = e.code ?? ''
    let message = e.message
    if (e.validation !== undefined) {
      statusCode = 400
      code = 'GP_VALIDATION'
      message = describeValidation(e.validation, e.validationContext ?? 'body')
    } else if (FASTIFY_CODES[code] !== undefined) {
      ({ code, statusCode } = FASTIFY_CODES[code] as { code: string, statusCode: number })
    } else if (!code.startsWith('GP_') && statusCode < 500) {
      code = statusCode === 429 ? 'GP_RATE_LIMITED' : statusCode === 404 ? 'GP_NOT_FOUND' : 'GP_VALIDATION'
    }
    if (statusCode >= 500 && transientDbError(err)) {
      // Another connection held a lock past GRIDPASS_DB_LOCK_TIMEOUT_MS (a long write, a checkpoint, a migration):
      // the transaction was rolled back, and a retry will do (scans and batches are idempotent on their ids).
      request.log.warn({ err, reqId: request.id }, 'database busy')
      statusCode = 503
      code = 'GP_UNAVAILABLE'
      message = 'the database is busy; retry in a moment'
      void reply.header('retry-after', '1')
    } else if (statusCode >= 500 && PUBLIC_5XX_CODES.has(code)) {
      request.log.warn({ err, reqId: request.id }, 'request refused')
    } else if (statusCode >= 500) {
      request.log.error({ err, reqId: request.id }, 'request failed')
      code = statusCode === 503 ? 'GP_UNAVAILABLE' : 'GP_INTERNAL'
      message = statusCode === 503 ? 'the service is not available right now' : 'internal error'
    }
    void reply.code(statusCode).send({ statusCode, code, error: STATUS_TEXT[statusCode] ?? 'Error', message })
  })
  app.setNotFoundHandler((request) => { throw new NotFound(`no route ${request.method} ${request.url.split('?')[0]}`) })

  // Infrastructure. The metrics first: they hook every route added after them (src/plugins/metrics.ts).
  await app.register(metricsPlugin)
  await app.register(underPressure, {
    maxEventLoopDelay: config.maxEventLoopDelayMs,
    pressureHandler: (_req, reply) => {
      void reply.code(503).send({ statusCode: 503, code: 'GP_OVERLOADED', error: 'Service Unavailable', message: 'the service is overloaded; retry shortly' })
    }
  })
  // helmet's security headers are the same for every response: computed once at start, set with one call.
  app.addHook('onRequest', securityHeaders())
  // CORS is closed everywhere but on the public key set, which opens it in its own route config for other cities'
  // verifiers. Routes that say nothing are marked closed (config.cors false) as they are added: the plugin then skips
  // them at once, instead of merging its options into a new object for every request to find CORS off.
  app.addHook('onRoute', (route) => {
    const config = route.config as (typeof route.config & { cors?: unknown }) | undefined
    if (config?.cors === undefined) route.config = { ...config, cors: false } as typeof route.config
  })
  await app.register(cors, { origin: false })
  await app.register(sensible)
  await app.register(swagger, {
    openapi: {
      info: { title: 'gridpass', version: '1', description: 'Health-code issuance and checkpoint verification. The contract is shared/API.md; this document is generated from the route schemas.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } }
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) }
  })
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true })
  await app.register(dbPlugin, { dbOptions: options.dbOptions })
  // Every route's config.rateLimit counts in the database, shared by all copies (before any route is added).
  await app.register(rateLimitPlugin)
  await app.register(keysPlugin)
  await app.register(authPlugin)
  await app.register(auditPlugin)

  // Modules: each builds its service once from the services before it (its fastify-plugin dependencies), decorates
  // app.<domain> and registers its routes. A new endpoint goes into its module; a new module is one line here.
  for (const module of [
    ops, grids, areas, checkpoints, people, households, auth, users, changes, status, codes, dependents, statusList, scans, places,
    tracing, cases, screening, imports, dashboard, teams, audit, retention
  ]) {
    await app.register(module)
  }
  await app.register(pagesPlugin)

  return app
}

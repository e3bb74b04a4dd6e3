// HTTP-level behaviour every client relies on: the error shape, content types, body limits, ops endpoints, 5xx hygiene.
import { sql } from 'drizzle-orm'
import Fastify from 'fastify'
import { pino } from 'pino'
import t from 'tap'
import { requestLoggerFactory } from '../src/lib/request-logger.ts'
import { eachDb, bearerOf, makeCtx, METRICS_AUTH, nextPhone, type Ctx, type Test as Tap } from './helper.ts'

type Res = Awaited<ReturnType<Ctx['inject']>>

function isGpError (t: Tap, res: Res, statusCode: number, code: string): Record<string, unknown> {
  t.equal(res.statusCode, statusCode, res.body)
  t.match(res.headers['content-type'], /^application\/json/)
  const body = res.json() as Record<string, unknown>
  t.same(Object.keys(body).sort(), ['code', 'error', 'message', 'statusCode'], 'exactly the public error fields')
  t.equal(body.statusCode, statusCode)
  t.equal(body.code, code)
  t.type(body.error, 'string')
  t.type(body.message, 'string')
  return body
}

/** What a 5xx must never reveal. */
function noDetails (t: Tap, res: Res): void {
  const text = res.body
  for (const leak of [/at .*\.ts:\d+/, /node_modules/, /SELECT|INSERT|UPDATE|FROM /i, /sqlite|postgres|drizzle/i, /people/, /stack/i]) {
    t.notMatch(text, leak, `no ${String(leak)} in the 5xx body`)
  }
}

eachDb('unknown routes → 404 GP_NOT_FOUND in the one error shape', async (t, ctx) => {
  const res = await ctx.inject({ method: 'GET', url: '/v1/nothing-here?idNumber=420581199001011234' })
  const body = isGpError(t, res, 404, 'GP_NOT_FOUND')
  t.equal(body.error, 'Not Found')
  t.match(body.message, '/v1/nothing-here')
  t.notMatch(body.message, /420581/, 'the query string is not echoed')
  const wrongMethod = await ctx.inject({ method: 'DELETE', url: '/v1/me/profile' })
  isGpError(t, wrongMethod, 404, 'GP_NOT_FOUND')
})

eachDb('request bodies: JSON only, parsed strictly, at most 1 MiB', async (t, ctx) => {
  const phone = nextPhone()
  const text = await ctx.inject({ method: 'POST', url: '/v1/auth/otp', headers: { 'content-type': 'text/plain' }, payload: JSON.stringify({ phone }) })
  isGpError(t, text, 415, 'GP_UNSUPPORTED_MEDIA_TYPE')
  const form = await ctx.inject({ method: 'POST', url: '/v1/auth/otp', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `phone=${phone}` })
  isGpError(t, form, 415, 'GP_UNSUPPORTED_MEDIA_TYPE')

  const broken = await ctx.inject({ method: 'POST', url: '/v1/auth/otp', headers: { 'content-type': 'application/json' }, payload: '{"phone": "1380013' })
  isGpError(t, broken, 400, 'GP_VALIDATION')
  const empty = await ctx.inject({ method: 'POST', url: '/v1/auth/otp', headers: { 'content-type': 'application/json' }, payload: '' })
  isGpError(t, empty, 400, 'GP_VALIDATION')

  const big = await ctx.inject({ method: 'POST', url: '/v1/auth/otp', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ phone, pad: 'x'.repeat(1024 * 1024) }) })
  const tooLarge = isGpError(t, big, 413, 'GP_PAYLOAD_TOO_LARGE')
  t.equal(tooLarge.error, 'Payload Too Large')

  const extra = await ctx.inject({ method: 'POST', url: '/v1/auth/otp', payload: { phone, sneaky: true } })
  const extraBody = isGpError(t, extra, 400, 'GP_VALIDATION')
  t.match(extraBody.message, /sneaky/, 'the unknown field is named')

  const numeric = await ctx.inject({ method: 'POST', url: '/v1/auth/otp', payload: { phone: Number(phone) } })
  const numericBody = isGpError(t, numeric, 400, 'GP_VALIDATION')
  t.match(numericBody.message, /phone/, 'the field with the wrong type is named')
  t.match(numericBody.message, /string/)

  const missing = await ctx.inject({ method: 'POST', url: '/v1/auth/otp', payload: {} })
  t.match(isGpError(t, missing, 400, 'GP_VALIDATION').message, /phone/)

  // No coercion the other way either: a boolean field does not accept "true".
  const r = await ctx.resident()
  const decl = await ctx.inject({ method: 'POST', url: '/v1/me/declarations', headers: bearerOf(r.token), payload: { temperature: '36.5', symptoms: [], visitedHighRiskArea: false, contactWithConfirmed: false } })
  t.match(isGpError(t, decl, 400, 'GP_VALIDATION').message, /temperature/)

  // After all that, a correct request still works.
  const ok = await ctx.inject({ method: 'POST', url: '/v1/auth/otp', payload: { phone } })
  t.equal(ok.statusCode, 202, ok.body)
})

eachDb('auth errors use the same shape', async (t, ctx) => {
  const none = await ctx.inject({ method: 'GET', url: '/v1/me/status' })
  isGpError(t, none, 401, 'GP_UNAUTHENTICATED')
  const garbage = await ctx.inject({ method: 'GET', url: '/v1/me/status', headers: { authorization: 'Bearer not.a.token' } })
  isGpError(t, garbage, 401, 'GP_UNAUTHENTICATED')
  const staff = await ctx.staff('volunteer')
  const wrongRole = await ctx.inject({ method: 'GET', url: '/v1/me/status', headers: bearerOf(staff) })
  isGpError(t, wrongRole, 403, 'GP_FORBIDDEN')
})

eachDb('operations endpoints', async (t, ctx) => {
  const health = await ctx.inject({ method: 'GET', url: '/healthz' })
  t.equal(health.statusCode, 200)
  const ready = await ctx.inject({ method: 'GET', url: '/readyz' })
  t.equal(ready.statusCode, 200)
  t.match(ready.json(), { status: 'ready' })

  await ctx.inject({ method: 'GET', url: '/v1/nowhere' })
  const metrics = await ctx.inject({ method: 'GET', url: '/metrics', headers: METRICS_AUTH })
  t.equal(metrics.statusCode, 200)
  t.match(metrics.headers['content-type'], /^text\/plain/)
  t.match(metrics.body, /# TYPE gridpass_http_requests_total counter/)
  t.match(metrics.body, /gridpass_http_requests_total\{method="GET",route="\/healthz",status="200"\} 1/)
  t.match(metrics.body, /gridpass_http_request_duration_seconds_bucket/)
  t.notMatch(metrics.body, /\/v1\/nowhere/, 'unmatched URLs are not labels')
  t.match(metrics.body, /gridpass_http_requests_total\{method="GET",route="unmatched",status="404"\} 1/, '… they count as unmatched')
  t.match(metrics.body, /gridpass_http_request_duration_seconds_count\{method="GET",route="\/readyz"\} 1/, 'the latency by route')
  await ctx.inject({ method: 'GET', url: '/docs/' })
  await ctx.inject({ method: 'GET', url: `/v1/people/${'x'.repeat(22)}/trail`, headers: METRICS_AUTH })
  const again = (await ctx.inject({ method: 'GET', url: '/metrics', headers: METRICS_AUTH })).body
  t.match(again, /gridpass_http_requests_total\{method="GET",route="\/metrics",status="200"\} 1/, 'the scrape before is counted')
  t.match(again, /gridpass_http_requests_total\{method="GET",route="\/docs\/?",status="\d+"\} 1/, 'the API documentation\'s routes too')
  t.match(again, /gridpass_http_requests_total\{method="GET",route="\/v1\/people\/:personId\/trail",status="401"\} 1/, 'a route with an id: its pattern, whatever the answer')

  const openapi = await ctx.inject({ method: 'GET', url: '/openapi.json' })
  t.equal(openapi.statusCode, 200)
  const doc = openapi.json()
  t.match(doc.openapi, /^3\./)
  for (const path of ['/v1/me/code', '/v1/me/profile', '/v1/people', '/v1/audit', '/v1/me/access-log', '/v1/auth/otp']) {
    t.ok(doc.paths[path], `OpenAPI documents ${path}`)
  }

  let docs = await ctx.inject({ method: 'GET', url: '/docs' })
  for (let hops = 0; docs.statusCode >= 300 && docs.statusCode < 400 && hops < 3; hops++) {
    docs = await ctx.inject({ method: 'GET', url: new URL(String(docs.headers.location), 'http://localhost/docs').pathname })
  }
  t.equal(docs.statusCode, 200)
  t.match(docs.headers['content-type'], /text\/html/)
})

eachDb('a database failure → 500 GP_INTERNAL without details, and the process keeps serving', async (t, ctx) => {
  const r = await ctx.resident()
  const before = await ctx.inject({ method: 'GET', url: '/v1/me/status', headers: bearerOf(r.token) })
  t.equal(before.statusCode, 200, before.body)
  // Break the schema under the running app: every query on people now fails in the driver.
  const store = ctx.app.store
  const rename = sql`ALTER TABLE people RENAME TO people_moved`
  if (store.dialect === 'sqlite') store.db.run(rename)
  else await store.rows(store.db, rename)
  const res = await ctx.inject({ method: 'GET', url: '/v1/me/status', headers: bearerOf(r.token) })
  const body = isGpError(t, res, 500, 'GP_INTERNAL')
  t.equal(body.error, 'Internal Server Error')
  t.equal(body.message, 'internal error')
  noDetails(t, res)
  const health = await ctx.inject({ method: 'GET', url: '/healthz' })
  t.equal(health.statusCode, 200, 'still alive')
  const back = sql`ALTER TABLE people_moved RENAME TO people`
  if (store.dialect === 'sqlite') store.db.run(back)
  else await store.rows(store.db, back)
  const after = await ctx.inject({ method: 'GET', url: '/v1/me/status', headers: bearerOf(r.token) })
  t.equal(after.statusCode, 200, 'recovers once the database does')
})

t.test('a closed database → 5xx without details; /healthz still 200, /readyz 503', async (t) => {
  const ctx = await makeCtx(t, 'sqlite')
  const r = await ctx.resident()
  await ctx.app.store.close()
  const res = await ctx.inject({ method: 'GET', url: '/v1/me/status', headers: bearerOf(r.token) })
  t.ok(res.statusCode === 500 || res.statusCode === 503, `5xx: ${res.body}`)
  const body = isGpError(t, res, res.statusCode, res.statusCode === 503 ? 'GP_UNAVAILABLE' : 'GP_INTERNAL')
  t.notMatch(String(body.message), /database connection is not open/)
  noDetails(t, res)
  const write = await ctx.inject({ method: 'POST', url: '/v1/me/declarations', headers: bearerOf(r.token), payload: { temperature: 36.5, symptoms: [], visitedHighRiskArea: false, contactWithConfirmed: false } })
  t.ok(write.statusCode >= 500, `a write fails too: ${write.statusCode}`)
  noDetails(t, write)
  const health = await ctx.inject({ method: 'GET', url: '/healthz' })
  t.equal(health.statusCode, 200)
  const ready = await ctx.inject({ method: 'GET', url: '/readyz' })
  isGpError(t, ready, 503, 'GP_UNAVAILABLE')
  noDetails(t, ready)
})

eachDb('security headers: a short set on API answers and their errors, helmet\'s on pages; CORS closed except on the key set', async (t, ctx) => {
  const r = await ctx.resident()
  const origin = { origin: 'https://elsewhere.example.org' }
  for (const [url, headers] of [['/v1/me/status', bearerOf(r.token)], ['/v1/nothing-here', {}], ['/healthz', {}]] as const) {
    const res = await ctx.inject({ method: 'GET', url, headers: { ...headers, ...origin } })
    t.equal(res.headers['x-content-type-options'], 'nosniff', `${url}: nosniff`)
    t.equal(res.headers['content-security-policy'], "default-src 'none';frame-ancestors 'none'", `${url}: loads nothing, framed by no one`)
    t.equal(res.headers['x-frame-options'], 'DENY', `${url}: no framing (older browsers)`)
    t.equal(res.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains', `${url}: HSTS`)
    t.equal(res.headers['cross-origin-resource-policy'], 'same-origin', `${url}: not read by another site's page`)
    t.equal(res.headers['referrer-policy'], 'no-referrer', `${url}: no referrer`)
    t.equal(res.headers['x-dns-prefetch-control'], undefined, `${url}: none of a page's headers`)
    t.equal(res.headers['access-control-allow-origin'], undefined, `${url}: no CORS for other origins`)
  }
  for (const url of ['/h5/', '/nothing-here']) {
    const res = await ctx.inject({ method: 'GET', url, headers: origin })
    t.equal(res.headers['x-content-type-options'], 'nosniff', `${url}: nosniff`)
    t.equal(res.headers['x-frame-options'], 'SAMEORIGIN', `${url}: no framing by others`)
    t.match(String(res.headers['content-security-policy']), /default-src 'self'.*script-src 'self' 'wasm-unsafe-eval'/, `${url}: the pages' CSP`)
    t.equal(res.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains', `${url}: HSTS`)
    t.equal(res.headers['access-control-allow-origin'], undefined, `${url}: no CORS for other origins`)
  }
  const preflight = await ctx.inject({ method: 'OPTIONS', url: '/v1/scans', headers: { ...origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' } })
  t.equal(preflight.headers['access-control-allow-origin'], undefined, 'no preflight approved for the API')
  t.equal(preflight.headers['access-control-allow-methods'], undefined)
  const jwks = await ctx.inject({ method: 'GET', url: '/.well-known/jwks.json', headers: origin })
  t.equal(jwks.headers['access-control-allow-origin'], '*', 'the public key set is open to every origin')
  t.equal(jwks.headers['x-content-type-options'], 'nosniff')
  t.equal(jwks.headers['content-security-policy'], "default-src 'none';frame-ancestors 'none'", 'with the API\'s headers')
})

t.test('one access-log line per request, when it is answered: method, path without query values, status, time', async (t) => {
  const lines: string[] = []
  const ctx = await makeCtx(t, 'sqlite', { config: { logger: true, logLevel: 'info' }, build: { logStream: { write (line: string) { lines.push(line) } } } })
  const phone = nextPhone()
  lines.length = 0
  t.equal((await ctx.inject({ method: 'GET', url: '/healthz' })).statusCode, 200)
  t.equal((await ctx.inject({ method: 'GET', url: '/v1/people?idNumber=420581199001011234&purpose=case-1' })).statusCode, 401)
  t.equal((await ctx.inject({ method: 'POST', url: '/v1/auth/otp', payload: { phone: `${phone}9` } })).statusCode, 400)
  const entries = lines.map((l) => JSON.parse(l) as { msg: string, level: number, req?: { method: string, url: string }, res?: { statusCode: number }, responseTime?: number })
  t.same(entries.map((e) => [e.msg, e.level, e.req?.method, e.req?.url, e.res?.statusCode]), [
    ['request completed', 30, 'GET', '/healthz', 200],
    ['request completed', 30, 'GET', '/v1/people?idNumber=*&purpose=*', 401],
    ['request completed', 30, 'POST', '/v1/auth/otp', 400]
  ], 'three requests, three lines (no separate "incoming request" line), the query values hidden')
  for (const e of entries) t.ok(typeof e.responseTime === 'number' && e.responseTime >= 0, 'with the time it took')
  const ids = lines.map((l) => (JSON.parse(l) as { reqId?: unknown }).reqId)
  t.ok(ids.every((id) => typeof id === 'string' && id !== ''), 'each line carries its request id')
  t.equal(new Set(ids).size, 3, 'one id per request')
  t.notOk(lines.join('').includes(phone), 'no phone number in the log')
})

t.test("a request's logger is made when it first writes: the same lines as pino's child, none made for silent levels", async (t) => {
  const lines: string[] = []
  const parent = pino({ level: 'warn', redact: ['secret'] }, { write (line: string) { lines.push(line) } })
  let made = 0
  const child = parent.child.bind(parent)
  parent.child = ((...args: Parameters<typeof parent.child>) => { made++; return child(...args) }) as typeof parent.child
  const log = requestLoggerFactory(parent, { reqId: 'req-1' }, {})
  log.info({ a: 1 }, 'not written at warn')
  log.debug('nor this')
  t.equal(made, 0, 'levels below warn make no child')
  log.warn({ secret: 'x', n: 2 }, 'written %s', 'once')
  log.error(new Error('boom'))
  t.equal(made, 1, 'the first enabled call makes the child; later calls reuse it')
  const [first, second] = lines.map((l) => JSON.parse(l) as Record<string, unknown>)
  t.match(first, { level: 40, reqId: 'req-1', n: 2, secret: '[Redacted]', msg: 'written once' }, 'bindings, redaction and format as pino writes them')
  t.match(second, { level: 50, reqId: 'req-1', err: { message: 'boom' } }, 'an error logged with its request id')
  t.equal(log.level, 'warn', 'the level is the parent\'s')
  const quiet = requestLoggerFactory(parent, { reqId: 'req-2' }, { level: 'error' })
  quiet.warn('below this route\'s own level')
  t.equal(lines.length, 2, "a route's own logLevel is kept")
  quiet.error('at it')
  t.equal(lines.length, 3)
  const off = Fastify({ logger: false }).log
  t.equal(requestLoggerFactory(off, { reqId: 'r' }, {}), off, 'with logging off, the no-op logger itself')
})

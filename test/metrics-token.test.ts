// GET /metrics answers only Prometheus holding GRIDPASS_METRICS_TOKEN; without the token configured it is closed.
import { eachDb, bearerOf, METRICS_AUTH, METRICS_TOKEN } from './helper.ts'

eachDb('GET /metrics needs Authorization: Bearer <GRIDPASS_METRICS_TOKEN>', async (t, ctx) => {
  const ok = await ctx.inject({ method: 'GET', url: '/metrics', headers: METRICS_AUTH })
  t.equal(ok.statusCode, 200, ok.body)
  t.match(ok.body, /# TYPE gridpass_http_requests_total counter/)

  const refused = {
    'no Authorization header': {},
    'a wrong token': bearerOf('not-the-metrics-token-at-all'),
    'the token with one character more': bearerOf(`${METRICS_TOKEN}x`),
    'the token without the Bearer scheme': { authorization: METRICS_TOKEN },
    'Basic scheme': { authorization: `Basic ${Buffer.from(`prometheus:${METRICS_TOKEN}`).toString('base64')}` },
    "an admin's session token": bearerOf(await ctx.admin())
  }
  for (const [label, headers] of Object.entries(refused)) {
    const res = await ctx.inject({ method: 'GET', url: '/metrics', headers })
    t.equal(res.statusCode, 401, label)
    t.equal(res.json().code, 'GP_UNAUTHENTICATED', label)
    t.match(res.json().message, /GRIDPASS_METRICS_TOKEN/, `${label}: the message says which token`)
    t.equal(res.headers['www-authenticate'], 'Bearer realm="metrics"', label)
    t.notMatch(res.body, /gridpass_http_requests_total/, `${label}: no figures`)
  }
})

eachDb('without GRIDPASS_METRICS_TOKEN, GET /metrics is closed with a message naming it', async (t, ctx) => {
  for (const headers of [{}, METRICS_AUTH, bearerOf(await ctx.admin())]) {
    const res = await ctx.inject({ method: 'GET', url: '/metrics', headers })
    t.equal(res.statusCode, 403)
    t.equal(res.json().code, 'GP_FORBIDDEN')
    t.match(res.json().message, /GRIDPASS_METRICS_TOKEN/)
    t.notMatch(res.body, /gridpass_/)
  }
  // The rest of the service is unaffected.
  t.equal((await ctx.inject({ method: 'GET', url: '/healthz' })).statusCode, 200)
}, { config: { metricsToken: undefined } })

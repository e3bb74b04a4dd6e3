// GET /metrics answers only Prometheus holding GRIDPASS_METRICS_TOKEN; without the token configured it is closed.
import { randomUUID } from 'node:crypto'
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

eachDb('GET /metrics shows the SQLite scan thread\'s commit groups by phase (lock wait, commit, fsync)', async (t, ctx) => {
  const cp = await ctx.checkpoint()
  const volunteer = await ctx.staff('volunteer', { checkpointIds: [cp] })
  const person = await ctx.resident({ profile: { name: '张三' } })
  const code = (await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(person.token) })).json().token as string
  for (let i = 0; i < 3; i++) {
    const res = await ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(volunteer), payload: { id: randomUUID(), token: code, checkpointId: cp } })
    t.equal(res.json().recorded, true)
  }
  const body = (await ctx.inject({ method: 'GET', url: '/metrics', headers: METRICS_AUTH })).body
  const count = (phase: string): number => Number(new RegExp(`^gridpass_scan_commit_phase_seconds_count\\{phase="${phase}"\\} (\\d+)`, 'm').exec(body)?.[1] ?? -1)
  if (ctx.dialect === 'sqlite') {
    for (const phase of ['lock_wait', 'commit', 'fsync']) t.ok(count(phase) >= 3, `${phase}: one observation per commit group (${count(phase)})`)
    t.equal(count('lock_wait'), count('fsync'), 'the three phases of every group')
  } else {
    t.notMatch(body, /gridpass_scan_commit_phase_seconds/, 'PostgreSQL commits in its own server: no such metric, not even its HELP line')
  }
})

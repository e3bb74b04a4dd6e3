// The role matrix: every endpoint × every role (and no token), against the roles in shared/API.md.
import { randomUUID } from 'node:crypto'
import t from 'tap'
import QRCode from 'qrcode'
import { bearerOf, dialects, idNumberFor, makeCtx, nextPhone, type Ctx } from './helper.ts'

const ROLES = ['resident', 'volunteer', 'gridworker', 'tracer', 'officer', 'admin'] as const
type Role = typeof ROLES[number]
const STAFF: Role[] = ['volunteer', 'gridworker', 'tracer', 'officer', 'admin']
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const

interface Row {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** The OpenAPI path; {params} are filled from the fixtures. */
  path: string
  query?: string
  allowed: Role[]
  body?: (role: Role) => Record<string, unknown>
  /** A multipart body instead of JSON ({params} filled in string fields). */
  form?: () => Record<string, string | Blob>
  /** A text/csv body instead of JSON ({params} filled in). */
  csv?: () => string
  /** Path parameters filled from another fixture: { id: 'householdId' } fills {id} with the household. */
  use?: Record<string, string>
  /** What an allowed role gets with the fixtures below. */
  expect: number[]
}

let serial = 900_000 + Math.floor(Math.random() * 50_000)
const IMPORTED_ID = idNumberFor(++serial)
// A QR whose text is not a code: a role that may scan gets a 200 deny.
const notACodePng = await QRCode.toBuffer('not-a-code', { type: 'png' })

const ROWS: Row[] = [
  { method: 'POST', path: '/v1/users', allowed: ['admin'], body: (r) => ({ username: `made-by-${r}`, password: 'long-enough-pw', role: 'officer' }), expect: [201] },
  { method: 'GET', path: '/v1/me/account', allowed: STAFF, expect: [200] },
  { method: 'POST', path: '/v1/grids', allowed: ['admin'], body: (r) => ({ id: `grid-by-${r}`, name: '网格' }), expect: [201] },
  { method: 'GET', path: '/v1/grids', allowed: STAFF, expect: [200] },
  { method: 'POST', path: '/v1/areas', allowed: ['admin'], body: (r) => ({ id: `area-by-${r}`, name: '城区', level: 'city' }), expect: [201] },
  { method: 'GET', path: '/v1/areas', allowed: STAFF, expect: [200] },
  { method: 'GET', path: '/v1/areas/{areaId}', allowed: STAFF, expect: [200] },
  { method: 'PATCH', path: '/v1/areas/{areaId}', allowed: ['admin'], body: () => ({ name: '网格一' }), expect: [200] },
  { method: 'POST', path: '/v1/checkpoints', allowed: ['admin'], body: (r) => ({ name: `卡口 ${r}`, kind: 'venue' }), expect: [201] },
  { method: 'GET', path: '/v1/checkpoints', allowed: STAFF, expect: [200] },
  { method: 'PUT', path: '/v1/me/profile', allowed: ['resident'], body: () => ({ name: '李四', idNumber: '{idNumber}' }), expect: [200] },
  { method: 'POST', path: '/v1/me/declarations', allowed: ['resident'], body: () => ({ temperature: 36.5, symptoms: [], visitedHighRiskArea: false, contactWithConfirmed: false }), expect: [201] },
  { method: 'GET', path: '/v1/me/status', allowed: ['resident'], expect: [200] },
  { method: 'GET', path: '/v1/me/code', allowed: ['resident'], expect: [200] },
  { method: 'GET', path: '/v1/me/code.svg', allowed: ['resident'], expect: [200] },
  { method: 'GET', path: '/v1/me/code.png', allowed: ['resident'], expect: [200] },
  { method: 'POST', path: '/v1/me/appeals', allowed: ['resident'], body: () => ({ message: 'my colour is wrong' }), expect: [201] },
  { method: 'GET', path: '/v1/me/access-log', allowed: ['resident'], expect: [200] },
  { method: 'GET', path: '/v1/people', query: 'idNumber={idNumber}&purpose=case-42', allowed: ['gridworker', 'tracer', 'officer', 'admin'], expect: [200] },
  { method: 'POST', path: '/v1/people', allowed: ['gridworker', 'officer', 'admin'], body: () => ({ name: '王五', idNumber: idNumberFor(++serial), gridId: '{gridId}' }), expect: [201] },
  { method: 'POST', path: '/v1/people/{personId}/status', allowed: ['officer', 'admin'], body: () => ({ color: 'yellow', reason: 'role matrix' }), expect: [200] },
  // No such change: an allowed role gets past the role check to 404.
  { method: 'POST', path: '/v1/people/{personId}/status/{changeId}/confirm', allowed: ['officer', 'admin'], expect: [404] },
  { method: 'GET', path: '/v1/appeals', allowed: ['officer', 'admin'], expect: [200] },
  // The first allowed role resolves the appeal, the next finds it resolved.
  { method: 'POST', path: '/v1/appeals/{appealId}/resolve', allowed: ['officer', 'admin'], body: () => ({ outcome: 'upheld', note: 'checked' }), expect: [200, 409] },
  { method: 'POST', path: '/v1/people/{personId}/paper-code', allowed: ['gridworker', 'officer', 'admin'], expect: [200] },
  { method: 'GET', path: '/v1/people/{personId}/paper-code.svg', allowed: ['gridworker', 'officer', 'admin'], expect: [200] },
  { method: 'GET', path: '/v1/audit', allowed: ['admin'], expect: [200] },
  { method: 'GET', path: '/v1/audit/verify', allowed: ['admin'], expect: [200] },
  // Tracing: every call needs a purpose.
  { method: 'GET', path: '/v1/people/{personId}/trail', query: 'purpose=case-42', allowed: ['tracer', 'officer', 'admin'], expect: [200] },
  { method: 'GET', path: '/v1/people/{personId}/contacts', query: 'purpose=case-42', allowed: ['tracer', 'officer', 'admin'], expect: [200] },
  { method: 'GET', path: '/v1/people/{personId}/trail.csv', query: 'purpose=case-42', allowed: ['tracer', 'officer', 'admin'], expect: [200] },
  { method: 'GET', path: '/v1/people/{personId}/trail.geojson', query: 'purpose=case-42', allowed: ['tracer', 'officer', 'admin'], expect: [200] },
  { method: 'GET', path: '/v1/people/{personId}/contacts.csv', query: 'purpose=case-42', allowed: ['tracer', 'officer', 'admin'], expect: [200] },
  { method: 'GET', path: '/v1/people/{personId}/exposure-sites', query: 'purpose=case-42', allowed: ['tracer', 'officer', 'admin'], expect: [200] },
  // Cases. {casePersonId} already has the fixture case open: an allowed role gets past the role check to 409.
  { method: 'POST', path: '/v1/cases', allowed: ['officer', 'admin'], body: () => ({ personId: '{casePersonId}', note: 'role matrix' }), expect: [409] },
  { method: 'GET', path: '/v1/cases/{caseId}', allowed: ['tracer', 'officer', 'admin'], expect: [200] },
  { method: 'GET', path: '/v1/cases', query: 'status=open', allowed: ['tracer', 'officer', 'admin'], expect: [200] },
  // The case person was never at the checkpoint: an allowed role gets past the role check to 422.
  { method: 'POST', path: '/v1/cases/{caseId}/sites', allowed: ['tracer', 'officer', 'admin'], body: () => ({ checkpointId: '{checkpointId}', from: '2026-03-01T08:00:00.000Z', to: '2026-03-01T09:00:00.000Z' }), expect: [422] },
  // Four eyes: marking and closing answer 202 (pending).
  { method: 'POST', path: '/v1/cases/{caseId}/contacts', allowed: ['officer', 'admin'], body: () => ({ personIds: ['{contactId}'], degree: 2 }), expect: [202] },
  // After the contacts row: the first allowed role asks to close the case, the next finds its closing pending.
  { method: 'POST', path: '/v1/cases/{caseId}/close', allowed: ['officer', 'admin'], body: () => ({ note: 'role matrix' }), expect: [202, 409] },
  { method: 'GET', path: '/v1/changes', query: 'status=pending', allowed: ['officer', 'admin'], expect: [200] },
  // No such change: an allowed role gets past the role check to 404.
  { method: 'POST', path: '/v1/changes/{changeId}/confirm', allowed: ['officer', 'admin'], expect: [404] },
  { method: 'POST', path: '/v1/changes/{changeId}/reject', allowed: ['officer', 'admin'], body: () => ({ reason: 'role matrix' }), expect: [404] },
  // A token that does not verify is still a 200 (deny) for a role that may scan.
  { method: 'POST', path: '/v1/scans', allowed: ['volunteer', 'admin'], body: () => ({ id: randomUUID(), token: 'not-a-code', checkpointId: '{checkpointId}' }), expect: [200] },
  { method: 'POST', path: '/v1/scans/batch', allowed: ['volunteer', 'admin'], body: () => ({ scans: [{ id: randomUUID(), token: 'not-a-code', checkpointId: '{checkpointId}' }] }), expect: [200] },
  // An unknown ID number is a 200 deny for a role that may scan.
  { method: 'POST', path: '/v1/scans/id', allowed: ['volunteer', 'admin'], body: () => ({ id: randomUUID(), idNumber: idNumberFor(++serial), checkpointId: '{checkpointId}' }), expect: [200] },
  { method: 'POST', path: '/v1/scans/image', allowed: ['volunteer', 'admin'], form: () => ({ id: randomUUID(), checkpointId: '{checkpointId}', image: new Blob([new Uint8Array(notACodePng)], { type: 'image/png' }) }), expect: [200] },
  // The fixture checkpoint is in the grid worker's grid.
  { method: 'GET', path: '/v1/checkpoints/{id}/place-code', allowed: ['gridworker', 'admin'], expect: [200] },
  { method: 'GET', path: '/v1/checkpoints/{id}/place-code.svg', allowed: ['gridworker', 'admin'], expect: [200] },
  { method: 'POST', path: '/v1/me/checkins', allowed: ['resident'], body: () => ({ id: randomUUID(), placeToken: '{placeToken}' }), expect: [200] },
  { method: 'GET', path: '/v1/status-list', allowed: STAFF, expect: [200] },
  // Grid management: the fixture grid hangs from {communityId}; the grid worker keeps it, the volunteer scans in it.
  { method: 'POST', path: '/v1/households', allowed: ['gridworker', 'officer', 'admin'], body: (r) => ({ gridId: '{gridId}', address: `清江路 ${r} 号` }), expect: [201] },
  { method: 'GET', path: '/v1/households', query: 'gridId={gridId}', allowed: ['gridworker', 'tracer', 'officer', 'admin'], expect: [200] },
  { method: 'GET', path: '/v1/households/{id}', use: { id: 'householdId' }, allowed: ['gridworker', 'tracer', 'officer', 'admin'], expect: [200] },
  { method: 'POST', path: '/v1/people/{personId}/declarations', allowed: ['gridworker', 'officer', 'admin'], body: () => ({ temperature: 36.6, symptoms: [], visitedHighRiskArea: false, contactWithConfirmed: false }), expect: [201] },
  { method: 'POST', path: '/v1/me/dependents', allowed: ['resident'], body: () => ({ name: '李奶奶', idNumber: idNumberFor(++serial) }), expect: [201] },
  { method: 'GET', path: '/v1/me/dependents', allowed: ['resident'], expect: [200] },
  { method: 'GET', path: '/v1/me/dependents/{personId}/code', use: { personId: 'dependentId' }, allowed: ['resident'], expect: [200] },
  { method: 'DELETE', path: '/v1/me/dependents/{personId}', use: { personId: 'dependentId' }, allowed: ['resident'], expect: [204] },
  { method: 'GET', path: '/v1/high-risk-areas', allowed: [...ROLES], expect: [200] },
  { method: 'PUT', path: '/v1/high-risk-areas', allowed: ['officer', 'admin'], body: () => ({ areas: [{ code: '420100', name: '武汉市', from: '2026-02-01T00:00:00.000Z' }] }), expect: [200] },
  { method: 'POST', path: '/v1/screening-rounds', allowed: ['officer', 'admin'], body: () => ({ areaId: '{communityId}', name: '排查' }), expect: [201] },
  { method: 'GET', path: '/v1/screening-rounds', allowed: ['gridworker', 'tracer', 'officer', 'admin'], expect: [200] },
  { method: 'GET', path: '/v1/me/tasks', allowed: ['gridworker'], expect: [200] },
  // The first allowed role screens the household; the next ones find it screened in this round.
  { method: 'POST', path: '/v1/households/{id}/screenings', use: { id: 'householdId' }, allowed: ['gridworker', 'officer', 'admin'], body: () => ({ roundId: '{roundId}', present: false, members: [] }), expect: [201, 409] },
  { method: 'GET', path: '/v1/screenings.csv', query: 'roundId={roundId}', allowed: ['officer', 'admin'], expect: [200] },
  { method: 'GET', path: '/v1/screenings.xlsx', query: 'roundId={roundId}', allowed: ['officer', 'admin'], expect: [200] },
  { method: 'POST', path: '/v1/screening-rounds/{id}/close', use: { id: 'roundId' }, allowed: ['officer', 'admin'], expect: [204, 409] },
  // The same register twice: the second import changes nothing.
  { method: 'POST', path: '/v1/imports/residents', allowed: ['officer', 'admin'], csv: () => `姓名,身份证号,手机号,网格,住址\n孙八,${IMPORTED_ID},,{gridId},清江路 9 号\n`, expect: [200] },
  { method: 'GET', path: '/v1/imports/{importId}', allowed: ['officer', 'admin'], expect: [404] },
  { method: 'GET', path: '/v1/dashboard', query: 'areaId={gridId}', allowed: STAFF, expect: [200] },
  { method: 'GET', path: '/v1/areas/{areaId}/team', use: { areaId: 'communityId' }, allowed: STAFF, expect: [200] },
  { method: 'PUT', path: '/v1/areas/{areaId}/team', use: { areaId: 'communityId' }, allowed: ['officer', 'admin'], body: () => ({ doctor: { name: '刘医生', phone: '13907171234' }, police: null }), expect: [200] },
  { method: 'GET', path: '/v1/areas/{areaId}/battle-map', use: { areaId: 'communityId' }, allowed: STAFF, expect: [200] },
  // The first allowed role makes the shift; the next one overlaps it.
  { method: 'POST', path: '/v1/duty-shifts', allowed: ['officer', 'admin'], body: () => ({ checkpointId: '{checkpointId}', userId: '{volunteerId}', from: '2026-03-01T08:00:00.000Z', to: '2026-03-01T16:00:00.000Z' }), expect: [201, 409] },
  { method: 'GET', path: '/v1/duty-shifts', allowed: STAFF, expect: [200] },
  { method: 'DELETE', path: '/v1/duty-shifts/{id}', use: { id: 'shiftId' }, allowed: ['officer', 'admin'], expect: [204, 404] },
  // After every row using {personId}: it loses its ID number (the first allowed role unbinds it, the next finds nothing to unbind).
  { method: 'POST', path: '/v1/people/{personId}/unbind-id-number', allowed: ['officer', 'admin'], body: () => ({ reason: 'role matrix' }), expect: [200, 409] },
  { method: 'GET', path: '/v1/users', allowed: ['admin'], expect: [200] },
  { method: 'PATCH', path: '/v1/users/{userId}', allowed: ['admin'], body: () => ({ gridIds: ['{gridId}'] }), expect: [200] },
  { method: 'POST', path: '/v1/users/{userId}/password', allowed: ['admin'], body: () => ({ password: 'another-long-pw' }), expect: [204] },
  // A wrong current password: nobody's password changes, so no session ends.
  { method: 'POST', path: '/v1/me/password', allowed: STAFF, body: () => ({ currentPassword: 'not-the-password', newPassword: 'long-enough-pw' }), expect: [400] },
  // Keep last: it ends every session of each staff token above (the checks after the rows log in again).
  { method: 'POST', path: '/v1/auth/logout', allowed: STAFF, expect: [204] }
]

/** Answer without any token. Login endpoints are checked separately (they need a fresh code). */
const PUBLIC: Array<[string, string, number[]]> = [
  ['GET', '/healthz', [200]],
  ['GET', '/readyz', [200]],
  ['GET', '/.well-known/jwks.json', [200]],
  ['GET', '/docs', [200, 302]],
  ['GET', '/openapi.json', [200]]
  // GET /metrics asks for its own bearer token (GRIDPASS_METRICS_TOKEN): test/metrics-token.test.ts.
]
const LOGIN_PATHS = ['/v1/auth/otp', '/v1/auth/otp/verify', '/v1/auth/login']

interface Fixtures { tokens: Record<Role, string>, params: Record<string, string> }

async function fixtures (ctx: Ctx): Promise<Fixtures> {
  const gridId = await ctx.grid()
  const checkpointId = await ctx.checkpoint({ gridId })
  const adminToken = await ctx.admin()
  const as = async (url: string, payload: Record<string, unknown>, method: 'POST' | 'PATCH' = 'POST'): Promise<Record<string, unknown>> => {
    const made = await ctx.inject({ method, url, headers: bearerOf(adminToken), payload })
    if (made.statusCode >= 300) throw new Error(`${url} failed: ${made.body}`)
    return made.json()
  }
  await as('/v1/areas', { id: 'm-city', name: '宜都市', level: 'city' })
  await as('/v1/areas', { id: 'm-street', name: '陆城街道', level: 'street', parentId: 'm-city' })
  await as('/v1/areas', { id: 'm-community', name: '清江社区', level: 'community', parentId: 'm-street' })
  await as(`/v1/areas/${gridId}`, { parentId: 'm-community' }, 'PATCH')
  const res = await ctx.resident({ profile: { gridId } })
  const tokens: Record<Role, string> = {
    resident: res.token,
    volunteer: await ctx.staff('volunteer', { checkpointIds: [checkpointId] }),
    gridworker: await ctx.staff('gridworker', { gridIds: [gridId] }),
    tracer: await ctx.staff('tracer'),
    officer: await ctx.staff('officer'),
    admin: await ctx.admin()
  }
  // A person without a phone, in the grid worker's grid: the target of paper codes and manual changes.
  const paper = await ctx.inject({ method: 'POST', url: '/v1/people', headers: bearerOf(tokens.admin), payload: { name: '赵六', idNumber: idNumberFor(++serial), gridId } })
  if (paper.statusCode !== 201) throw new Error(`register failed: ${paper.body}`)
  const appeal = await ctx.inject({ method: 'POST', url: '/v1/me/appeals', headers: bearerOf(res.token), payload: { message: 'please check' } })
  if (appeal.statusCode !== 201) throw new Error(`appeal failed: ${appeal.body}`)
  const place = await ctx.inject({ method: 'GET', url: `/v1/checkpoints/${checkpointId}/place-code`, headers: bearerOf(tokens.admin) })
  if (place.statusCode !== 200) throw new Error(`place code failed: ${place.body}`)
  // A case of its own person (the colour of {personId} stays as the rows above expect), and a person to mark.
  const register = async (): Promise<string> => (await ctx.inject({ method: 'POST', url: '/v1/people', headers: bearerOf(tokens.admin), payload: { name: '钱七', idNumber: idNumberFor(++serial), gridId } })).json().personId as string
  const casePerson = await register()
  const contact = await register()
  const asked = await ctx.inject({ method: 'POST', url: '/v1/cases', headers: bearerOf(tokens.admin), payload: { personId: casePerson, note: 'role matrix' } })
  if (asked.statusCode !== 202) throw new Error(`case failed: ${asked.body}`)
  const opened = await ctx.confirm(asked.json().changeId as string)
  if (opened.statusCode !== 200) throw new Error(`case confirmation failed: ${opened.body}`)
  const caseParams = { casePersonId: casePerson, contactId: contact, caseId: opened.json().caseId as string }
  // A staff account of no token above: the one the account rows change.
  const target = await ctx.staff('officer', { username: 'matrix-target' })
  const userId = (await ctx.inject({ method: 'GET', url: '/v1/me/account', headers: bearerOf(target) })).json().id as string
  const volunteerId = (await ctx.inject({ method: 'GET', url: '/v1/me/account', headers: bearerOf(tokens.volunteer) })).json().id as string
  const householdId = (await as('/v1/households', { gridId, address: '清江路 1 号' })).id as string
  const roundId = (await as('/v1/screening-rounds', { areaId: 'm-community', name: '第一轮' })).id as string
  const shiftId = (await as('/v1/duty-shifts', { checkpointId, userId: volunteerId, from: '2026-03-02T08:00:00.000Z', to: '2026-03-02T16:00:00.000Z' })).id as string
  const dependent = await ctx.inject({ method: 'POST', url: '/v1/me/dependents', headers: bearerOf(res.token), payload: { name: '李爷爷', idNumber: idNumberFor(++serial) } })
  if (dependent.statusCode !== 201) throw new Error(`dependent failed: ${dependent.body}`)
  const grid = { communityId: 'm-community', volunteerId, householdId, roundId, shiftId, dependentId: dependent.json().personId as string, importId: randomUUID() }
  return {
    tokens,
    params: { gridId, areaId: gridId, checkpointId, personId: paper.json().personId, idNumber: res.idNumber, changeId: 'no-such-change', appealId: appeal.json().appealId, id: checkpointId, placeToken: place.json().token, userId, ...caseParams, ...grid }
  }
}

const fill = (s: string, params: Record<string, string>, encode: (v: string) => string = encodeURIComponent): string => s.replace(/\{(\w+)\}/g, (_, k: string) => {
  const v = params[k]
  if (v === undefined) throw new Error(`no fixture for {${k}}`)
  return encode(v)
})
const fillBody = (body: Record<string, unknown>, params: Record<string, string>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? fill(v, params, (x) => x) : Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? fill(x, params, (y) => y) : x)) : v]))
function formOf (fields: Record<string, string | Blob>, params: Record<string, string>): FormData {
  const form = new FormData()
  for (const [k, v] of Object.entries(fields)) {
    if (typeof v === 'string') form.append(k, fill(v, params, (x) => x))
    else form.append(k, v, `${k}.png`)
  }
  return form
}
const urlOf = (row: Row, params: Record<string, string>): string => {
  const used = { ...params, ...Object.fromEntries(Object.entries(row.use ?? {}).map(([k, from]) => [k, params[from] as string])) }
  return fill(row.path, used) + (row.query === undefined ? '' : `?${fill(row.query, params)}`)
}

for (const dialect of dialects()) {
  void t.test(`role matrix [${dialect}]`, async (t) => {
    const ctx = await makeCtx(t, dialect)
    const { tokens, params } = await fixtures(ctx)

    await t.test('every documented operation is in the matrix, and every matrix row is a route', async (t) => {
      const doc = (await ctx.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { security?: unknown[] }>> }
      const inMatrix = new Set(ROWS.map((r) => `${r.method} ${r.path}`))
      const publicOps = new Set([...PUBLIC.map(([m, p]) => `${m} ${p}`), ...LOGIN_PATHS.map((p) => `POST ${p}`)])
      const documented = new Set<string>()
      for (const [path, ops] of Object.entries(doc.paths)) {
        for (const method of METHODS) {
          const op = ops[method]
          if (op === undefined) continue
          const key = `${method.toUpperCase()} ${path}`
          documented.add(key)
          if (op.security !== undefined && op.security.length > 0) t.ok(inMatrix.has(key), `${key} (needs a token) has a row in the role matrix`)
          else t.ok(publicOps.has(key), `${key} (no token) is one of the public endpoints`)
        }
      }
      for (const key of inMatrix) t.ok(documented.has(key), `${key} is a documented route`)
    })

    await t.test('public endpoints answer without a token', async (t) => {
      for (const [method, url, expect] of PUBLIC) {
        const res = await ctx.inject({ method: method as 'GET', url })
        t.ok(expect.includes(res.statusCode), `${method} ${url} → ${res.statusCode}`)
      }
      const phone = nextPhone()
      const otp = await ctx.inject({ method: 'POST', url: '/v1/auth/otp', payload: { phone } })
      t.equal(otp.statusCode, 202, `POST /v1/auth/otp: ${otp.body}`)
      const verify = await ctx.inject({ method: 'POST', url: '/v1/auth/otp/verify', payload: { phone, code: otp.json().devCode } })
      t.equal(verify.statusCode, 200, `POST /v1/auth/otp/verify: ${verify.body}`)
      const login = await ctx.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'admin', password: 'admin-password-for-tests' } })
      t.equal(login.statusCode, 200, `POST /v1/auth/login: ${login.body}`)
    })

    for (const row of ROWS) {
      await t.test(`${row.method} ${row.path}`, async (t) => {
        const url = urlOf(row, params)
        const call = (role: Role | null) => ctx.inject({
          method: row.method,
          url,
          headers: { ...(role === null ? {} : bearerOf(tokens[role])), ...(row.csv !== undefined ? { 'content-type': 'text/csv' } : {}) },
          ...(row.body !== undefined ? { payload: fillBody(row.body(role ?? 'admin'), params) } : {}),
          ...(row.csv !== undefined ? { payload: fill(row.csv(), params, (x) => x) } : {}),
          ...(row.form !== undefined ? { payload: formOf(row.form(), params) } : {})
        })

        const anon = await call(null)
        t.equal(anon.statusCode, 401, `no token: ${anon.body}`)
        t.equal(anon.json().code, 'GP_UNAUTHENTICATED', 'no token')

        for (const role of ROLES) {
          const res = await call(role)
          if (row.allowed.includes(role)) {
            t.notOk([401, 403].includes(res.statusCode), `${role} is allowed: ${res.statusCode}${res.statusCode >= 400 ? ` ${res.body.slice(0, 200)}` : ''}`)
            t.ok(row.expect.includes(res.statusCode), `${role} gets ${row.expect.join(' or ')}: ${res.statusCode}`)
          } else {
            t.equal(res.statusCode, 403, `${role} is refused: ${res.body.slice(0, 200)}`)
            t.equal(res.json().code, 'GP_FORBIDDEN', role)
          }
        }
      })
    }

    await t.test('refused calls changed nothing', async (t) => {
      // The admin logged out in the last row: a new session.
      tokens.admin = (await ctx.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'admin', password: 'admin-password-for-tests' } })).json().accessToken as string
      const grids = (await ctx.inject({ method: 'GET', url: '/v1/grids', headers: bearerOf(tokens.admin) })).json().grids as Array<{ id: string }>
      t.same(grids.map((g) => g.id).filter((id) => id.startsWith('grid-by-')), ['grid-by-admin'])
      for (const role of ROLES) {
        const res = await ctx.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: `made-by-${role}`, password: 'long-enough-pw' } })
        t.equal(res.statusCode, role === 'admin' ? 200 : 401, `account made-by-${role}`)
      }
      const cps = (await ctx.inject({ method: 'GET', url: '/v1/checkpoints', headers: bearerOf(tokens.admin) })).json().checkpoints as Array<{ name: string }>
      t.same(cps.map((c) => c.name).filter((n) => n.startsWith('卡口 ')), ['卡口 admin'])
    })
  })
}

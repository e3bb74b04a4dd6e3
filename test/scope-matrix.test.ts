// The scope matrix: every staff role × every endpoint that reads (or acts on) people, households, screenings, the
// dashboard, teams and trails. Inside the caller's reach it answers; outside it is 404 GP_NOT_FOUND, worded like an
// unknown thing, and the attempt is in the audit log as <action>.out_of_scope by that user against that target.
import { bearerOf, eachDb, idNumberFor, type Ctx } from './helper.ts'

type Role = 'volunteer' | 'gridworker' | 'tracer' | 'officer' | 'admin'
const PURPOSE = 'purpose=case-2020-01'

interface Side { person: string, household: string, grid: string, community: string, idNumber: string }
interface Row {
  method: 'GET' | 'POST'
  /** The URL for one side of the county. */
  url: (s: Side) => string
  body?: (s: Side) => Record<string, unknown>
  roles: Role[]
  /** What an allowed role gets inside its reach. */
  ok: number[]
  /** Outside the reach: 404 unless said otherwise (an identity lookup answers an empty list). */
  outside?: (res: { statusCode: number, json: () => unknown }) => boolean
}

const TRACERS: Role[] = ['tracer', 'officer', 'admin']
const KEEPERS: Role[] = ['gridworker', 'tracer', 'officer', 'admin']
const STAFF: Role[] = ['volunteer', 'gridworker', 'tracer', 'officer', 'admin']
const declaration = { temperature: 36.5, symptoms: [], visitedHighRiskArea: false, contactWithConfirmed: false }

const ROWS: Row[] = [
  { method: 'GET', url: (s) => `/v1/people?idNumber=${s.idNumber}&${PURPOSE}`, roles: ['gridworker', 'tracer', 'officer', 'admin'], ok: [200],
    outside: (res) => res.statusCode === 200 && JSON.stringify(res.json()) === '{"people":[]}' },
  { method: 'GET', url: (s) => `/v1/people/${s.person}/trail?${PURPOSE}`, roles: TRACERS, ok: [200] },
  { method: 'GET', url: (s) => `/v1/people/${s.person}/contacts?${PURPOSE}`, roles: TRACERS, ok: [200] },
  { method: 'GET', url: (s) => `/v1/people/${s.person}/exposure-sites?${PURPOSE}`, roles: TRACERS, ok: [200] },
  { method: 'GET', url: (s) => `/v1/people/${s.person}/trail.csv?${PURPOSE}`, roles: TRACERS, ok: [200] },
  { method: 'GET', url: (s) => `/v1/people/${s.person}/trail.geojson?${PURPOSE}`, roles: TRACERS, ok: [200] },
  { method: 'GET', url: (s) => `/v1/people/${s.person}/contacts.csv?${PURPOSE}`, roles: TRACERS, ok: [200] },
  { method: 'POST', url: (s) => `/v1/people/${s.person}/paper-code`, roles: ['gridworker', 'officer', 'admin'], ok: [200] },
  { method: 'GET', url: (s) => `/v1/people/${s.person}/paper-code.svg`, roles: ['gridworker', 'officer', 'admin'], ok: [200] },
  { method: 'POST', url: (s) => `/v1/people/${s.person}/declarations`, body: () => declaration, roles: ['gridworker', 'officer', 'admin'], ok: [201] },
  { method: 'GET', url: (s) => `/v1/households?gridId=${s.grid}`, roles: KEEPERS, ok: [200] },
  { method: 'GET', url: (s) => `/v1/households/${s.household}`, roles: KEEPERS, ok: [200] },
  { method: 'POST', url: (s) => `/v1/households/${s.household}/screenings`, body: () => ({ roundId: '{round}', present: false, members: [] }), roles: ['gridworker', 'officer', 'admin'], ok: [201, 409] },
  { method: 'GET', url: (s) => `/v1/screenings.csv?roundId={round}&areaId=${s.grid}`, roles: ['officer', 'admin'], ok: [200] },
  { method: 'GET', url: (s) => `/v1/screenings.xlsx?roundId={round}&areaId=${s.grid}`, roles: ['officer', 'admin'], ok: [200] },
  { method: 'GET', url: (s) => `/v1/dashboard?areaId=${s.grid}`, roles: STAFF, ok: [200] },
  { method: 'GET', url: (s) => `/v1/areas/${s.grid}`, roles: STAFF, ok: [200] },
  { method: 'GET', url: (s) => `/v1/areas?parentId=${s.community}`, roles: STAFF, ok: [200] },
  { method: 'GET', url: (s) => `/v1/areas/${s.community}/team`, roles: STAFF, ok: [200] },
  { method: 'GET', url: (s) => `/v1/areas/${s.community}/battle-map`, roles: STAFF, ok: [200] },
  { method: 'GET', url: (s) => `/v1/duty-shifts?areaId=${s.community}`, roles: STAFF, ok: [200] }
]

let serial = 720_000 + Math.floor(Math.random() * 10_000)

async function world (ctx: Ctx) {
  const admin = await ctx.admin()
  const post = async (url: string, payload: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const res = await ctx.inject({ method: 'POST', url, headers: bearerOf(admin), payload })
    if (res.statusCode >= 300) throw new Error(`${url}: ${res.body}`)
    return res.json()
  }
  await post('/v1/areas', { id: 'city', name: '宜都市', level: 'city' })
  const side = async (key: string, street: string): Promise<Side> => {
    await post('/v1/areas', { id: `${key}-st`, name: street, level: 'street', parentId: 'city' })
    await post('/v1/areas', { id: `${key}-com`, name: `${street}社区`, level: 'community', parentId: `${key}-st` })
    await post('/v1/areas', { id: `${key}-grid`, name: `${street}第一网格`, level: 'grid', parentId: `${key}-com` })
    const household = (await post('/v1/households', { gridId: `${key}-grid`, address: `${street}建设路 1 号` })).id as string
    const idNumber = idNumberFor(++serial)
    const person = (await post('/v1/people', { name: '周九', idNumber, gridId: `${key}-grid`, householdId: household })).personId as string
    return { person, household, grid: `${key}-grid`, community: `${key}-com`, idNumber }
  }
  const inside = await side('a', '陆城街道')
  const outside = await side('b', '红花套镇')
  const round = (await post('/v1/screening-rounds', { areaId: 'city', name: '全市第一轮' })).id as string
  const checkpoint = await ctx.checkpoint({ gridId: inside.grid })
  const tokens: Record<Role, string> = {
    volunteer: await ctx.staff('volunteer', { username: 'sm-volunteer', checkpointIds: [checkpoint] }),
    gridworker: await ctx.staff('gridworker', { username: 'sm-gridworker', gridIds: [inside.grid] }),
    tracer: await ctx.staff('tracer', { username: 'sm-tracer', areaIds: ['a-st'] }),
    officer: await ctx.staff('officer', { username: 'sm-officer', areaIds: ['a-st'] }),
    admin
  }
  return { inside, outside, round, tokens, admin }
}

eachDb('the scope matrix: inside the reach answers, outside is 404 and audited', async (t, ctx) => {
  const { inside, outside, round, tokens, admin } = await world(ctx)
  const audited = async (): Promise<Array<{ actor: string, action: string, target: string | null }>> =>
    (await ctx.inject({ method: 'GET', url: '/v1/audit?limit=20', headers: bearerOf(admin) })).json().entries
  const call = (row: Row, role: Role, side: Side) => ctx.inject({
    method: row.method,
    url: row.url(side).replace('{round}', round),
    headers: bearerOf(tokens[role]),
    ...(row.body === undefined ? {} : { payload: JSON.parse(JSON.stringify(row.body(side)).replace('{round}', round)) })
  })
  for (const row of ROWS) {
    const label = `${row.method} ${row.url({ person: '{personId}', household: '{householdId}', grid: '{gridId}', community: '{communityId}', idNumber: '{idNumber}' })}`
    await t.test(label, async (t) => {
      for (const role of row.roles) {
        const mine = await call(row, role, inside)
        t.ok(row.ok.includes(mine.statusCode), `${role}, inside the reach: ${mine.statusCode} ${mine.statusCode >= 400 ? mine.body.slice(0, 160) : ''}`)
        const far = await call(row, role, outside)
        if (role === 'admin') {
          t.ok(row.ok.includes(far.statusCode), `admin reaches everything: ${far.statusCode}`)
          continue
        }
        if (row.outside !== undefined) t.ok(row.outside(far), `${role}, outside the reach: answered as unknown (${far.body.slice(0, 80)})`)
        else {
          t.equal(far.statusCode, 404, `${role}, outside the reach: 404 (${far.body.slice(0, 120)})`)
          t.equal(far.json().code, 'GP_NOT_FOUND')
        }
        const last = (await audited()).find((e) => e.actor === `sm-${role}`)
        t.match(last?.action ?? '', /out_of_scope$/, `${role}: the attempt is audited (${last?.action ?? 'nothing'})`)
        t.ok(last !== undefined && [outside.person, outside.household, outside.grid, outside.community].includes(last.target ?? ''), `${role}: against what was asked for (${last?.target ?? ''})`)
      }
    })
  }

  await t.test('lists keep what is inside the reach: appeals, cases; a case outside it is not found', async (t) => {
    const post = (url: string, payload: Record<string, unknown>) => ctx.inject({ method: 'POST', url, headers: bearerOf(admin), payload })
    const caseIds: Record<string, string> = {}
    for (const side of [inside, outside]) {
      const asked = await post('/v1/cases', { personId: side.person, note: 'scope matrix' })
      t.equal(asked.statusCode, 202, asked.body)
      const opened = await ctx.confirm(asked.json().changeId as string)
      caseIds[side.person] = opened.json().caseId as string
    }
    const get = (role: Role, url: string) => ctx.inject({ method: 'GET', url, headers: bearerOf(tokens[role]) })
    for (const role of ['tracer', 'officer'] as const) {
      const listed = (await get(role, '/v1/cases')).json().cases.map((c: { personId: string }) => c.personId)
      t.same(listed, [inside.person], `${role}: the cases of their street only`)
      t.equal((await get(role, `/v1/cases/${caseIds[inside.person] as string}`)).statusCode, 200)
      const far = await get(role, `/v1/cases/${caseIds[outside.person] as string}`)
      t.equal(far.statusCode, 404, `${role}: a case outside the reach is not found`)
      t.match(far.json().message, /^caseId: no case /)
    }
    t.equal((await get('admin', '/v1/cases')).json().cases.length, 2, 'the admin sees both')

    const appellants: string[] = []
    for (const side of [inside, outside]) {
      const resident = await ctx.resident({ profile: { gridId: side.grid } })
      const appeal = await ctx.inject({ method: 'POST', url: '/v1/me/appeals', headers: bearerOf(resident.token), payload: { message: '我的健康码有误' } })
      t.equal(appeal.statusCode, 201, appeal.body)
      appellants.push(resident.personId)
    }
    const appeals = (await get('officer', '/v1/appeals?status=open')).json().appeals.map((a: { personId: string }) => a.personId)
    t.same(appeals, [appellants[0]], 'an officer of one street: the appeals of its people only')
    t.equal((await get('admin', '/v1/appeals?status=open')).json().appeals.length, 2)
  })

  await t.test('nothing outside the reach was changed by the refused writes', async (t) => {
    const res = await ctx.inject({ method: 'GET', url: `/v1/households/${outside.household}`, headers: bearerOf(admin) })
    t.equal(res.statusCode, 200)
    const csv = await ctx.inject({ method: 'GET', url: `/v1/screenings.csv?roundId=${round}&areaId=${outside.grid}`, headers: bearerOf(admin) })
    t.equal(csv.body.trim().split('\n').length, 2, `the other street's household was screened once, by the admin: ${csv.body.slice(0, 300)}`)
  })
})

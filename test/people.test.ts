// Profiles, ID-number rules, identity lookups, registering people without phones, and personal data at rest and in logs.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import t from 'tap'
import { eachDb, bearerOf, makeCtx, nextPhone, type Ctx } from './helper.ts'
import { checkCharacter } from '../src/lib/id-number.ts'

/** Valid ID numbers in a region the helper never uses (110105, Beijing Chaoyang), so they never collide with ctx.resident(). */
let ownSerial = 0
function ownIdNumber (wantX = false): string {
  for (;;) {
    const n = ++ownSerial
    const body = `110105${1960 + (n % 40)}0${1 + (n % 9)}${10 + (n % 18)}${String(n % 1000).padStart(3, '0')}`
    const id = body + checkCharacter(body)
    if (!wantX || id.endsWith('X')) return id
  }
}
const withCheck = (body: string): string => body + checkCharacter(body)

async function putProfile (ctx: Ctx, token: string, payload: Record<string, unknown>): ReturnType<Ctx['inject']> {
  return ctx.inject({ method: 'PUT', url: '/v1/me/profile', headers: bearerOf(token), payload })
}

eachDb('PUT /v1/me/profile sets name, ID number and grid', async (t, ctx) => {
  const gridId = await ctx.grid()
  const r = await ctx.resident({ profile: false })
  const idNumber = ownIdNumber()
  const res = await putProfile(ctx, r.token, { name: '王小明', idNumber, gridId })
  t.equal(res.statusCode, 200, res.body)
  t.same(res.json(), { personId: r.personId, name: '王小明', gridId })
  // Setting it again (same ID number, new name) is allowed; the grid stays when not given.
  const again = await putProfile(ctx, r.token, { name: '王晓明', idNumber })
  t.equal(again.statusCode, 200, again.body)
  t.same(again.json(), { personId: r.personId, name: '王晓明', gridId })
  // Now the resident can get a code.
  const code = await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(r.token) })
  t.equal(code.statusCode, 200, code.body)
  // Staff tokens and anonymous callers are refused.
  const anon = await ctx.inject({ method: 'PUT', url: '/v1/me/profile', payload: { name: '王小明', idNumber } })
  t.equal(anon.statusCode, 401)
  t.equal(anon.json().code, 'GP_UNAUTHENTICATED')
  const staff = await putProfile(ctx, await ctx.staff('officer'), { name: '王小明', idNumber })
  t.equal(staff.statusCode, 403)
  t.equal(staff.json().code, 'GP_FORBIDDEN')
})

eachDb('invalid ID numbers are refused with GP_INVALID_ID_NUMBER', async (t, ctx) => {
  const r = await ctx.resident({ profile: false })
  const good = ownIdNumber()
  const wrongCheck = good.slice(0, 17) + (good[17] === '0' ? '1' : '0')
  const cases: Record<string, string> = {
    'wrong check digit': wrongCheck,
    '17 characters': good.slice(0, 17),
    '19 characters': good + '1',
    'impossible date (Feb 30)': withCheck('11010519900230123'),
    'impossible month 13': withCheck('11010519901301123'),
    'born in the future': withCheck('11010520990101123'),
    letters: 'ABCDEFGHIJKLMNOPQR',
    'X in the middle': '1101051990X3071234'
  }
  for (const [label, idNumber] of Object.entries(cases)) {
    const res = await putProfile(ctx, r.token, { name: '赵六', idNumber })
    t.equal(res.statusCode, 400, `${label}: ${res.body}`)
    t.equal(res.json().code, 'GP_INVALID_ID_NUMBER', label)
    t.match(res.json().message, /idNumber/, `${label}: the message names idNumber`)
    t.notOk(res.json().message.includes(idNumber), `${label}: the message does not echo the number`)
  }
  // Wrong types and empty strings are schema errors that still name the field.
  for (const idNumber of [123456789012345, '']) {
    const res = await putProfile(ctx, r.token, { name: '赵六', idNumber })
    t.equal(res.statusCode, 400)
    t.match(res.json().message, /idNumber/)
  }
  const noName = await putProfile(ctx, r.token, { idNumber: good })
  t.equal(noName.statusCode, 400)
  t.equal(noName.json().code, 'GP_VALIDATION')
  t.match(noName.json().message, /name/)
  // Nothing was stored by the refused attempts.
  const code = await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(r.token) })
  t.equal(code.statusCode, 409)
  t.equal(code.json().code, 'GP_PROFILE_REQUIRED')
})

eachDb('a lower-case x check character is accepted and found either way', async (t, ctx) => {
  const withX = ownIdNumber(true)
  const r = await ctx.resident({ profile: false })
  const res = await putProfile(ctx, r.token, { name: '钱七', idNumber: withX.toLowerCase() })
  t.equal(res.statusCode, 200, res.body)
  const tracer = await ctx.staff('tracer')
  for (const q of [withX, withX.toLowerCase()]) {
    const look = await ctx.inject({ method: 'GET', url: `/v1/people?idNumber=${q}&purpose=case-1`, headers: bearerOf(tracer) })
    t.equal(look.statusCode, 200, look.body)
    t.same(look.json().people.map((p: { personId: string }) => p.personId), [r.personId], q)
  }
  // The same number in the other case is the same number: it cannot be bound twice.
  const other = await ctx.resident({ profile: false })
  const dup = await putProfile(ctx, other.token, { name: '钱七', idNumber: withX })
  t.equal(dup.statusCode, 409)
})

eachDb('an ID number bound to another phone → 409 GP_CONFLICT', async (t, ctx) => {
  const a = await ctx.resident()
  const b = await ctx.resident({ profile: false })
  const res = await putProfile(ctx, b.token, { name: '张三', idNumber: a.idNumber })
  t.equal(res.statusCode, 409, res.body)
  t.equal(res.json().code, 'GP_CONFLICT')
  t.match(res.json().message, /idNumber/)
  t.same(Object.keys(res.json()).sort(), ['code', 'error', 'message', 'statusCode'])
  // a still owns it.
  const tracer = await ctx.staff('tracer')
  const look = await ctx.inject({ method: 'GET', url: `/v1/people?idNumber=${a.idNumber}&purpose=case-1`, headers: bearerOf(tracer) })
  t.same(look.json().people.map((p: { personId: string }) => p.personId), [a.personId])
})

eachDb('an unknown gridId → 400 naming gridId', async (t, ctx) => {
  const r = await ctx.resident({ profile: false })
  const res = await putProfile(ctx, r.token, { name: '孙八', idNumber: ownIdNumber(), gridId: 'no-such-grid' })
  t.equal(res.statusCode, 400, res.body)
  t.equal(res.json().code, 'GP_VALIDATION')
  t.match(res.json().message, /gridId/)
  const extra = await putProfile(ctx, r.token, { name: '孙八', idNumber: ownIdNumber(), phone: '13800138000' })
  t.equal(extra.statusCode, 400)
  t.match(extra.json().message, /phone/)
})

eachDb('GET /v1/people?idNumber= for staff who may look people up', async (t, ctx) => {
  const gridId = await ctx.grid()
  const r = await ctx.resident({ profile: { name: '周九', gridId } })
  for (const role of ['tracer', 'officer', 'admin', 'gridworker']) {
    const token = role === 'admin' ? await ctx.admin() : await ctx.staff(role, role === 'gridworker' ? { gridIds: [gridId] } : {})
    const res = await ctx.inject({ method: 'GET', url: `/v1/people?idNumber=${r.idNumber}&purpose=case-7`, headers: bearerOf(token) })
    t.equal(res.statusCode, 200, `${role}: ${res.body}`)
    t.same(res.json(), { people: [{ personId: r.personId, name: '周九', gridId, color: 'green' }] }, role)
    const unknown = await ctx.inject({ method: 'GET', url: `/v1/people?idNumber=${ownIdNumber()}&purpose=case-7`, headers: bearerOf(token) })
    t.equal(unknown.statusCode, 200)
    t.same(unknown.json(), { people: [] }, `${role}: an unknown valid number finds nobody`)
  }
  for (const role of ['volunteer']) {
    const res = await ctx.inject({ method: 'GET', url: `/v1/people?idNumber=${r.idNumber}`, headers: bearerOf(await ctx.staff(role)) })
    t.equal(res.statusCode, 403, role)
    t.equal(res.json().code, 'GP_FORBIDDEN')
  }
  const self = await ctx.inject({ method: 'GET', url: `/v1/people?idNumber=${r.idNumber}`, headers: bearerOf(r.token) })
  t.equal(self.statusCode, 403, 'residents cannot look people up')
  const anon = await ctx.inject({ method: 'GET', url: `/v1/people?idNumber=${r.idNumber}` })
  t.equal(anon.statusCode, 401)

  const tracer = await ctx.staff('tracer')
  const bad = await ctx.inject({ method: 'GET', url: `/v1/people?idNumber=${r.idNumber.slice(0, 17)}0&purpose=case-7`, headers: bearerOf(tracer) })
  if (r.idNumber.endsWith('0')) t.equal(bad.statusCode, 200)
  else {
    t.equal(bad.statusCode, 400)
    t.equal(bad.json().code, 'GP_INVALID_ID_NUMBER')
    t.match(bad.json().message, /idNumber/)
  }
  const missing = await ctx.inject({ method: 'GET', url: '/v1/people?purpose=case-7', headers: bearerOf(tracer) })
  t.equal(missing.statusCode, 400)
  t.match(missing.json().message, /idNumber/)
})

eachDb('POST /v1/people registers a person without a phone', async (t, ctx) => {
  const mine = await ctx.grid('mine')
  const theirs = await ctx.grid('theirs')
  const gw = await ctx.staff('gridworker', { gridIds: [mine] })
  const idNumber = ownIdNumber()
  const res = await ctx.inject({ method: 'POST', url: '/v1/people', headers: bearerOf(gw), payload: { name: '吴奶奶', idNumber, gridId: mine } })
  t.equal(res.statusCode, 201, res.body)
  const body = res.json()
  t.same(Object.keys(body).sort(), ['gridId', 'name', 'personId'])
  t.match(body, { name: '吴奶奶', gridId: mine })
  t.match(body.personId, /^[A-Za-z0-9_-]{16,}$/)
  const look = await ctx.inject({ method: 'GET', url: `/v1/people?idNumber=${idNumber}&purpose=reg`, headers: bearerOf(gw) })
  t.same(look.json().people, [{ personId: body.personId, name: '吴奶奶', gridId: mine, color: 'green' }])
  // The registered person can get a printed code.
  const paper = await ctx.inject({ method: 'POST', url: `/v1/people/${body.personId as string}/paper-code`, headers: bearerOf(gw) })
  t.equal(paper.statusCode, 200, paper.body)

  const outside = await ctx.inject({ method: 'POST', url: '/v1/people', headers: bearerOf(gw), payload: { name: '郑爷爷', idNumber: ownIdNumber(), gridId: theirs } })
  t.equal(outside.statusCode, 404, 'a grid worker registers only in own grids: another grid is not found')
  t.equal(outside.json().code, 'GP_NOT_FOUND')
  t.match(outside.json().message, /^body\.gridId: no grid /)
  const audit = (await ctx.inject({ method: 'GET', url: '/v1/audit?limit=5', headers: bearerOf(await ctx.admin()) })).json().entries as Array<{ action: string, target: string }>
  t.ok(audit.some((e) => e.action === 'person.register.out_of_scope' && e.target === theirs), 'the attempt is audited')
  const officer = await ctx.staff('officer')
  const byOfficer = await ctx.inject({ method: 'POST', url: '/v1/people', headers: bearerOf(officer), payload: { name: '郑爷爷', idNumber: ownIdNumber(), gridId: theirs } })
  t.equal(byOfficer.statusCode, 201, byOfficer.body)
  for (const role of ['tracer', 'volunteer']) {
    const denied = await ctx.inject({ method: 'POST', url: '/v1/people', headers: bearerOf(await ctx.staff(role)), payload: { name: '冯', idNumber: ownIdNumber(), gridId: mine } })
    t.equal(denied.statusCode, 403, role)
  }
  const resident = await ctx.resident()
  const byResident = await ctx.inject({ method: 'POST', url: '/v1/people', headers: bearerOf(resident.token), payload: { name: '冯', idNumber: ownIdNumber(), gridId: mine } })
  t.equal(byResident.statusCode, 403)

  const dup = await ctx.inject({ method: 'POST', url: '/v1/people', headers: bearerOf(gw), payload: { name: '吴奶奶', idNumber, gridId: mine } })
  t.equal(dup.statusCode, 409)
  t.equal(dup.json().code, 'GP_CONFLICT')
  const dupResident = await ctx.inject({ method: 'POST', url: '/v1/people', headers: bearerOf(gw), payload: { name: '张三', idNumber: resident.idNumber, gridId: mine } })
  t.equal(dupResident.statusCode, 409, 'a number a resident already bound')
  const badId = await ctx.inject({ method: 'POST', url: '/v1/people', headers: bearerOf(gw), payload: { name: '吴', idNumber: idNumber.slice(0, 17), gridId: mine } })
  t.equal(badId.statusCode, 400)
  t.equal(badId.json().code, 'GP_INVALID_ID_NUMBER')
  const noGrid = await ctx.inject({ method: 'POST', url: '/v1/people', headers: bearerOf(officer), payload: { name: '吴', idNumber: ownIdNumber() } })
  t.equal(noGrid.statusCode, 400)
  t.match(noGrid.json().message, /gridId/)
  const unknownGrid = await ctx.inject({ method: 'POST', url: '/v1/people', headers: bearerOf(officer), payload: { name: '吴', idNumber: ownIdNumber(), gridId: 'nowhere' } })
  t.equal(unknownGrid.statusCode, 400)
  t.match(unknownGrid.json().message, /gridId/)

  // Registered with a phone: logging in with that phone later reaches the same person.
  const phone = nextPhone()
  const withPhone = await ctx.inject({ method: 'POST', url: '/v1/people', headers: bearerOf(gw), payload: { name: '陈', idNumber: ownIdNumber(), gridId: mine, phone } })
  t.equal(withPhone.statusCode, 201, withPhone.body)
  const login = await ctx.resident({ phone, profile: false })
  t.equal(login.personId, withPhone.json().personId)
})

eachDb('personId is random, never derived from the ID number', async (t, ctx) => {
  const idNumber = ownIdNumber()
  const gridId = await ctx.grid()
  const register = async (c: Ctx): Promise<string> => {
    const res = await c.inject({ method: 'POST', url: '/v1/people', headers: bearerOf(await c.admin()), payload: { name: '同名', idNumber, gridId } })
    t.equal(res.statusCode, 201, res.body)
    return res.json().personId as string
  }
  const first = await register(ctx)
  const ctx2 = await makeCtx(t, ctx.dialect, { keysDir: ctx.keysDir })
  await ctx2.grid(gridId)
  const second = await register(ctx2)
  t.not(first, second, 'the same ID number on two databases with the same keys gives two person ids')
  const r1 = await ctx.resident({ profile: false })
  const r2 = await ctx2.resident({ profile: false })
  await putProfile(ctx, r1.token, { name: '甲', idNumber: ownIdNumber() })
  t.not(r1.personId, r2.personId)
  for (const id of [first, second, r1.personId]) {
    t.match(id, /^[A-Za-z0-9_-]{16,}$/)
    t.notOk(id.includes(idNumber.slice(6, 14)), 'no birth date inside')
  }
})

t.test('personal data at rest: the SQLite file holds no ID number, phone or name', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gridpass-pii-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const file = join(dir, 'gridpass.db')
  const ctx = await makeCtx(t, 'sqlite', { config: { databaseUrl: `file:${file}` } })
  const gridId = await ctx.grid()
  const names = ['欧阳明月', '司马青山', '上官云霞']
  const people: Array<{ phone: string, idNumber: string, name: string }> = []
  for (const name of names) {
    const r = await ctx.resident({ profile: { name, gridId } })
    people.push({ phone: r.phone, idNumber: r.idNumber, name })
  }
  const gw = await ctx.staff('gridworker', { gridIds: [gridId] })
  const extra = { phone: nextPhone(), idNumber: ownIdNumber(true), name: '诸葛长风' }
  const reg = await ctx.inject({ method: 'POST', url: '/v1/people', headers: bearerOf(gw), payload: { ...extra, gridId } })
  t.equal(reg.statusCode, 201, reg.body)
  people.push(extra)
  const tracer = await ctx.staff('tracer')
  await ctx.inject({ method: 'GET', url: `/v1/people?idNumber=${extra.idNumber}&purpose=case-9`, headers: bearerOf(tracer) })

  // While the app runs, the WAL may hold the latest pages: check it too.
  const scan = (label: string): void => {
    for (const path of [file, `${file}-wal`]) {
      if (!existsSync(path)) continue
      const bytes = readFileSync(path)
      for (const p of people) {
        for (const [kind, value] of Object.entries(p)) {
          t.equal(bytes.indexOf(Buffer.from(value, 'utf8')), -1, `${label}: ${kind} of ${p.name.slice(0, 1)}* not in ${path.endsWith('-wal') ? 'the WAL' : 'the database file'}`)
        }
      }
    }
  }
  scan('running')
  await ctx.app.close()
  scan('closed')

  const raw = new Database(file, { readonly: true })
  t.teardown(() => { raw.close() })
  const rows = raw.prepare('SELECT id, name_enc, id_number_enc, id_number_idx, phone_enc, phone_idx FROM people WHERE name_enc IS NOT NULL').all() as Array<Record<string, string>>
  t.equal(rows.length, 4)
  for (const row of rows) {
    t.match(row.name_enc, /^v1\.[A-Za-z0-9_-]{40,}$/, 'name is a v1 ciphertext')
    t.match(row.id_number_enc, /^v1\.[A-Za-z0-9_-]{40,}$/, 'ID number is a v1 ciphertext')
    t.match(row.phone_enc, /^v1\.[A-Za-z0-9_-]{40,}$/, 'phone is a v1 ciphertext')
    t.match(row.id_number_idx, /^[A-Za-z0-9_-]{43}$/, 'ID number index is a keyed hash')
    t.match(row.phone_idx, /^[A-Za-z0-9_-]{43}$/, 'phone index is a keyed hash')
  }
  // The same name twice encrypts differently (random IV), so equal names cannot be spotted.
  t.equal(new Set(rows.map((r) => r.name_enc)).size, rows.length)
})

t.test('logs carry no phone, ID number, name, OTP code or token', async (t) => {
  const lines: string[] = []
  const logStream = { write (line: string) { lines.push(line) } }
  const ctx = await makeCtx(t, 'sqlite', { config: { logger: true, logLevel: 'info' }, build: { logStream } })
  const phone = nextPhone()
  const otp = await ctx.inject({ method: 'POST', url: '/v1/auth/otp', payload: { phone } })
  t.equal(otp.statusCode, 202)
  const devCode = otp.json().devCode as string
  const verify = await ctx.inject({ method: 'POST', url: '/v1/auth/otp/verify', payload: { phone, code: devCode } })
  t.equal(verify.statusCode, 200)
  const token = verify.json().accessToken as string
  const name = '慕容秋水'
  const idNumber = ownIdNumber(true)
  const put = await putProfile(ctx, token, { name, idNumber })
  t.equal(put.statusCode, 200)
  const tracer = await ctx.staff('tracer')
  const look = await ctx.inject({ method: 'GET', url: `/v1/people?idNumber=${idNumber}&purpose=case-5`, headers: bearerOf(tracer) })
  t.equal(look.statusCode, 200)
  const lookLower = await ctx.inject({ method: 'GET', url: `/v1/people?purpose=case-5&idNumber=${idNumber.toLowerCase()}`, headers: bearerOf(tracer) })
  t.equal(lookLower.statusCode, 200)
  // Refusals: an invalid number, a bad phone, a conflict.
  const invalid = await putProfile(ctx, token, { name, idNumber: idNumber.slice(0, 17) })
  t.equal(invalid.statusCode, 400)
  const badPhone = await ctx.inject({ method: 'POST', url: '/v1/auth/otp', payload: { phone: `${phone}9` } })
  t.equal(badPhone.statusCode, 400)
  const wrongCode = await ctx.inject({ method: 'POST', url: '/v1/auth/otp/verify', payload: { phone, code: devCode === '000000' ? '000001' : '000000' } })
  t.equal(wrongCode.statusCode, 401)

  const log = lines.join('')
  t.ok(lines.length >= 10, `requests were logged (${lines.length} lines)`)
  t.match(log, /"url":"\/v1\/people\?idNumber=\*&purpose=\*"/, 'the lookup is logged with its query values hidden')
  // The OTP code is six digits: look for it as a JSON string so a response time cannot match by chance.
  t.notOk(log.includes(`"${devCode}"`), 'no OTP code in the log')
  t.notOk(log.includes('devCode'), 'no devCode field in the log')
  for (const [kind, value] of Object.entries({ phone, idNumber, idNumberLower: idNumber.toLowerCase(), idNumberBirth: idNumber.slice(6, 14), name, token, tracer })) {
    t.notOk(log.includes(value), `no ${kind} in the log`)
  }
})

eachDb('concurrent claims of one ID number: one wins, the rest get 409, never 500', async (t, ctx) => {
  const gridId = await ctx.grid()
  const admin = await ctx.admin()
  const registered = ownIdNumber()
  const regs = await Promise.all(Array.from({ length: 6 }, async () => ctx.inject({ method: 'POST', url: '/v1/people', headers: bearerOf(admin), payload: { name: '并发', idNumber: registered, gridId } })))
  t.same(regs.map((r) => r.statusCode).sort(), [201, 409, 409, 409, 409, 409], regs.map((r) => r.body).join('\n'))
  for (const r of regs.filter((x) => x.statusCode === 409)) t.equal(r.json().code, 'GP_CONFLICT')

  const residents = await Promise.all(Array.from({ length: 6 }, async () => ctx.resident({ profile: false })))
  const bound = ownIdNumber()
  const puts = await Promise.all(residents.map(async (r) => putProfile(ctx, r.token, { name: '并发', idNumber: bound })))
  t.same(puts.map((r) => r.statusCode).sort(), [200, 409, 409, 409, 409, 409], puts.map((r) => r.body).join('\n'))
  for (const r of puts.filter((x) => x.statusCode === 409)) t.match(r.json(), { code: 'GP_CONFLICT', message: /idNumber/ })
})

// The demo county's people at work for scripts/seed.ts: grid workers and officers (one shared demo password), the
// communities' doctors and police officers, today's duty roster, the high-risk-area list, an open screening round of
// the city with about 30 % of households screened (returnees among them), and the GBK register files.
import { writeFileSync } from 'node:fs'
import type { Pii } from '../../src/lib/pii.ts'
import { MAX_IMPORT_ROWS } from '../../src/modules/imports/imports.service.ts'
import { formatRegisterCsvGbk, type RegisterRow } from '../../src/modules/imports/register-csv.ts'
import type { MemberData } from '../../src/modules/screening/screening.service.ts'
import type { Rng } from './seed-rng.ts'

/** The password of every seeded staff account (grid workers, officers, volunteers): a demo, documented in docs/seed.md. */
export const DEMO_PASSWORD = 'yidu-demo-2020'

const DAY = 86_400_000
const HOUR = 3_600_000
const TZ_OFFSET = 8 * HOUR
/** A return from a listed area turns red until 14 days after it (status rule high_risk_travel). */
const HIGH_RISK_DAYS = 14

type Value = string | number | boolean | null
export interface Writer { stream: (table: string, columns: string[]) => { add: (row: Value[]) => Promise<void> | undefined, end: () => Promise<number> } }

/** The high-risk-area list (GB/T 2260 codes: a city's XXYY00 covers its districts). */
const HIGH_RISK = [
  { code: '420100', name: '武汉市' },
  { code: '420900', name: '孝感市' },
  { code: '421100', name: '黄冈市' }
]
/** Places people came back from that are not listed. */
const ELSEWHERE = ['宜昌市', '荆州市', '长沙市', '广州市', '深圳市', '上海市']

export interface StaffPlan {
  users: Value[][]
  /** The grid worker (username) of each grid. */
  workerOf: Map<string, string>
  counts: { gridWorkers: number, officers: number }
}

/**
 * Grid workers, about 3 per community (its grids dealt out among them; fewer when it has fewer grids): gw0001 …;
 * officers: officer-city for the whole city and officer-01 … officer-10, one per street, scoped to it.
 */
export function staffPlan (rng: Rng, o: { hash: string, created: number, cityId: string, streetIds: string[], gridsOfCommunity: string[][] }): StaffPlan {
  const users: Value[][] = []
  const workerOf = new Map<string, string>()
  let serial = 0
  for (const grids of o.gridsOfCommunity) {
    const n = Math.min(3, grids.length)
    const mine: string[][] = Array.from({ length: n }, () => [])
    grids.forEach((g, i) => { (mine[i % n] as string[]).push(g) })
    for (const list of mine) {
      const username = `gw${String(++serial).padStart(4, '0')}`
      for (const g of list) workerOf.set(g, username)
      users.push([rng.id(), username, o.hash, 'gridworker', '[]', JSON.stringify(list), '[]', o.created])
    }
  }
  users.push([rng.id(), 'officer-city', o.hash, 'officer', '[]', '[]', JSON.stringify([o.cityId]), o.created])
  o.streetIds.forEach((id, i) => users.push([rng.id(), `officer-${String(i + 1).padStart(2, '0')}`, o.hash, 'officer', '[]', '[]', JSON.stringify([id]), o.created]))
  return { users, workerOf, counts: { gridWorkers: serial, officers: o.streetIds.length + 1 } }
}
export const USER_COLUMNS = ['id', 'username', 'password_hash', 'role', 'checkpoint_ids', 'grid_ids', 'area_ids', 'created_at']

export interface Household { id: string, gridId: string, members: number[] }
export interface ScreeningPlan {
  roundId: string
  openedAt: number
  screenings: Value[][]
  members: Array<{ row: Value[], data: MemberData }>
  /** Status entries of the returnees from a listed area (rule high_risk_travel), by person index. */
  entries: Map<number, { since: number, until: number, screeningId: string, place: string, returnedAt: number, actor: string }>
  returnees: number
}

/**
 * One open round for the city, opened 4 days before the end; about 30 % of households screened since by their grid's
 * worker, every member present; 3.5 % of the adults screened came back from elsewhere in the last 20 days, a third of
 * them from a listed area in the last 12 days (red until 14 days after the return: `red(person, since, until)` makes
 * them red in the routines too, and says whether they were green; otherwise the return is from an unlisted place).
 */
export function screeningPlan (rng: Rng, o: { end: number, households: Household[], ages: (person: number) => number, personId: (person: number) => string, workerOf: Map<string, string>, red: (person: number, since: number, until: number) => boolean }): ScreeningPlan {
  const roundId = rng.id()
  const openedAt = o.end - 4 * DAY
  const plan: ScreeningPlan = { roundId, openedAt, screenings: [], members: [], entries: new Map(), returnees: 0 }
  for (const h of o.households) {
    if (!rng.chance(0.3) || h.members.length === 0) continue
    const id = rng.id()
    const at = Math.round(openedAt + rng.float() * (o.end - HOUR - openedAt))
    const by = o.workerOf.get(h.gridId) ?? 'seed'
    plan.screenings.push([id, roundId, h.id, h.gridId, true, null, by, at])
    for (const p of h.members) {
      const data: MemberData = { temperature: Math.round(rng.between(36.0, 37.2) * 10) / 10, symptoms: [], returnedFrom: null, returnedAt: null, plate: null, highRisk: null, rules: [] }
      if (o.ages(p) >= 16 && rng.chance(0.035)) {
        plan.returnees++
        const listed = rng.chance(1 / 3) ? rng.pick(HIGH_RISK) : null
        data.returnedAt = Math.round(at - rng.between(1, listed !== null ? 12 : 20) * DAY)
        data.returnedFrom = listed?.name ?? rng.pick(ELSEWHERE)
        const until = data.returnedAt + HIGH_RISK_DAYS * DAY
        if (listed !== null && o.red(p, at, until)) {
          data.highRisk = listed
          data.rules = ['high_risk_travel']
          plan.entries.set(p, { since: at, until, screeningId: id, place: listed.name, returnedAt: data.returnedAt, actor: `gridworker:${by}` })
        } else if (listed !== null) {
          data.returnedFrom = rng.pick(ELSEWHERE)
        }
      }
      plan.members.push({ row: [id, o.personId(p), roundId, h.gridId, data.returnedFrom !== null], data })
    }
  }
  return plan
}

/** Writes the staff, teams, roster, list and round; returns rows written per table. */
export async function writeStaff (out: Writer, rng: Rng, pii: Pii, o: {
  end: number, created: number, cityId: string, communityIds: string[], staff: StaffPlan, screening: ScreeningPlan,
  checkpoints: Array<{ id: string, actors: string[] }>, name: () => string
}): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  const write = async (table: string, columns: string[], rows: Iterable<Value[]>): Promise<void> => {
    const s = out.stream(table, columns)
    for (const r of rows) await s.add(r)
    counts[table] = (counts[table] ?? 0) + await s.end()
  }
  await write('users', USER_COLUMNS, o.staff.users)

  // The 1+1 of each community: its doctor (a mobile) and police officer (the station's landline), {name, phone} sealed
  // as the teams module writes them.
  const mobile = (): string => `1${rng.pick(['39', '58', '86', '77'])}${String(rng.int(100_000_000)).padStart(8, '0')}`
  await write('area_teams', ['area_id', 'doctor_enc', 'police_enc', 'updated_by', 'updated_at'], o.communityIds.map((id) => [
    id, pii.encrypt(JSON.stringify({ name: o.name(), phone: mobile() })), pii.encrypt(JSON.stringify({ name: o.name(), phone: `0717-48${String(rng.int(100_000)).padStart(5, '0')}` })), 'seed', o.created
  ]))

  // Today's roster (the local day of the end): three shifts of 8 hours, the checkpoint's first three volunteers.
  const today = Math.floor((o.end + TZ_OFFSET) / DAY) * DAY - TZ_OFFSET
  const shifts: Value[][] = []
  for (const c of o.checkpoints) {
    for (let k = 0; k < 3 && k < c.actors.length; k++) shifts.push([rng.id(), c.id, c.actors[k] as string, today + k * 8 * HOUR, today + (k + 1) * 8 * HOUR, 'seed', Math.min(o.end, today)])
  }
  await write('duty_shifts', ['id', 'checkpoint_id', 'user_id', 'starts_at', 'ends_at', 'created_by', 'created_at'], shifts)

  await write('high_risk_areas', ['code', 'name', 'from_at', 'to_at', 'updated_by', 'updated_at'], HIGH_RISK.map((a) => [a.code, a.name, o.end - 30 * DAY, null, 'officer-city', o.end - 30 * DAY]))
  const s = o.screening
  await write('screening_rounds', ['id', 'area_id', 'name', 'opened_by', 'opened_at', 'closed_by', 'closed_at'], [[s.roundId, o.cityId, '第一轮入户排查', 'officer-city', s.openedAt, null, null]])
  await write('screenings', ['id', 'round_id', 'household_id', 'grid_id', 'present', 'note_enc', 'screened_by', 'screened_at'], s.screenings)
  // Each member's result sealed as the screening module writes it (MemberData as JSON).
  await write('screening_members', ['screening_id', 'person_id', 'round_id', 'grid_id', 'returned', 'data_enc'], s.members.map((m) => [...m.row, pii.encrypt(JSON.stringify(m.data))]))
  return counts
}

/** The status entries a screening writes for a return from a listed area (reason and detail sealed, as the status module does). */
export function returneeEntry (rng: Rng, pii: Pii, personId: string, roundId: string, e: ScreeningPlan['entries'] extends Map<number, infer V> ? V : never): Value[] {
  const detail = { screening: { id: e.screeningId, roundId, place: e.place, returnedAt: e.returnedAt } }
  return [rng.id(), personId, 'high_risk_travel', 'red', e.since, e.until, e.actor, pii.encrypt('door-to-door screening'), pii.encrypt(JSON.stringify(detail)), e.screeningId, e.since]
}

/**
 * The register of the same people as GBK CSV (姓名,身份证号,手机号,网格,住址), for POST /v1/imports/residents. A file
 * holds at most MAX_IMPORT_ROWS rows: more are split into `<name>-1.csv`, `<name>-2.csv` …, never inside a household.
 */
export function writeRegister (path: string, rows: RegisterRow[], householdOf: (i: number) => number): string[] {
  // As many files as needed, of about equal size, each cut moved back to the start of its household (at most 5 rows:
  // households have at most 6 people), so no file exceeds the limit.
  const k = Math.max(1, Math.ceil(rows.length / (MAX_IMPORT_ROWS - 6)))
  const cuts = [0]
  for (let i = 1; i < k; i++) {
    let cut = Math.round(i * rows.length / k)
    while (cut > (cuts[cuts.length - 1] as number) + 1 && householdOf(cut) === householdOf(cut - 1)) cut--
    cuts.push(cut)
  }
  cuts.push(rows.length)
  const parts = cuts.slice(1).map((to, i): [number, number] => [cuts[i] as number, to])
  const names = parts.length === 1 ? [path] : parts.map((_, i) => path.replace(/(\.csv)?$/i, (ext) => `-${i + 1}${ext === '' ? '.csv' : ext}`))
  parts.forEach(([a, b], i) => writeFileSync(names[i] as string, formatRegisterCsvGbk(rows.slice(a, b))))
  return names
}

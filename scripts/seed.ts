// npm run seed -- [--seed 1] [--scale 1] [--db file:./data/county.db | postgres://…] [--keys ./keys] [--end ISO-8601] [--force]
//                 [--register-file ./data/register.csv] [--pg-schema name]
//
// Builds the demo county of 宜都 (Yidu): its area tree (宜都市, its 10 streets and towns, 300 communities and villages,
// 998 grids), about 400,000 residents in about 111,800 households of 1 to 6 people (names, GB 11643 ID numbers, phones
// and addresses encrypted with the data key of --keys, blind indexes too), 1,090 checkpoints in grids (300 community
// and village gates, 30 traffic gates, 760 venues: markets, restaurants, clinics, school buildings, factory
// workshops), each community's 1+1+N+K team (doctor, police officer, about 3 grid workers, its checkpoints and their
// volunteers on today's roster), a high-risk-area list and an open screening round of the city (30 % of households
// screened, returnees among them), a few yellow and red statuses, and 28 days of movement ending at --end (default:
// now). What the tracing tiers need: household cars (1–5 occupants scanned seconds apart with the car's plate at
// traffic gates), buses (a plate per bus, up to about 45 riders scanned within a minute), and stays at venues (in and
// out: market 20–60 min, restaurant 40–90, clinic 30–120, a working day as a morning and an afternoon stay under the
// 4 h limit). --register-file writes the register of the same people as GBK CSV for POST /v1/imports/residents (in
// files of at most 200,000 rows). Every seeded staff account signs in with the demo password (DEMO_PASSWORD of
// scripts/lib/seed-staff.ts: one scrypt hash shared by all). docs/seed.md has the distributions.
//
// Deterministic: the same --seed, --scale and --end give the same rows, byte for byte apart from the encryption
// nonces (AES-GCM ciphertexts differ; blind indexes do not). All data comes from a seeded PRNG (sfc32), never from
// Math.random or randomUUID. Scan ids are UUIDv7-shaped (time first), so the load appends to the primary key.
//
// Fast: the service's migrations first, then raw SQL. SQLite: prepared statements, transactions of 100,000 rows,
// synchronous=OFF while seeding (restored after), the two scans indexes dropped before the load and recreated
// after it. PostgreSQL: one INSERT … SELECT FROM unnest($1::text[], …) per 20,000 rows (one round trip, no
// per-row parameters), overlapping the generation of the next chunk; indexes and foreign keys of scans dropped
// around the load and recreated (the foreign keys are validated then), VACUUM (ANALYZE) at the end.
import { existsSync, rmSync, statSync } from 'node:fs'
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'
import pg from 'pg'
import cliProgress from 'cli-progress'
import { createDb } from '../src/db/index.ts'
import { checkCharacter } from '../src/lib/id-number.ts'
import { ensureKeys, loadKeyring } from '../src/lib/keyring.ts'
import { createPii, type Pii } from '../src/lib/pii.ts'
import { MAX_STAY_MS } from '../src/db/stays.ts'
import { SCAN_HOURS_FROM_SCANS } from '../src/db/scan-queries.ts'
import { hashPassword } from '../src/lib/password.ts'
import type { RegisterRow } from '../src/modules/imports/register-csv.ts'
import { Rng } from './lib/seed-rng.ts'
import { addressIndex, addressOf, areaTree, CENTER, homes as homePlan, KM_LAT, KM_LON, type Home } from './lib/seed-structure.ts'
import { DEMO_PASSWORD, returneeEntry, screeningPlan, staffPlan, writeRegister, writeStaff } from './lib/seed-staff.ts'

const DAY = 86_400_000
const MIN = 60_000
/** Yidu is in UTC+8: routines are in local time. */
const TZ_OFFSET = 8 * 3_600_000
const DAYS = 28

// ---------------------------------------------------------------------------------------------------------------
// Bulk writers
// ---------------------------------------------------------------------------------------------------------------

type Value = string | number | boolean | null

/** Rows of one table, written in big transactions. add() returns a promise only when the caller must wait for it. */
interface Stream {
  add: (row: Value[]) => Promise<void> | undefined
  /** Writes what is buffered and commits; resolves when the database has it all. Returns the rows written. */
  end: () => Promise<number>
}

interface Loader {
  dialect: 'sqlite' | 'pg'
  stream: (table: string, columns: string[]) => Stream
  count: (table: string) => Promise<number>
  /**
   * Drops the scans indexes (and, on PostgreSQL, its foreign keys) and turns its triggers off; returns the statements
   * that restore them.
   */
  dropScanIndexes: () => Promise<string[]>
  exec: (statement: string) => Promise<void>
  finish: () => Promise<void>
  size: () => Promise<number>
  close: () => Promise<void>
}

/** SQLite: rows per multi-row INSERT, rows per transaction. */
const MULTI = Number(process.env.SEED_MULTI ?? 32)
const SQLITE_TX_ROWS = 100_000
/** PostgreSQL: rows per INSERT … SELECT FROM unnest(…) (one statement, one transaction). */
const PG_CHUNK = 20_000

async function openSqliteLoader (path: string): Promise<Loader> {
  const db = new Database(path)
  const journal = db.pragma('journal_mode', { simple: true }) as string
  const synchronous = db.pragma('synchronous', { simple: true }) as number
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = OFF') // seeding only: restored in finish()
  db.pragma('cache_size = -524288') // 512 MiB while loading
  const size = (): number => [path, `${path}-wal`].reduce((s, f) => s + (existsSync(f) ? statSync(f).size : 0), 0)
  return {
    dialect: 'sqlite',
    stream (table, columns) {
      const width = columns.length
      const tuple = `(${columns.map(() => '?').join(', ')})`
      const one = db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuple}`)
      const many = db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array.from({ length: MULTI }, () => tuple).join(', ')}`)
      const flat: Value[] = new Array(width * MULTI)
      let k = 0
      let n = 0
      const flush = (): void => {
        for (let r = 0; r < k; r++) one.run(flat.slice(r * width, (r + 1) * width))
        k = 0
        if (db.inTransaction) db.exec('COMMIT')
      }
      return {
        add (row) {
          if (!db.inTransaction) db.exec('BEGIN')
          const base = k * width
          for (let c = 0; c < width; c++) {
            const v = row[c] as Value
            flat[base + c] = typeof v === 'boolean' ? (v ? 1 : 0) : v
          }
          if (++k === MULTI) { many.run(flat); k = 0 }
          if (++n % SQLITE_TX_ROWS === 0) flush()
          return undefined
        },
        async end () { flush(); return n }
      }
    },
    async count (table) { return db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number },
    async dropScanIndexes () {
      // Indexes first, then the triggers (migration 0005's stays triggers; the seed writes stay_start itself).
      const defs = db.prepare("SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name = 'scans' AND sql IS NOT NULL ORDER BY type, name").all() as Array<{ type: string, name: string, sql: string }>
      for (const d of defs) db.exec(`DROP ${d.type.toUpperCase()} ${d.name}`)
      return defs.map((d) => d.sql)
    },
    async exec (statement) { db.exec(statement) },
    async finish () {
      db.pragma('wal_checkpoint(TRUNCATE)')
      db.pragma(`synchronous = ${synchronous}`)
      db.pragma(`journal_mode = ${journal}`)
    },
    size: async () => size(),
    async close () { db.close() }
  }
}

async function openPgLoader (url: string, schema?: string): Promise<Loader> {
  const client = new pg.Client({ connectionString: url, ...(schema !== undefined ? { options: `-c search_path=${schema}` } : {}) })
  await client.connect()
  await client.query('SET synchronous_commit = off')
  const types = async (table: string): Promise<Map<string, string>> => {
    const r = await client.query<{ column_name: string, udt_name: string }>('SELECT column_name, udt_name FROM information_schema.columns WHERE table_name = $1 AND table_schema = current_schema()', [table])
    return new Map(r.rows.map((x) => [x.column_name, x.udt_name]))
  }
  // One statement on the wire while the next chunk is generated.
  let inFlight: Promise<unknown> = Promise.resolve()
  return {
    dialect: 'pg',
    stream (table, columns) {
      let text: Promise<string> | null = null
      let values: Value[][] = columns.map(() => [])
      let n = 0
      const send = async (): Promise<void> => {
        text ??= types(table).then((t) => `INSERT INTO ${table} (${columns.join(', ')}) SELECT * FROM unnest(${columns.map((c, i) => `$${i + 1}::${t.get(c) ?? 'text'}[]`).join(', ')})`)
        const params = values
        values = columns.map(() => [])
        const statement = await text
        await inFlight
        inFlight = client.query(statement, params)
        inFlight.catch(() => undefined)
      }
      return {
        add (row) {
          for (let c = 0; c < row.length; c++) (values[c] as Value[]).push(row[c] as Value)
          return ++n % PG_CHUNK === 0 ? send() : undefined
        },
        async end () {
          if ((values[0] as Value[]).length > 0) await send()
          await inFlight
          return n
        }
      }
    },
    async count (table) { return Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n) },
    async dropScanIndexes () {
      const idx = await client.query<{ indexname: string, indexdef: string }>("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'scans' AND schemaname = current_schema() AND indexname NOT IN (SELECT conname FROM pg_constraint) ORDER BY indexname")
      const fks = await client.query<{ conname: string, def: string }>("SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'scans'::regclass AND contype = 'f' ORDER BY conname")
      for (const i of idx.rows) await client.query(`DROP INDEX ${i.indexname}`)
      for (const f of fks.rows) await client.query(`ALTER TABLE scans DROP CONSTRAINT ${f.conname}`)
      // The stays triggers (migration 0005) too: the seed writes stay_start itself.
      await client.query('ALTER TABLE scans DISABLE TRIGGER USER')
      return [...idx.rows.map((i) => i.indexdef), ...fks.rows.map((f) => `ALTER TABLE scans ADD CONSTRAINT ${f.conname} ${f.def}`), 'ALTER TABLE scans ENABLE TRIGGER USER']
    },
    async exec (statement) { await client.query(statement) },
    // VACUUM too: a settled database has a current visibility map (autovacuum), so tracing's reads are index-only.
    async finish () { await client.query('VACUUM (ANALYZE)') },
    async size () { return Number((await client.query<{ n: string }>('SELECT pg_database_size(current_database()) AS n')).rows[0]?.n) },
    async close () { await inFlight.catch(() => undefined); await client.end() }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The county
// ---------------------------------------------------------------------------------------------------------------


type Kind = 'community' | 'village' | 'traffic' | 'venue'
type VenueType = 'market' | 'restaurant' | 'clinic' | 'school' | 'factory'
/** Community gates and village gates: one per community (社区) and village (村) of the area tree. */
const COUNTS: Record<Exclude<Kind, 'venue'>, number> = { community: 210, village: 90, traffic: 30 }
/** Venue checkpoints: a school's teaching buildings and a factory's workshops are checkpoints of their own. */
const VENUE_COUNTS: Record<VenueType, number> = { market: 40, restaurant: 200, clinic: 40, school: 180, factory: 300 }
const VENUE_ORDER: VenueType[] = ['market', 'restaurant', 'clinic', 'school', 'factory']

/** home: the index of its community or village (homes of seed-structure.ts) for a community or village gate. */
interface Checkpoint { i: number, id: string, name: string, kind: Kind, venue: VenueType | null, lat: number, lon: number, gridId: string | null, grids: string[], actors: string[], home: number }

const TRAFFIC_NAMES = ['G50沪渝高速宜都收费站', '宜都长江大桥', '清江大桥', '枝城长江大桥', 'G351 宜都—长阳界', 'S255 宜都—松滋界', 'G318 宜都—枝江界', '呼北高速宜都西收费站', '高坝洲大桥', '红花套渡口']
const VENUE_NAMES: Record<VenueType, string[]> = {
  market: ['陆城农贸市场', '东门菜市场', '清江农贸市场', '枝城农贸市场', '红花套集贸市场', '园林菜市场', '名都生鲜市场', '高坝洲集贸市场'],
  restaurant: ['老宜都饭店', '清江鱼馆', '土家菜馆', '合江面馆', '滨江大酒店', '家常菜馆', '宜红茶餐厅', '烧烤店', '早点铺', '火锅店'],
  clinic: ['宜都市人民医院门诊楼', '宜都市中医医院门诊部', '宜都市妇幼保健院门诊', '陆城社区卫生服务中心', '枝城镇卫生院门诊', '红花套镇卫生院门诊', '园林诊所', '东门诊所'],
  // Schools and factories are named by their site; the checkpoint is a building or a workshop of it.
  school: ['宜都市第一中学', '宜都市实验小学', '外国语学校', '宜都职业技术学校', '陆城二中', '清江小学'],
  factory: ['宜化工业园', '东阳光药业', '华新水泥厂', '宜都经济开发区', '兴发化工', '三峡电缆厂']
}
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '高', '林', '罗', '郑', '梁', '谢', '宋', '唐', '许', '韩', '冯', '邓', '曹', '彭', '曾', '肖', '田', '董', '袁', '潘', '蒋', '蔡', '余', '杜', '叶', '程', '魏', '覃', '向', '欧阳', '司马', '诸葛']
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀', '霞', '平', '刚', '桂', '英', '华', '建', '国', '文', '红', '玉', '兰', '俊', '浩', '宇', '欣', '怡', '子', '梓', '涵', '晨', '轩']
const PHONE_PREFIXES = ['130', '131', '132', '133', '135', '136', '137', '138', '139', '150', '151', '152', '155', '157', '158', '159', '166', '177', '180', '181', '186', '187', '188', '189', '191', '199']
const PLATE_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789'

const Role = { Infant: 0, Student: 1, Worker: 2, Homebody: 3 } as const
type Role = typeof Role[keyof typeof Role]

interface Person {
  id: string
  hh: number
  role: Role
  age: number
  phone: boolean
  /** Paper codes carry one jti for 28 days. */
  paperJti: string
  /** Workplace or school checkpoint, or -1. */
  work: number
  /** Crosses the household's traffic gate to get to work. */
  commutes: boolean
  /** Minutes after midnight: usual departure and end of work, and minutes from home to work. */
  leave: number
  end: number
  travel: number
  saturday: boolean
  /** 0 green, 1 yellow, 2 red from statusSince to statusUntil. */
  status: number
  statusSince: number
  statusUntil: number
}

/**
 * A household: its home gate, the traffic gate it crosses to leave the area, its car (a plate index, or -1: it takes
 * the bus), its usual market and restaurant, and the minutes after midnight its car leaves and comes back.
 */
interface Household { home: number, gate: number, plate: number, members: number[], leave: number, back: number, drive: number, market: number, restaurant: number }

interface World {
  /** The communities and villages, each behind its gate (checkpoint.home). */
  homes: Home[]
  grids: Array<{ id: string, name: string, home: number }>
  checkpoints: Checkpoint[]
  users: Array<{ id: string, username: string, checkpointId: string }>
  people: Person[]
  households: Household[]
  plates: string[]
  /** Bus plates by traffic gate (checkpoint index): `perSlot` buses leave every 20 minutes, from a fleet of 6 × perSlot. */
  buses: Map<number, { perSlot: number, fleet: number[] }>
}

function count (kind: Exclude<Kind, 'venue'>, scale: number): number {
  return Math.max(1, Math.round(COUNTS[kind] * scale))
}

function polar (rng: Rng, minKm: number, maxKm: number, center = CENTER): { lat: number, lon: number } {
  const r = Math.sqrt(rng.between(minKm * minKm, maxKm * maxKm))
  const a = rng.float() * 2 * Math.PI
  return { lat: +(center.lat + r * Math.sin(a) * KM_LAT).toFixed(6), lon: +(center.lon + r * Math.cos(a) * KM_LON).toFixed(6) }
}

const distance = (a: { lat: number, lon: number }, b: { lat: number, lon: number }): number =>
  Math.hypot((a.lat - b.lat) / KM_LAT, (a.lon - b.lon) / KM_LON)

function plate (rng: Rng): string {
  let s = '鄂E'
  for (let i = 0; i < 5; i++) s += PLATE_CHARS[rng.int(i < 1 ? 24 : PLATE_CHARS.length)]
  return s
}

/** Household sizes drawn from: 2 of one person, 5 of two, 9 of three, 9 of four, 5 of five, 3 of six (mean 3.58). */
const HOUSEHOLD_SIZES = [1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 6, 6, 6]

/** Riders per bus the fleet is sized for. */
const BUS_SEATS = 45

function buildWorld (rng: Rng, scale: number, start: number): World {
  const checkpoints: Checkpoint[] = []
  const add = (kind: Kind, name: string, at: { lat: number, lon: number }, venue: VenueType | null = null, home = -1): void => {
    checkpoints.push({ i: checkpoints.length, id: rng.id(), name, kind, venue, lat: at.lat, lon: at.lon, gridId: null, grids: [], actors: [], home })
  }
  // Each community and village has its gate, placed around its street's or town's centre.
  const homeList = homePlan(count('community', scale), count('village', scale))
  homeList.forEach((h, i) => add(h.kind, h.gate, polar(rng, h.minKm, h.maxKm, h.center), null, i))
  for (let i = 0; i < count('traffic', scale); i++) {
    add('traffic', `${TRAFFIC_NAMES[i % TRAFFIC_NAMES.length]}${i >= TRAFFIC_NAMES.length ? ` ${Math.floor(i / TRAFFIC_NAMES.length) + 1}号卡口` : ''}`, polar(rng, 4, 28))
  }
  for (const type of VENUE_ORDER) {
    const names = VENUE_NAMES[type]
    const n = Math.max(1, Math.round(VENUE_COUNTS[type] * scale))
    // Schools and factories: buildings or workshops spread over the sites, each site around its own centre.
    const sites = names.map(() => polar(rng, 0, type === 'factory' ? 12 : 4.5))
    for (let i = 0; i < n; i++) {
      const site = i % names.length
      const k = Math.floor(i / names.length) + 1
      const name = type === 'school'
        ? `${names[site] as string}${k}号教学楼`
        : type === 'factory'
          ? `${names[site] as string}${k}号车间`
          : `${names[site] as string}${k > 1 ? ` ${k}号店` : ''}`
      add('venue', name, type === 'school' || type === 'factory' ? polar(rng, 0, 0.6, sites[site]) : polar(rng, 0, 5), type)
    }
  }

  // Grids belong to the community and village gates (the homes), round robin: every home has one at least.
  const homes = checkpoints.filter((c) => c.kind === 'community' || c.kind === 'village')
  const nGrids = Math.max(homes.length, Math.round(998 * scale))
  const grids: World['grids'] = []
  for (let g = 0; g < nGrids; g++) {
    const home = homes[g % homes.length] as Checkpoint
    const id = rng.id()
    grids.push({ id, name: `${(homeList[home.home] as Home).name}第${home.grids.length + 1}网格`, home: home.home })
    home.grids.push(id)
  }
  // Every checkpoint stands in a grid (the battle map draws a community's): a gate in its home's first grid, the
  // others in a grid of the nearest community or village.
  for (const c of checkpoints) {
    if (c.grids.length > 0) { c.gridId = c.grids[0] as string; continue }
    const near = homes.reduce((best, h) => (distance(h, c) < distance(best, c) ? h : best), homes[0] as Checkpoint)
    c.gridId = near.grids[c.i % near.grids.length] as string
  }

  // Volunteers: 3 to 5 per checkpoint (three shifts a day), signing in with the demo password.
  const users: World['users'] = []
  for (const c of checkpoints) {
    const n = 3 + rng.int(3)
    for (let v = 0; v < n; v++) {
      const id = rng.id()
      c.actors.push(id)
      users.push({ id, username: `seed-volunteer-${users.length + 1}`, checkpointId: c.id })
    }
  }

  const traffic = checkpoints.filter((c) => c.kind === 'traffic')
  const ofType = (t: VenueType): Checkpoint[] => checkpoints.filter((c) => c.venue === t)
  const markets = ofType('market')
  const restaurants = ofType('restaurant')
  const clinics = ofType('clinic')
  const schools = ofType('school')
  const factories = ofType('factory')
  const communities = checkpoints.filter((c) => c.kind === 'community')
  const weights = homes.map((h) => (h.kind === 'community' ? 1.2 : 0.8) * (0.5 + rng.float()))
  const cumulative: number[] = []
  weights.reduce((s, w) => { cumulative.push(s + w); return s + w }, 0)
  const pickHome = (): Checkpoint => {
    const x = rng.float() * (cumulative[cumulative.length - 1] as number)
    let lo = 0
    let hi = cumulative.length - 1
    while (lo < hi) { const mid = (lo + hi) >> 1; if ((cumulative[mid] as number) < x) lo = mid + 1; else hi = mid }
    return homes[lo] as Checkpoint
  }
  const nearest = (at: Checkpoint, among: Checkpoint[], k: number): Checkpoint[] => [...among].sort((a, b) => distance(a, at) - distance(b, at)).slice(0, k)
  const nearTraffic = new Map(homes.map((h) => [h.i, nearest(h, traffic, 1)[0] as Checkpoint]))
  const nearMarkets = new Map(homes.map((h) => [h.i, nearest(h, markets, 3)]))
  const nearRestaurants = new Map(homes.map((h) => [h.i, nearest(h, restaurants, 8)]))

  const plates: string[] = []
  const plateSeen = new Set<string>()
  const newPlate = (): number => {
    let p = plate(rng)
    while (plateSeen.has(p)) p = plate(rng)
    plateSeen.add(p)
    plates.push(p)
    return plates.length - 1
  }

  const total = Math.round(400_000 * scale)
  const people: Person[] = []
  const households: Household[] = []
  while (people.length < total) {
    const home = pickHome()
    const village = home.kind === 'village'
    // 1 to 6 people, mean 3.58 (宜都: 392,422 people in 111,520 households).
    const size = Math.min(total - people.length, rng.pick(HOUSEHOLD_SIZES))
    const gate = village ? nearTraffic.get(home.i) as Checkpoint : rng.pick(traffic)
    const hh: Household = {
      home: home.i, gate: gate.i, plate: rng.chance(village ? 0.55 : 0.65) ? newPlate() : -1, members: [],
      leave: Math.round(rng.between(6 * 60 + 30, 7 * 60 + 40)), back: Math.round(rng.between(17 * 60 + 15, 18 * 60 + 45)),
      drive: Math.round(rng.between(village ? 12 : 8, village ? 35 : 20)),
      market: rng.pick(nearMarkets.get(home.i) as Checkpoint[]).i, restaurant: rng.pick(nearRestaurants.get(home.i) as Checkpoint[]).i
    }
    const h = households.length
    households.push(hh)
    for (let m = 0; m < size; m++) {
      // The first two are adults, then children or an elder.
      const age = m < 2 ? Math.round(rng.between(22, 72)) : rng.chance(0.7) ? Math.round(rng.between(0, 18)) : Math.round(rng.between(60, 92))
      let role = age < 6 ? Role.Infant : age < 18 ? Role.Student : age < 60 && rng.chance(0.8) ? Role.Worker : Role.Homebody
      let work = -1
      if (role === Role.Student) {
        if (schools.length > 0) work = rng.pick(schools).i
        else role = Role.Homebody
      } else if (role === Role.Worker) {
        // 55 % at a venue (three in four of them in a factory workshop), the rest in offices and shops behind a
        // community gate (a working day there is two points: in and out more than 4 h apart).
        const x = rng.float()
        const pool = communities.length < 2 || x < 0.41 ? factories : x < 0.455 ? markets : x < 0.495 ? restaurants : x < 0.55 ? clinics : communities.filter((c) => c.i !== home.i)
        work = rng.pick(pool).i
      }
      const commutes = (role === Role.Worker && (village || rng.chance(0.12))) || (role === Role.Student && village)
      people.push({
        id: rng.id(), hh: h, role, age, phone: age >= 12 && age < 80 ? rng.chance(0.94) : rng.chance(0.3), paperJti: rng.id(),
        work, commutes,
        leave: Math.round(role === Role.Student ? rng.between(6 * 60 + 50, 7 * 60 + 30) : rng.between(7 * 60 + 10, 8 * 60 + 40)),
        end: Math.round(role === Role.Student ? rng.between(16 * 60 + 30, 17 * 60 + 30) : rng.between(17 * 60, 18 * 60 + 30)),
        travel: Math.round(rng.between(6, 25)),
        saturday: role === Role.Worker && rng.chance(0.18),
        status: 0, statusSince: 0, statusUntil: 0
      })
      hh.members.push(people.length - 1)
    }
  }
  // Buses: enough per 20-minute slot for the gate's commuters without a car (they leave over about an hour).
  const riders = new Map<number, number>()
  for (const p of people) {
    const hh = households[p.hh] as Household
    if (p.commutes && hh.plate < 0) riders.set(hh.gate, (riders.get(hh.gate) ?? 0) + 1)
  }
  const buses = new Map(traffic.map((c) => {
    const perSlot = Math.max(1, Math.ceil((riders.get(c.i) ?? 0) / 3 / BUS_SEATS))
    return [c.i, { perSlot, fleet: Array.from({ length: 6 * perSlot }, newPlate) }]
  }))
  // About 5 % yellow (symptoms, 7 days) and 1 % red (declared contact, 14 days), starting during the 28 days.
  for (const p of people) {
    const x = rng.float()
    if (x < 0.06) {
      p.status = x < 0.01 ? 2 : 1
      p.statusSince = start + Math.floor(rng.float() * (DAYS - 1)) * DAY + Math.round(rng.between(8, 20) * 3_600_000)
      p.statusUntil = p.statusSince + (p.status === 2 ? 14 : 7) * DAY
    }
  }
  return { homes: homeList, grids, checkpoints, users, people, households, plates, buses }
}

/** A valid GB 11643 ID number of Yidu (420581): date of birth from the age, sequence unique per date and sex. */
function idNumbers (rng: Rng, people: Person[], end: number): string[] {
  const used = new Map<string, number>()
  return people.map((p) => {
    // Born before the 28 days begin (a date of birth after the time of validation would be refused).
    let birth = new Date(end - (DAYS + p.age * 365.25 + rng.float() * 365) * DAY)
    const male = rng.chance(0.51)
    for (;;) {
      const ymd = birth.toISOString().slice(0, 10).replaceAll('-', '')
      const n = used.get(ymd) ?? 0
      if (n < 99) {
        used.set(ymd, n + 1)
        const seq = `${String(n + 1).padStart(2, '0')}${2 * rng.int(5) + (male ? 1 : 0)}`
        const body = `420581${ymd}${seq}`
        return body + checkCharacter(body)
      }
      birth = new Date(birth.getTime() - DAY)
    }
  })
}

function nameOf (rng: Rng): string {
  const surname = rng.float() < 0.02 ? rng.pick(SURNAMES.slice(-3)) : rng.pick(SURNAMES.slice(0, -3))
  return surname + rng.pick(GIVEN) + (rng.chance(0.7) ? rng.pick(GIVEN) : '')
}

// ---------------------------------------------------------------------------------------------------------------
// Movement
// ---------------------------------------------------------------------------------------------------------------

const Dir = { None: 0, In: 1, Out: 2, Pass: 3 } as const
type Dir = typeof Dir[keyof typeof Dir]
const DIRECTIONS = [null, 'in', 'out', 'pass'] as const
/** The event key packs (ms after local midnight, index) in a float64: up to 8.4 M events a day. */
const KEY_SLOTS = 2 ** 23

/** One day's events in typed arrays (a county day is ~1.3 M of them). */
class Events {
  n = 0
  person = new Int32Array(1 << 16)
  cp = new Int32Array(1 << 16)
  t = new Float64Array(1 << 16)
  dir = new Int8Array(1 << 16)
  plate = new Int32Array(1 << 16)
  venue = new Uint8Array(1 << 16)

  push (person: number, cp: number, t: number, dir: Dir, plate: number, venue: boolean): void {
    if (this.n === this.t.length) {
      const grow = <A extends Int32Array | Float64Array | Int8Array | Uint8Array>(a: A): A => {
        const b = new (a.constructor as new (n: number) => A)(a.length * 2)
        b.set(a)
        return b
      }
      this.person = grow(this.person); this.cp = grow(this.cp); this.t = grow(this.t); this.dir = grow(this.dir); this.plate = grow(this.plate); this.venue = grow(this.venue)
    }
    const i = this.n++
    this.person[i] = person; this.cp[i] = cp; this.t[i] = Math.round(t); this.dir[i] = dir; this.plate[i] = plate; this.venue[i] = venue ? 1 : 0
  }

  /** Indexes in time order (ties: in the order generated). */
  order (dayStart: number): Uint32Array {
    if (this.n > KEY_SLOTS) throw new Error(`more than ${KEY_SLOTS} scans in a day: lower --scale`)
    const keys = new Float64Array(this.n)
    for (let i = 0; i < this.n; i++) keys[i] = ((this.t[i] as number) - dayStart) * KEY_SLOTS + i
    keys.sort()
    const out = new Uint32Array(this.n)
    for (let i = 0; i < this.n; i++) out[i] = (keys[i] as number) % KEY_SLOTS
    return out
  }
}

/** The longest stay the seed writes: just under the 4 h limit (MAX_STAY_MS), so a long shift is always a stay. */
const LONGEST_STAY = MAX_STAY_MS / MIN - 5

/** Generates one local day of routines into ev. Times are epoch ms; dayStart is local midnight. */
function day (rng: Rng, w: World, ev: Events, dayStart: number, weekday: number): void {
  const at = (minutes: number): number => dayStart + Math.round(minutes * MIN + rng.float() * MIN)
  const sec = (s: number): number => Math.round(rng.float() * s * 1000)
  const weekend = weekday === 0 || weekday === 6
  const ofType = (t: VenueType): Checkpoint[] => w.checkpoints.filter((c) => c.venue === t)
  const markets = ofType('market')
  const restaurants = ofType('restaurant')
  const clinics = ofType('clinic')
  const active = (p: Person, t: number): number => (p.status !== 0 && t >= p.statusSince && t < p.statusUntil) ? p.status : 0
  const noon = dayStart + 12 * 3_600_000
  const isVenue = (cp: number): boolean => w.checkpoints[cp]?.kind === 'venue'

  /** A stay: in, and (usually: 4 % forget) out `minutes` later. Returns the time of the out. */
  const stay = (p: number, cp: number, tin: number, minutes: number): number => {
    ev.push(p, cp, tin, Dir.In, -1, isVenue(cp))
    const tout = tin + Math.round(minutes * MIN)
    if (rng.chance(0.96)) ev.push(p, cp, tout, Dir.Out, -1, isVenue(cp))
    return tout
  }
  /**
   * Passes a traffic gate: by car (plate ≥ 0) at t, or by the household's bus of the next 20-minute slot (each slot
   * has `perSlot` buses, 2.5 minutes apart; riders are scanned within a minute of their bus).
   */
  const pass = (p: number, gate: number, t: number, car: number, hh: number): number => {
    if (car >= 0) { ev.push(p, gate, t, Dir.Pass, car, false); return t }
    const slot = Math.ceil((t - dayStart) / (20 * MIN))
    const bus = w.buses.get(gate)
    if (bus === undefined) { ev.push(p, gate, t, Dir.Pass, -1, false); return t }
    const j = hh % bus.perSlot
    const tb = dayStart + slot * 20 * MIN + j * 150_000 + sec(60)
    ev.push(p, gate, tb, Dir.Pass, bus.fleet[(slot % 6) * bus.perSlot + j] as number, false)
    return tb
  }
  /**
   * A working day at a venue from tIn to tEnd: a morning and an afternoon stay around a lunch break (each at most
   * LONGEST_STAY: an early arrival leaves for lunch earlier, a late one ends the afternoon earlier). Some eat at a
   * restaurant nearby during the break.
   */
  const workAt = (pi: number, cp: number, tIn: number, tEnd: number): void => {
    const lunchOut = at(11 * 60 + 35 + rng.between(0, 25))
    let lunchIn = lunchOut + Math.round(rng.between(50, 85) * MIN)
    if (tEnd - tIn < 5 * 3_600_000 || tIn >= lunchOut) {
      stay(pi, cp, tIn, Math.min((tEnd - tIn) / MIN, LONGEST_STAY))
      return
    }
    stay(pi, cp, tIn, Math.min((lunchOut - tIn) / MIN, LONGEST_STAY))
    if (rng.chance(0.1)) {
      const out = stay(pi, rng.pick(restaurants).i, lunchOut + Math.round(rng.between(4, 10) * MIN), rng.between(40, 60))
      lunchIn = Math.max(lunchIn, out + Math.round(rng.between(4, 10) * MIN))
    }
    stay(pi, cp, lunchIn, Math.min((tEnd - lunchIn) / MIN, LONGEST_STAY))
  }
  /** A working day behind a community gate (offices, shops): in and out as points, a quarter going out for lunch. */
  const workBehindGate = (pi: number, cp: number, tIn: number, tEnd: number): void => {
    ev.push(pi, cp, tIn, Dir.In, -1, false)
    if (rng.chance(0.25)) {
      const lunch = at(12 * 60 + rng.between(-10, 20))
      ev.push(pi, cp, lunch, Dir.Out, -1, false)
      let back = lunch + Math.round(rng.between(35, 70) * MIN)
      if (rng.chance(0.5)) back = Math.max(back, stay(pi, rng.pick(restaurants).i, lunch + Math.round(rng.between(3, 8) * MIN), rng.between(40, 55)) + 5 * MIN)
      ev.push(pi, cp, back, Dir.In, -1, false)
    }
    ev.push(pi, cp, tEnd, Dir.Out, -1, false)
  }
  const work = (pi: number, cp: number, tIn: number, tEnd: number): void => {
    if (isVenue(cp)) workAt(pi, cp, tIn, tEnd)
    else workBehindGate(pi, cp, tIn, tEnd)
  }

  for (let h = 0; h < w.households.length; h++) {
    const hh = w.households[h] as Household
    const home = hh.home
    const members = hh.members
    const village = w.checkpoints[home]?.kind === 'village'
    const car = hh.plate
    // Who works today, and the household's car: its commuters leave together, the car's occupants scanned seconds
    // apart at the home gate and at the traffic gate, with its plate.
    const status = members.map((pi) => active(w.people[pi] as Person, noon))
    const works = members.map((pi, k) => {
      const p = w.people[pi] as Person
      return p.work >= 0 && status[k] === 0 &&
        ((!weekend && rng.chance(p.role === Role.Student ? 0.97 : 0.92)) || (weekday === 6 && p.saturday && rng.chance(0.9)))
    })
    const carLeave = at(hh.leave + rng.normal(6))
    const carGate = carLeave + hh.drive * MIN + sec(30)
    let carBack = at(hh.back + rng.normal(8))
    const inCar: number[] = []
    for (let k = 0; k < members.length; k++) {
      const pi = members[k] as number
      const p = w.people[pi] as Person
      if (!(works[k] as boolean) || !p.commutes) continue
      if (car >= 0) {
        inCar.push(pi)
        const seat = inCar.length - 1
        ev.push(pi, home, carLeave + seat * 2000 + sec(6), Dir.Out, -1, false)
        pass(pi, hh.gate, carGate + seat * 2000 + sec(6), car, h)
        const tIn = carGate + (p.travel + rng.between(0, 6)) * MIN
        const endAt = at(hh.back - p.travel - 5 + rng.normal(5))
        work(pi, p.work, tIn, endAt)
        carBack = Math.max(carBack, endAt + p.travel * MIN)
      } else {
        const tOut = at(hh.leave + rng.normal(6)) + sec(90)
        ev.push(pi, home, tOut, Dir.Out, -1, false)
        const tGate = pass(pi, hh.gate, tOut + hh.drive * MIN + sec(30), -1, h)
        const tIn = tGate + (p.travel + rng.between(0, 6)) * MIN
        const endAt = at(hh.back - p.travel - 5 + rng.normal(5))
        work(pi, p.work, tIn, endAt)
        const tBack = pass(pi, hh.gate, Math.max(endAt + p.travel * MIN, at(hh.back)) + sec(60), -1, h)
        ev.push(pi, home, tBack + hh.drive * MIN + sec(90), Dir.In, -1, false)
      }
    }
    for (let seat = 0; seat < inCar.length; seat++) {
      const pi = inCar[seat] as number
      const tGate = pass(pi, hh.gate, carBack + seat * 2000 + sec(6), car, h)
      ev.push(pi, home, tGate + hh.drive * MIN + sec(6), Dir.In, -1, false)
    }
    // Weekend outing of the household (together, seconds apart; by car or bus when it crosses a traffic gate) to a
    // market or a restaurant, unless it works on Saturday.
    const outing = weekend && rng.chance(0.4)
    const outAtRestaurant = rng.chance(0.5)
    const outVenue = outAtRestaurant ? (rng.chance(0.7) ? hh.restaurant : rng.pick(restaurants).i) : (rng.chance(0.6) ? hh.market : rng.pick(markets).i)
    const outStart = at(outAtRestaurant ? (rng.chance(0.5) ? rng.between(11 * 60 + 10, 12 * 60 + 30) : rng.between(17 * 60 + 20, 18 * 60 + 40)) : rng.between(8 * 60, 11 * 60))
    const outMinutes = outAtRestaurant ? rng.between(40, 90) : rng.between(20, 60)
    const outByRoad = village || rng.chance(0.2)
    // Dinner out on a weekday evening, the household together.
    const dinner = !weekend && rng.chance(0.03)
    const dinnerStart = at(rng.between(19 * 60 + 10, 19 * 60 + 50))
    const dinnerVenue = rng.chance(0.7) ? hh.restaurant : rng.pick(restaurants).i
    const dinnerMinutes = rng.between(40, 90)
    let together = 0
    for (let k = 0; k < members.length; k++) {
      const pi = members[k] as number
      const p = w.people[pi] as Person
      const st = status[k] as number
      if (st === 2) continue // red: at home
      if (works[k] as boolean) {
        if (!p.commutes) {
          const tOut = at(p.leave + rng.normal(7))
          ev.push(pi, home, tOut, Dir.Out, -1, false)
          const tIn = tOut + (p.travel + rng.between(0, 5)) * MIN
          const endAt = at(p.end + rng.normal(12))
          work(pi, p.work, tIn, endAt)
          ev.push(pi, home, endAt + (p.travel + rng.between(0, 12)) * MIN, Dir.In, -1, false)
        }
      } else if (outing && st === 0 && (p.role !== Role.Infant ? rng.chance(0.8) : rng.chance(0.5))) {
        const seat = together++
        const off = seat * 2500
        ev.push(pi, home, outStart + off + sec(5), Dir.Out, -1, false)
        let t = outStart + 10 * MIN
        if (outByRoad) t = pass(pi, hh.gate, t + off + sec(5), car, h) - off + 15 * MIN
        t = stay(pi, outVenue, t + off + sec(5), outMinutes) - off + 5 * MIN
        if (outByRoad) t = pass(pi, hh.gate, t + 10 * MIN + off + sec(5), car, h) - off
        ev.push(pi, home, t + 12 * MIN + off + sec(5), Dir.In, -1, false)
      } else if (p.role === Role.Homebody || (weekend && p.role !== Role.Infant)) {
        // Errands: a morning market (usually the household's), sometimes a clinic, sometimes lunch at a restaurant.
        // Villagers go to town less, by bus.
        const x = rng.float()
        const go = village ? 0.3 : 0.55
        if (x >= go) continue
        if (st === 1) {
          // Yellow: a walk out and back through the home gate only.
          const t = at(rng.between(8 * 60, 17 * 60))
          ev.push(pi, home, t, Dir.Out, -1, false)
          ev.push(pi, home, t + rng.between(20, 60) * MIN, Dir.In, -1, false)
          continue
        }
        const kind = x < go * 0.1 ? 'clinic' : x < go * 0.8 ? 'market' : 'restaurant'
        const venue = kind === 'clinic' ? rng.pick(clinics).i : kind === 'market' ? (rng.chance(0.75) ? hh.market : rng.pick(markets).i) : (rng.chance(0.6) ? hh.restaurant : rng.pick(restaurants).i)
        const start = kind === 'clinic' ? rng.between(7 * 60 + 30, 15 * 60) : kind === 'market' ? (rng.chance(0.85) ? rng.between(6 * 60 + 30, 10 * 60 + 30) : rng.between(15 * 60, 17 * 60 + 30)) : rng.between(11 * 60, 12 * 60 + 40)
        const minutes = kind === 'clinic' ? rng.between(30, 120) : kind === 'market' ? rng.between(20, 60) : rng.between(40, 90)
        const t0 = at(start)
        ev.push(pi, home, t0, Dir.Out, -1, false)
        let t = t0 + rng.between(5, 20) * MIN
        if (village) t = pass(pi, hh.gate, t, -1, h) + 15 * MIN
        t = stay(pi, venue, t, minutes) + rng.between(5, 20) * MIN
        if (village) t = pass(pi, hh.gate, t, -1, h) + 10 * MIN
        ev.push(pi, home, t, Dir.In, -1, false)
      }
    }
    // Dinner out: everyone home and green, through the home gate together.
    for (let k = 0; dinner && k < members.length; k++) {
      const pi = members[k] as number
      if (status[k] !== 0 || !rng.chance(0.85)) continue
      const off = together++ * 2500
      ev.push(pi, home, dinnerStart - 10 * MIN + off + sec(5), Dir.Out, -1, false)
      const t = stay(pi, dinnerVenue, dinnerStart + off + sec(5), dinnerMinutes)
      ev.push(pi, home, t + 10 * MIN + sec(10), Dir.In, -1, false)
    }
    // Evening walks, after dinner: out and back through the home gate.
    for (let k = 0; k < members.length; k++) {
      const pi = members[k] as number
      const p = w.people[pi] as Person
      if (p.age < 10 || !rng.chance(0.12) || status[k] === 2) continue
      const t = at(rng.between(19 * 60 + 30, 20 * 60 + 40))
      ev.push(pi, home, t, Dir.Out, -1, false)
      ev.push(pi, home, t + rng.between(20, 80) * MIN, Dir.In, -1, false)
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------------------------

const yieldTurn = async (): Promise<void> => await new Promise<void>((resolve) => setImmediate(resolve))
const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
const mib = (bytes: number): string => `${fmt(bytes / 1024 / 1024)} MiB`

function bar (label: string, total: number, unit: string): cliProgress.SingleBar {
  const b = new cliProgress.SingleBar({
    format: `  ${label.padEnd(12)} [{bar}] {percentage}% {value}/{total} ${unit} | {rate}/s | elapsed {duration_formatted} | ETA {eta_formatted}`,
    hideCursor: true, noTTYOutput: true, notTTYSchedule: 10_000, etaBuffer: 50, fps: 5
  }, cliProgress.Presets.shades_classic)
  b.start(total, 0, { rate: '0' })
  return b
}

const SCAN_COLUMNS = ['id', 'person_id', 'checkpoint_id', 'actor_id', 'source', 'kind', 'scanned_at', 'received_at', 'direction', 'plate', 'color', 'decision', 'reason', 'jti', 'offline', 'request_hash', 'flags', 'stay_start']

async function main (): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      seed: { type: 'string', default: '1' },
      scale: { type: 'string', default: '1' },
      db: { type: 'string', default: 'file:./data/county.db' },
      keys: { type: 'string', default: './keys' },
      end: { type: 'string' },
      force: { type: 'boolean', default: false },
      'register-file': { type: 'string' },
      // Tests: seed into this PostgreSQL schema (created), as the service's pgSchema option does.
      'pg-schema': { type: 'string' }
    }
  })
  const seed = Number(args.seed)
  const scale = Number(args.scale)
  const end = args.end === undefined ? Date.now() : Date.parse(args.end)
  if (!Number.isInteger(seed) || !(scale > 0 && scale <= 5) || !Number.isFinite(end)) {
    throw new Error('usage: --seed <integer> --scale <0 < x ≤ 5> --end <ISO 8601 time>')
  }
  const url = args.db
  const start = end - DAYS * DAY
  // CPU seconds of this process beside the wall clock: the machine may be busy with other work.
  const phases: Array<{ phase: string, seconds: number, cpu: number, rows: number }> = []
  let t0 = performance.now()
  let cpu0 = process.cpuUsage()
  const done = (phase: string, rows: number): void => {
    const seconds = (performance.now() - t0) / 1000
    const used = process.cpuUsage(cpu0)
    const cpu = (used.user + used.system) / 1e6
    phases.push({ phase, seconds, cpu, rows })
    console.log(`  ${phase}: ${fmt(seconds, 1)} s (${fmt(cpu, 1)} s CPU in this process)${rows > 0 ? `, ${fmt(rows)} rows, ${fmt(rows / seconds)} rows/s` : ''}`)
    t0 = performance.now()
    cpu0 = process.cpuUsage()
  }
  const began = performance.now()
  console.log(`gridpass county seed — seed ${seed}, scale ${scale}, ${DAYS} days ending ${new Date(end).toISOString()}`)
  console.log(`  the same rows again: npm run seed -- --seed ${seed} --scale ${scale} --end ${new Date(end).toISOString()}`)
  console.log(`  database: ${url.startsWith('file:') ? url : 'PostgreSQL ' + url.replace(/\/\/[^@]*@/, '//')}, keys: ${args.keys}`)

  if (url.startsWith('file:')) {
    const path = url.slice('file:'.length)
    if (existsSync(path)) {
      if (!args.force) throw new Error(`${path} exists: pass --force to replace it`)
      for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true })
    }
  }
  await ensureKeys(args.keys, end)
  const pii: Pii = createPii(loadKeyring(args.keys, end, 30).dataKey)
  const pgSchema = args['pg-schema']
  const store = await createDb(url, pgSchema === undefined ? {} : { pgSchema })
  await store.close()
  const loader = url.startsWith('file:') ? await openSqliteLoader(url.slice('file:'.length)) : await openPgLoader(url, pgSchema)
  try {
    if (await loader.count('people') > 0 || await loader.count('scans') > 0) {
      throw new Error('the database already holds people or scans: seed into an empty database (SQLite: --force replaces the file)')
    }
    done('migrations', 0)

    // 1. The world: places, grids, volunteers, households (no I/O, deterministic).
    const rng = new Rng(seed)
    const w = buildWorld(rng, scale, start)
    const created = start - 400 * DAY
    // The structure draws from a generator of its own: the routines (and their scans) do not depend on it.
    const srng = new Rng(seed ^ 0x5eed)
    const gridsOfHome = w.homes.map(() => [] as Array<{ id: string, name: string }>)
    for (const x of w.grids) gridsOfHome[x.home]?.push(x)
    const tree = areaTree(srng, w.homes, gridsOfHome)
    // One scrypt hash for every seeded account (thousands of them at ~50 ms each would take minutes): the demo password.
    const hash = await hashPassword(DEMO_PASSWORD)
    const staff = staffPlan(srng, { hash, created, cityId: tree.cityId, streetIds: tree.streetIds, gridsOfCommunity: gridsOfHome.map((l) => l.map((x) => x.id)) })
    const small = bar('places', tree.rows.length + w.checkpoints.length + w.users.length, 'rows')
    const g = loader.stream('grids', ['id', 'name', 'created_at'])
    for (const x of w.grids) await g.add([x.id, x.name, created])
    await g.end()
    // The tree parents first (a grid is a row of grids and of areas, as the areas module writes it).
    const a = loader.stream('areas', ['id', 'name', 'level', 'parent_id', 'created_at'])
    for (const x of tree.rows) await a.add([x.id, x.name, x.level, x.parentId, created])
    await a.end()
    const c = loader.stream('checkpoints', ['id', 'name', 'kind', 'grid_id', 'lat', 'lon', 'created_at'])
    for (const x of w.checkpoints) await c.add([x.id, x.name, x.kind, x.gridId, x.lat, x.lon, created])
    await c.end()
    const u = loader.stream('users', ['id', 'username', 'password_hash', 'role', 'checkpoint_ids', 'grid_ids', 'created_at'])
    for (const x of w.users) await u.add([x.id, x.username, hash, 'volunteer', JSON.stringify([x.checkpointId]), '[]', created])
    await u.end()
    small.update(tree.rows.length + w.checkpoints.length + w.users.length)
    small.stop()
    done(`world: ${fmt(tree.rows.length - w.grids.length)} areas above ${fmt(w.grids.length)} grids (1 city, ${tree.streetIds.length} streets and towns, ${fmt(tree.communityIds.length)} communities and villages), ${fmt(w.checkpoints.length)} checkpoints (${(['community', 'village', 'traffic', 'venue'] as const).map((k) => `${w.checkpoints.filter((x) => x.kind === k).length} ${k}`).join(', ')}), ${fmt(w.users.length)} volunteers`, tree.rows.length + w.checkpoints.length + w.users.length)

    // 2. Households: a grid of their home, an address numbered within it (encrypted, with the households module's
    // blind index); the first member's phone as the household's.
    const hhGrid = w.households.map((hh, h) => { const home = w.checkpoints[hh.home] as Checkpoint; return home.grids[h % home.grids.length] as string })
    const hhId = w.households.map(() => srng.id())
    const perHome = new Map<number, number>()
    const hhAddress = w.households.map((hh) => {
      const home = (w.checkpoints[hh.home] as Checkpoint).home
      const n = perHome.get(home) ?? 0
      perHome.set(home, n + 1)
      return addressOf(w.homes[home] as Home, n)
    })
    // The returnees of the open round are red in the routines too: planned before the people and their scans.
    const returnees = screeningPlan(srng, {
      end, households: w.households.map((hh, h) => ({ id: hhId[h] as string, gridId: hhGrid[h] as string, members: hh.members })),
      ages: (i) => (w.people[i] as Person).age, personId: (i) => (w.people[i] as Person).id, workerOf: staff.workerOf,
      red: (i, since, until) => {
        const p = w.people[i] as Person
        if (p.status !== 0 || until <= since) return false
        Object.assign(p, { status: 2, statusSince: since, statusUntil: until })
        return true
      }
    })

    // 3. People: encrypted like the service does (src/lib/pii.ts), with blind indexes; and their status entries.
    const ids = idNumbers(rng, w.people, end)
    const phonesSeen = new Set<string>()
    const hhPhone: Array<string | null> = w.households.map(() => null)
    const register: RegisterRow[] | null = args['register-file'] === undefined ? null : []
    const pb = bar('people', w.people.length, 'people')
    // Plain values first (the household's phone is its first member's), households, then the people referencing them.
    const plain = w.people.map((p) => {
      let phone: string | null = null
      if (p.phone) {
        do phone = rng.pick(PHONE_PREFIXES) + String(rng.int(100_000_000)).padStart(8, '0'); while (phonesSeen.has(phone))
        phonesSeen.add(phone)
        hhPhone[p.hh] ??= phone
      }
      const since = created + rng.int(380) * DAY
      return { phone, since, name: nameOf(rng) }
    })
    const hs = loader.stream('households', ['id', 'grid_id', 'address_enc', 'address_idx', 'phone_enc', 'created_by', 'created_at', 'updated_at'])
    for (let h = 0; h < w.households.length; h++) {
      const address = hhAddress[h] as string
      const phone = hhPhone[h] as string | null
      await hs.add([hhId[h] as string, hhGrid[h] as string, pii.encrypt(address), addressIndex(pii, hhGrid[h] as string, address), phone === null ? null : pii.encrypt(phone), 'seed', created, created])
      if (h % 10_000 === 9_999) await yieldTurn()
    }
    await hs.end()
    const people = loader.stream('people', ['id', 'name_enc', 'id_number_enc', 'id_number_idx', 'phone_enc', 'phone_idx', 'grid_id', 'household_id', 'created_by', 'created_at', 'updated_at'])
    const entries: Value[][] = []
    for (let i = 0; i < w.people.length; i++) {
      const p = w.people[i] as Person
      const grid = hhGrid[p.hh] as string
      const { phone, since, name } = plain[i] as { phone: string | null, since: number, name: string }
      const idNumber = ids[i] as string
      register?.push({ name, idNumber, phone, gridId: grid, address: hhAddress[p.hh] as string })
      await people.add([p.id, pii.encrypt(name), pii.encrypt(idNumber), pii.index('idNumber', idNumber), phone === null ? null : pii.encrypt(phone), phone === null ? null : pii.index('phone', phone), grid, hhId[p.hh] as string, 'seed', since, since])
      if (p.status !== 0 && !returnees.entries.has(i)) entries.push([srng.id(), p.id, p.status === 2 ? 'declared_contact' : 'symptoms', p.status === 2 ? 'red' : 'yellow', p.statusSince, p.statusUntil, 'rule', null, p.statusSince])
      if (i % 1000 === 999) pb.update(i + 1, { rate: fmt((i + 1) / ((performance.now() - t0) / 1000)) })
      if (i % 10_000 === 9_999) await yieldTurn()
    }
    pb.update(w.people.length)
    pb.stop()
    await people.end()
    const se = loader.stream('status_entries', ['id', 'person_id', 'rule', 'color', 'since', 'until', 'actor', 'reason', 'created_at'])
    for (const e of entries) await se.add(e)
    const statusRows = await se.end()
    done(`people: ${fmt(w.people.length)} (${fmt(phonesSeen.size)} with a phone) in ${fmt(w.households.length)} households (mean ${fmt(w.people.length / w.households.length, 2)}), ${fmt(statusRows)} yellow or red status entries`, w.people.length + w.households.length + statusRows)

    // 4. The people at work: grid workers and officers, teams, today's roster, the high-risk list, the open round.
    const written0 = await writeStaff(loader, srng, pii, {
      end, created, cityId: tree.cityId, communityIds: tree.communityIds, staff, screening: returnees,
      checkpoints: w.checkpoints, name: () => nameOf(srng)
    })
    const re = loader.stream('status_entries', ['id', 'person_id', 'rule', 'color', 'since', 'until', 'actor', 'reason', 'detail', 'source_id', 'created_at'])
    for (const [i, e] of returnees.entries) await re.add(returneeEntry(srng, pii, (w.people[i] as Person).id, returnees.roundId, e))
    written0.status_entries = await re.end()
    done(`staff and screening: ${fmt(staff.counts.gridWorkers)} grid workers, ${staff.counts.officers} officers, ${fmt(written0.area_teams ?? 0)} teams, ${fmt(written0.duty_shifts ?? 0)} shifts today, ${fmt(written0.screenings ?? 0)} households screened (${fmt((written0.screenings ?? 0) / w.households.length * 100, 1)} %), ${fmt(returnees.returnees)} returnees (${fmt(returnees.entries.size)} red)`, Object.values(written0).reduce((x, y) => x + y, 0))

    if (register !== null) {
      const files = writeRegister(args['register-file'] as string, register, (i) => (w.people[i] as Person).hh)
      done(`register: ${fmt(register.length)} rows in GBK, ${files.join(', ')}`, register.length)
    }

    // 5. Scans: day by day, in time order, the scans indexes dropped during the load.
    const recreate = await loader.dropScanIndexes()
    const firstDay = Math.floor((start + TZ_OFFSET) / DAY) * DAY - TZ_OFFSET
    const nDays = Math.ceil((end - firstDay) / DAY)
    const sb = bar('scans', nDays * w.people.length, 'person-days')
    const ev = new Events()
    const scans = loader.stream('scans', SCAN_COLUMNS)
    let written = 0
    const scanStart = performance.now()
    const byCp = new Float64Array(w.checkpoints.length)
    // stay_start as migration 0005's triggers keep it (they are off during the load): per person and checkpoint, the
    // time of the last scan written when it was an "in" (scans are written in time order).
    const lastIn = new Map<number, number>()
    for (let d = 0; d < nDays; d++) {
      const dayStart = firstDay + d * DAY
      const weekday = new Date(dayStart + TZ_OFFSET).getUTCDay()
      ev.n = 0
      day(rng, w, ev, dayStart, weekday)
      const order = ev.order(dayStart)
      for (let k = 0; k < order.length; k++) {
        const i = order[k] as number
        const at = ev.t[i] as number
        if (at < start || at > end) continue
        const p = w.people[ev.person[i] as number] as Person
        const cpi = ev.cp[i] as number
        const cp = w.checkpoints[cpi] as Checkpoint
        const checkin = ev.venue[i] === 1 && p.phone && rng.chance(0.75)
        const offline = !checkin && rng.chance(0.04)
        const status = p.status !== 0 && at >= p.statusSince && at < p.statusUntil ? p.status : 0
        const color = status === 0 ? 'green' : status === 1 ? 'yellow' : 'red'
        const plateIndex = ev.plate[i] as number
        byCp[cpi] = (byCp[cpi] as number) + 1
        const direction = DIRECTIONS[ev.dir[i] as number] ?? null
        const placeKey = (ev.person[i] as number) * w.checkpoints.length + cpi
        const previousIn = lastIn.get(placeKey)
        const stayStart = direction === 'out' && previousIn !== undefined && at - previousIn <= MAX_STAY_MS ? previousIn : null
        if (direction === 'in') lastIn.set(placeKey, at)
        else lastIn.delete(placeKey)
        const wait = scans.add([
          rng.uuid7(at), p.id, cp.id,
          checkin ? p.id : cp.actors[((at - dayStart < 14 * 3_600_000 ? 0 : 1) + (rng.chance(0.2) ? 1 : 0)) % cp.actors.length] as string,
          checkin ? 'checkin' : offline ? 'batch' : 'scan',
          checkin ? 'place' : p.phone ? 'live' : 'paper',
          at, offline ? at + Math.round(rng.between(3, 90) * MIN) : at + 80 + rng.int(400),
          direction,
          plateIndex >= 0 ? w.plates[plateIndex] as string : null,
          color, status === 0 ? 'allow' : 'deny', status === 0 ? null : status === 1 ? 'color_yellow' : 'color_red',
          checkin ? null : p.phone ? rng.b64(16) : p.paperJti,
          offline, rng.b64(32), null, stayStart
        ])
        if (wait !== undefined) await wait
        if (++written % 50_000 === 0) {
          sb.update(Math.round((d + k / order.length) * w.people.length), { rate: fmt(written / ((performance.now() - scanStart) / 1000)) + ' scans' })
          // SQLite's writes are synchronous: let the progress bar's timer run.
          await yieldTurn()
        }
      }
      sb.update((d + 1) * w.people.length, { rate: fmt(written / ((performance.now() - scanStart) / 1000)) + ' scans' })
    }
    await scans.end()
    sb.stop()
    done(`scans: ${fmt(written)} over ${nDays} local days (${fmt(written / w.people.length / DAYS, 2)} per resident-day)`, written)

    const ib = bar('indexes', recreate.length, 'statements')
    for (let i = 0; i < recreate.length; i++) {
      await loader.exec(recreate[i] as string)
      ib.update(i + 1, { rate: '-' })
    }
    ib.stop()
    done(`scans indexes${loader.dialect === 'pg' ? ' and foreign keys' : ''} recreated (${recreate.length} statements)`, 0)

    // The dashboard's scans per checkpoint and hour: the service counts the scans it writes; these were loaded directly.
    await loader.exec('DELETE FROM scan_hours')
    await loader.exec(`INSERT INTO scan_hours (checkpoint_id, hour, count) ${SCAN_HOURS_FROM_SCANS}`)
    done(`scan_hours counted from the scans (${fmt(await loader.count('scan_hours'))} checkpoint-hours)`, 0)

    await loader.finish()
    done(loader.dialect === 'pg' ? 'VACUUM (ANALYZE)' : 'WAL checkpoint, synchronous and journal mode restored', 0)

    const busiest = [...byCp].map((n, i) => ({ n, cp: w.checkpoints[i] as Checkpoint })).sort((a, b) => b.n - a.n).slice(0, 3)
    const seconds = (performance.now() - began) / 1000
    const size = await loader.size()
    console.log(`\n| phase | seconds | CPU s (seed process) | rows | rows/s |\n|---|---:|---:|---:|---:|\n${phases.map((p) => `| ${p.phase.replace(/:.*/, '')} | ${fmt(p.seconds, 1)} | ${fmt(p.cpu, 1)} | ${p.rows > 0 ? fmt(p.rows) : ''} | ${p.rows > 0 ? fmt(p.rows / p.seconds) : ''} |`).join('\n')}\n| **total** | **${fmt(seconds, 1)}** | ${fmt(phases.reduce((s, p) => s + p.cpu, 0), 1)} | ${fmt(phases.reduce((s, p) => s + p.rows, 0))} | |`)
    console.log(`\n  ${fmt(w.people.length)} people, ${fmt(written)} scans, database size ${mib(size)} (${fmt(size / written, 0)} bytes per scan, all tables and indexes)`)
    console.log(`  busiest checkpoints: ${busiest.map((b) => `${b.cp.name} (${b.cp.kind}) ${fmt(b.n)}`).join(', ')}`)
  } finally {
    await loader.close()
  }
}

await main()

// Bulk seeding for benchmarks: raw SQL in big transactions, on SQLite or PostgreSQL, with a progress bar.
import { randomBytes, randomUUID } from 'node:crypto'
import { v7 as uuidv7 } from 'uuid'
import Database from 'better-sqlite3'
import pg from 'pg'
import cliProgress from 'cli-progress'
import { createDb } from '../../src/db/index.ts'
import { checkCharacter } from '../../src/lib/id-number.ts'
import type { Pii } from '../../src/lib/pii.ts'

type Value = string | number | boolean | null
export interface Sink {
  insert: (table: string, columns: string[], rows: Value[][]) => Promise<void>
  count: (table: string) => Promise<number>
  close: () => Promise<void>
}

/** Runs the migrations through the service's own createDb, then opens a raw connection for bulk inserts. */
export async function openSink (url: string): Promise<Sink> {
  const store = await createDb(url)
  await store.close()
  if (url.startsWith('file:')) {
    const db = new Database(url.slice('file:'.length))
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = OFF') // seeding only; the server opens the file with synchronous=FULL
    const statements = new Map<string, Database.Statement>()
    return {
      async insert (table, columns, rows) {
        const key = `${table}(${columns.join(',')})`
        let st = statements.get(key)
        if (st === undefined) {
          st = db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`)
          statements.set(key, st)
        }
        const s = st
        db.transaction(() => { for (const r of rows) s.run(r.map((v) => typeof v === 'boolean' ? (v ? 1 : 0) : v)) })()
      },
      async count (table) { return db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number },
      async close () { db.pragma('wal_checkpoint(TRUNCATE)'); db.close() }
    }
  }
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  return {
    async insert (table, columns, rows) {
      // One transaction per statement: the scans' stays trigger takes an advisory lock per person until the commit
      // (migration 0005), and one transaction for the whole table ran out of PostgreSQL's lock table
      // (max_locks_per_transaction × max_connections) past about 6,400 people.
      const per = Math.floor(60_000 / columns.length)
      for (let i = 0; i < rows.length; i += per) {
        const chunk = rows.slice(i, i + per)
        const params: Value[] = []
        const tuples = chunk.map((r) => `(${r.map((v) => { params.push(v); return `$${params.length}` }).join(', ')})`)
        await client.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, params)
      }
    },
    async count (table) { return Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n) },
    async close () { await client.end() }
  }
}

const SURNAMES = ['张', '王', '李', '刘', '陈', '杨', '黄', '赵', '周', '吴', '欧阳', '司马']
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛']

/** A valid, unique GB 11643 ID number for each serial below 20 million. */
export function idNumberOf (serial: number): string {
  const birth = new Date(Date.UTC(1950, 0, 1) + (serial % 20_000) * 86_400_000)
  const ymd = birth.toISOString().slice(0, 10).replaceAll('-', '')
  const body = `429004${ymd}${String(Math.floor(serial / 20_000) % 1000).padStart(3, '0')}`
  return body + checkCharacter(body)
}

/** A progress bar (when the output is not a terminal: a line every 5 s). */
export function progressBar (label: string, total: number): cliProgress.SingleBar {
  const b = new cliProgress.SingleBar({ format: `  ${label.padEnd(16)} [{bar}] {percentage}% {value}/{total} {eta_formatted}`, hideCursor: true, noTTYOutput: true, notTTYSchedule: 5000 }, cliProgress.Presets.shades_classic)
  b.start(total, 0)
  return b
}

export interface Seeded { personIds: string[], checkpointIds: string[] }

/** people (names, ID numbers and phones encrypted with the service's data key), a few non-green statuses, checkpoints, and earlier scans. */
export async function seed (sink: Sink, pii: Pii, opts: { people: number, scans: number, checkpoints: number, now: number }): Promise<Seeded> {
  const { now } = opts
  const checkpointIds = Array.from({ length: opts.checkpoints }, (_, i) => `cp-bench-${i}`)
  await sink.insert('checkpoints', ['id', 'name', 'kind', 'lat', 'lon', 'created_at'],
    checkpointIds.map((id, i) => [id, `卡口 ${i}`, ['traffic', 'community', 'village', 'venue'][i % 4] as string, 30.36 + (i % 10) * 0.01, 113.45 + Math.floor(i / 10) * 0.01, now]))

  const personIds: string[] = []
  const people = progressBar('people', opts.people)
  const CHUNK = 10_000
  for (let start = 0; start < opts.people; start += CHUNK) {
    const rows: Value[][] = []
    const entries: Value[][] = []
    for (let i = start; i < Math.min(start + CHUNK, opts.people); i++) {
      const id = randomBytes(16).toString('base64url')
      personIds.push(id)
      const name = (SURNAMES[i % SURNAMES.length] as string) + (GIVEN[i % GIVEN.length] as string) + (i % 3 === 0 ? GIVEN[(i >> 4) % GIVEN.length] as string : '')
      const idNumber = idNumberOf(i)
      const phone = `15${String(i).padStart(9, '0')}`
      rows.push([id, pii.encrypt(name), pii.encrypt(idNumber), pii.index('idNumber', idNumber), pii.encrypt(phone), pii.index('phone', phone), 'bench-seed', now, now])
      // About 5 % yellow (symptoms) and 1 % red (declared contact): the colour lookup finds real rows.
      if (i % 20 === 7) entries.push([randomUUID(), id, 'symptoms', 'yellow', now - 86_400_000, now + 6 * 86_400_000, 'rule', now])
      if (i % 100 === 13) entries.push([randomUUID(), id, 'declared_contact', 'red', now - 86_400_000, now + 13 * 86_400_000, 'rule', now])
    }
    await sink.insert('people', ['id', 'name_enc', 'id_number_enc', 'id_number_idx', 'phone_enc', 'phone_idx', 'created_by', 'created_at', 'updated_at'], rows)
    await sink.insert('status_entries', ['id', 'person_id', 'rule', 'color', 'since', 'until', 'actor', 'created_at'], entries)
    people.update(personIds.length)
  }
  people.stop()

  const scans = progressBar('earlier scans', opts.scans)
  const SCAN_CHUNK = 50_000
  const pickOf = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)] as T
  for (let start = 0; start < opts.scans; start += SCAN_CHUNK) {
    const rows: Value[][] = []
    for (let i = start; i < Math.min(start + SCAN_CHUNK, opts.scans); i++) {
      // Spread over the last 27 days (inside the 28-day retention, so nothing is purged on start); ids are UUIDv7 of
      // the scan's time, as the scanner page makes them.
      const at = now - Math.floor(Math.random() * 27 * 86_400_000)
      rows.push([uuidv7({ msecs: at }), pickOf(personIds), pickOf(checkpointIds), 'bench-seed', 'scan', 'live', at, at + 150, pickOf(['in', 'out', 'pass']), i % 7 === 0 ? `鄂M${String(i % 100000).padStart(5, '0')}` : null, 'green', 'allow', null, randomBytes(12).toString('base64url'), false, randomBytes(32).toString('base64url'), null])
    }
    await sink.insert('scans', ['id', 'person_id', 'checkpoint_id', 'actor_id', 'source', 'kind', 'scanned_at', 'received_at', 'direction', 'plate', 'color', 'decision', 'reason', 'jti', 'offline', 'request_hash', 'flags'], rows)
    scans.update(Math.min(start + SCAN_CHUNK, opts.scans))
  }
  scans.stop()
  return { personIds, checkpointIds }
}

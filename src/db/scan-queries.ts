// The scan hot path's queries, prepared once: raw better-sqlite3 statements on SQLite, drizzle on PostgreSQL.
import { and, asc, desc, eq, gte, inArray, lte } from 'drizzle-orm'
import type { Db, GridpassDb } from './index.ts'

type T = GridpassDb['t']
export type ScanRow = T['scans']['$inferInsert']
export type SecurityRow = T['securityEvents']['$inferInsert']
export type StoredScan = T['scans']['$inferSelect']
export type StoredSecurity = T['securityEvents']['$inferSelect']
export interface PersonBrief { id: string, nameEnc: string | null, createdAt: number }
export interface EntryBrief { rule: string, color: string, since: number, until: number | null, endedAt: number | null, endedBy: string | null, actor: string, reason: string | null, id: string }
export interface Sighting { checkpointId: string, scannedAt: number }

export interface ScanQueries {
  person: (id: string) => Promise<PersonBrief | undefined>
  entries: (personId: string) => Promise<EntryBrief[]>
  scanById: (id: string) => Promise<StoredScan | undefined>
  securityById: (id: string) => Promise<StoredSecurity | undefined>
  byJti: (jti: string) => Promise<Sighting[]>
  personBetween: (personId: string, from: number, to: number) => Promise<Sighting[]>
  /** Inside store.tx: writes the rows whose id is free in both tables; returns the ids written. */
  insert: (db: Db, scans: ScanRow[], security: SecurityRow[]) => Promise<Set<string>>
}

const SCAN_COLUMNS = ['id', 'person_id', 'checkpoint_id', 'actor_id', 'source', 'kind', 'scanned_at', 'received_at', 'direction', 'plate', 'color', 'decision', 'reason', 'jti', 'offline', 'request_hash', 'flags'] as const
const SECURITY_COLUMNS = ['id', 'at', 'checkpoint_id', 'actor_id', 'source', 'reason', 'request_hash', 'token_hash', 'token_length'] as const
const camel = (c: string): string => c.replace(/_([a-z])/g, (_, x: string) => x.toUpperCase())
const select = (cols: readonly string[]): string => cols.map((c) => `${c} AS ${camel(c)}`).join(', ')

export function createScanQueries (store: GridpassDb): ScanQueries {
  return store.sqlite !== undefined ? sqliteQueries(store.sqlite) : drizzleQueries(store)
}

function sqliteQueries (client: NonNullable<GridpassDb['sqlite']>): ScanQueries {
  const person = client.prepare('SELECT id, name_enc AS nameEnc, created_at AS createdAt FROM people WHERE id = ?')
  const entries = client.prepare('SELECT id, rule, color, since, until, ended_at AS endedAt, ended_by AS endedBy, actor, reason FROM status_entries WHERE person_id = ? ORDER BY since')
  const scanById = client.prepare(`SELECT ${select(SCAN_COLUMNS)} FROM scans WHERE id = ?`)
  const securityById = client.prepare(`SELECT ${select(SECURITY_COLUMNS)} FROM security_events WHERE id = ?`)
  const byJti = client.prepare('SELECT checkpoint_id AS checkpointId, scanned_at AS scannedAt FROM scans WHERE jti = ? LIMIT 20')
  const personBetween = client.prepare('SELECT checkpoint_id AS checkpointId, scanned_at AS scannedAt FROM scans WHERE person_id = ? AND scanned_at BETWEEN ? AND ? ORDER BY scanned_at DESC LIMIT 50')
  const scanTaken = client.prepare('SELECT 1 FROM security_events WHERE id = ?').pluck()
  const securityTaken = client.prepare('SELECT 1 FROM scans WHERE id = ?').pluck()
  const insertScan = client.prepare(`INSERT INTO scans (${SCAN_COLUMNS.join(', ')}) VALUES (${SCAN_COLUMNS.map((c) => `@${camel(c)}`).join(', ')}) ON CONFLICT (id) DO NOTHING`)
  const insertSecurity = client.prepare(`INSERT INTO security_events (${SECURITY_COLUMNS.join(', ')}) VALUES (${SECURITY_COLUMNS.map((c) => `@${camel(c)}`).join(', ')}) ON CONFLICT (id) DO NOTHING`)
  const scanOut = (row: Record<string, unknown> | undefined): StoredScan | undefined => (row === undefined ? undefined : { ...row, offline: row.offline === 1 } as StoredScan)
  const scanIn = (r: ScanRow): Record<string, unknown> => {
    const out: Record<string, unknown> = {}
    for (const c of SCAN_COLUMNS) out[camel(c)] = (r as Record<string, unknown>)[camel(c)] ?? null
    out.offline = r.offline ? 1 : 0
    return out
  }
  return {
    person: async (id) => person.get(id) as PersonBrief | undefined,
    entries: async (personId) => entries.all(personId) as EntryBrief[],
    scanById: async (id) => scanOut(scanById.get(id) as Record<string, unknown> | undefined),
    securityById: async (id) => securityById.get(id) as StoredSecurity | undefined,
    byJti: async (jti) => byJti.all(jti) as Sighting[],
    personBetween: async (personId, from, to) => personBetween.all(personId, from, to) as Sighting[],
    insert: async (_db, scans, security) => {
      const written = new Set<string>()
      for (const r of scans) if (scanTaken.get(r.id) === undefined && insertScan.run(scanIn(r)).changes === 1) written.add(r.id)
      for (const r of security) {
        const row: Record<string, unknown> = {}
        for (const c of SECURITY_COLUMNS) row[camel(c)] = (r as Record<string, unknown>)[camel(c)] ?? null
        if (securityTaken.get(r.id) === undefined && insertSecurity.run(row).changes === 1) written.add(r.id)
      }
      return written
    }
  }
}

function drizzleQueries (store: GridpassDb): ScanQueries {
  const { db, t } = store
  return {
    person: async (id) => (await db.select({ id: t.people.id, nameEnc: t.people.nameEnc, createdAt: t.people.createdAt }).from(t.people).where(eq(t.people.id, id)).limit(1))[0],
    entries: async (personId) => db.select().from(t.statusEntries).where(eq(t.statusEntries.personId, personId)).orderBy(asc(t.statusEntries.since)),
    scanById: async (id) => (await db.select().from(t.scans).where(eq(t.scans.id, id)).limit(1))[0],
    securityById: async (id) => (await db.select().from(t.securityEvents).where(eq(t.securityEvents.id, id)).limit(1))[0],
    byJti: async (jti) => db.select({ checkpointId: t.scans.checkpointId, scannedAt: t.scans.scannedAt }).from(t.scans).where(eq(t.scans.jti, jti)).limit(20),
    personBetween: async (personId, from, to) => db.select({ checkpointId: t.scans.checkpointId, scannedAt: t.scans.scannedAt }).from(t.scans)
      .where(and(eq(t.scans.personId, personId), gte(t.scans.scannedAt, from), lte(t.scans.scannedAt, to))).orderBy(desc(t.scans.scannedAt)).limit(50),
    insert: async (tx, scans, security) => {
      const written = new Set<string>()
      const free = async <R extends { id: string }>(rows: R[], other: typeof t.scans | typeof t.securityEvents): Promise<R[]> => {
        if (rows.length === 0) return rows
        const taken = new Set((await tx.select({ id: other.id }).from(other).where(inArray(other.id, rows.map((r) => r.id)))).map((r) => r.id))
        return rows.filter((r) => !taken.has(r.id))
      }
      const freeScans = await free(scans, t.securityEvents)
      for (let i = 0; i < freeScans.length; i += 500) {
        for (const r of await tx.insert(t.scans).values(freeScans.slice(i, i + 500)).onConflictDoNothing().returning({ id: t.scans.id })) written.add(r.id)
      }
      const freeSecurity = await free(security, t.scans)
      for (let i = 0; i < freeSecurity.length; i += 500) {
        for (const r of await tx.insert(t.securityEvents).values(freeSecurity.slice(i, i + 500)).onConflictDoNothing().returning({ id: t.securityEvents.id })) written.add(r.id)
      }
      return written
    }
  }
}

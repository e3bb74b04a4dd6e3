// SQL of cases, their marked contacts and exposure sites (the status entries they start are the status module's).
import { and, asc, count, desc, eq, inArray, isNotNull, isNull } from 'drizzle-orm'
import type { Db, GridpassDb } from '../../db/index.ts'

type T = GridpassDb['t']
export type CaseRow = T['cases']['$inferSelect']
export type CaseContactRow = T['caseContacts']['$inferSelect']
export type CaseSiteRow = T['caseSites']['$inferSelect']

export function createCasesRepository (store: GridpassDb) {
  const { t } = store
  return {
    async byId (db: Db, id: string): Promise<CaseRow | undefined> {
      const [row] = await db.select().from(t.cases).where(eq(t.cases.id, id)).limit(1)
      return row
    },
    async openOf (db: Db, personId: string): Promise<CaseRow | undefined> {
      const [row] = await db.select().from(t.cases).where(and(eq(t.cases.personId, personId), isNull(t.cases.closedAt))).limit(1)
      return row
    },
    async insert (db: Db, row: CaseRow): Promise<void> {
      await db.insert(t.cases).values(row)
    },
    /** Closes an open case; false when it was closed already (another request got there first). */
    async close (db: Db, id: string, values: { closedBy: string, closedAt: number, closeNoteEnc: string | null }): Promise<boolean> {
      const rows = await db.update(t.cases).set(values).where(and(eq(t.cases.id, id), isNull(t.cases.closedAt))).returning({ id: t.cases.id })
      return rows.length === 1
    },
    async contacts (db: Db, caseId: string): Promise<CaseContactRow[]> {
      return db.select().from(t.caseContacts).where(eq(t.caseContacts.caseId, caseId))
    },
    async contactsIn (db: Db, caseId: string, personIds: string[]): Promise<CaseContactRow[]> {
      return db.select().from(t.caseContacts).where(and(eq(t.caseContacts.caseId, caseId), inArray(t.caseContacts.personId, personIds)))
    },
    async insertContact (db: Db, row: CaseContactRow): Promise<void> {
      await db.insert(t.caseContacts).values(row)
    },
    async updateContact (db: Db, caseId: string, personId: string, values: Partial<CaseContactRow>): Promise<void> {
      await db.update(t.caseContacts).set(values).where(and(eq(t.caseContacts.caseId, caseId), eq(t.caseContacts.personId, personId)))
    },
    /** A case's confirmed exposure sites, in confirmation order (case_sites_case_ix). */
    async sites (db: Db, caseId: string): Promise<CaseSiteRow[]> {
      return db.select().from(t.caseSites).where(eq(t.caseSites.caseId, caseId)).orderBy(asc(t.caseSites.markedAt), asc(t.caseSites.id))
    },
    async insertSite (db: Db, row: CaseSiteRow): Promise<void> {
      await db.insert(t.caseSites).values(row)
    },
    /** Cases newest opened first; open: not closed, closed: closed, all: both; with personId, that person's only. */
    async list (db: Db, state: 'open' | 'closed' | 'all', limit: number, personId?: string): Promise<CaseRow[]> {
      const c = t.cases
      const byState = state === 'open' ? isNull(c.closedAt) : state === 'closed' ? isNotNull(c.closedAt) : undefined
      return db.select().from(c).where(and(byState, personId === undefined ? undefined : eq(c.personId, personId))).orderBy(desc(c.openedAt), asc(c.id)).limit(limit)
    },
    /** How many contacts and sites each of these cases holds. */
    async counts (db: Db, caseIds: string[]): Promise<Map<string, { contacts: number, sites: number }>> {
      const out = new Map(caseIds.map((id) => [id, { contacts: 0, sites: 0 }]))
      if (caseIds.length === 0) return out
      const cc = t.caseContacts
      const cs = t.caseSites
      for (const r of await db.select({ id: cc.caseId, n: count() }).from(cc).where(inArray(cc.caseId, caseIds)).groupBy(cc.caseId)) {
        (out.get(r.id) as { contacts: number }).contacts = Number(r.n)
      }
      for (const r of await db.select({ id: cs.caseId, n: count() }).from(cs).where(inArray(cs.caseId, caseIds)).groupBy(cs.caseId)) {
        (out.get(r.id) as { sites: number }).sites = Number(r.n)
      }
      return out
    }
  }
}
export type CasesRepository = ReturnType<typeof createCasesRepository>

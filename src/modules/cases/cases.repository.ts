// SQL for cases, their marked contacts, and the status entries they own.
import { and, eq, gt, inArray, isNull, or } from 'drizzle-orm'
import type { Db, GridpassDb } from '../../db/index.ts'

type T = GridpassDb['t']
export type CaseRow = T['cases']['$inferSelect']
export type CaseContactRow = T['caseContacts']['$inferSelect']

export function createCasesRepository ({ store }: { store: GridpassDb }) {
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
    /** Which of these people exist. */
    async existingPeople (db: Db, ids: string[]): Promise<Set<string>> {
      const rows = await db.select({ id: t.people.id }).from(t.people).where(inArray(t.people.id, ids))
      return new Set(rows.map((r) => r.id))
    },
    /** Ends, at `now`, the status entries still running that a source (a case, a contact mark) started. */
    async endEntries (db: Db, where: { personId: string, rule: string, sourceId?: string, entryId?: string }, now: number, endedBy: string): Promise<void> {
      const e = t.statusEntries
      await db.update(e).set({ endedAt: now, endedBy })
        .where(and(
          eq(e.personId, where.personId),
          eq(e.rule, where.rule),
          where.sourceId !== undefined ? eq(e.sourceId, where.sourceId) : undefined,
          where.entryId !== undefined ? eq(e.id, where.entryId) : undefined,
          or(isNull(e.until), gt(e.until, now)),
          or(isNull(e.endedAt), gt(e.endedAt, now))
        ))
    }
  }
}

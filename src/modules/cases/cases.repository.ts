// SQL of cases and their marked contacts (the status entries they start are the status module's).
import { and, eq, inArray, isNull } from 'drizzle-orm'
import type { Db, GridpassDb } from '../../db/index.ts'

type T = GridpassDb['t']
export type CaseRow = T['cases']['$inferSelect']
export type CaseContactRow = T['caseContacts']['$inferSelect']

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
    }
  }
}
export type CasesRepository = ReturnType<typeof createCasesRepository>

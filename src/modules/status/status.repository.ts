// SQL of status entries, manual changes, declarations and appeals.
import { and, asc, eq, gt, inArray, isNull, lt, lte, or, desc } from 'drizzle-orm'
import type { Db, GridpassDb } from '../../db/index.ts'

type T = GridpassDb['t']
export type EntryRow = T['statusEntries']['$inferSelect']
export type ChangeRow = T['statusChanges']['$inferSelect']
export type AppealRow = T['appeals']['$inferSelect']
export type DeclarationRow = T['declarations']['$inferSelect']

export function createStatusRepository (store: GridpassDb) {
  const { t } = store
  return {
    async entries (db: Db, personId: string): Promise<EntryRow[]> {
      return db.select().from(t.statusEntries).where(eq(t.statusEntries.personId, personId)).orderBy(asc(t.statusEntries.since))
    },
    async insertEntries (db: Db, rows: EntryRow[]): Promise<void> {
      if (rows.length > 0) await db.insert(t.statusEntries).values(rows)
    },
    /** Ends every entry still active at `now` (a manual change replaces them). */
    async endActive (db: Db, personId: string, now: number, endedBy: string): Promise<void> {
      await db.update(t.statusEntries).set({ endedAt: now, endedBy })
        .where(and(
          eq(t.statusEntries.personId, personId),
          lte(t.statusEntries.since, now),
          or(isNull(t.statusEntries.until), gt(t.statusEntries.until, now)),
          or(isNull(t.statusEntries.endedAt), gt(t.statusEntries.endedAt, now))
        ))
    },
    /**
     * Every entry that may be active at `at` (begun by then, not ended or run out before it): what the status list
     * judges by status.rules.ts. Read outside any transaction.
     */
    async entriesAround (at: number): Promise<Array<EntryRow>> {
      const e = t.statusEntries
      return store.db.select().from(e)
        .where(and(lte(e.since, at), or(isNull(e.until), gt(e.until, at)), or(isNull(e.endedAt), gt(e.endedAt, at))))
    },
    /** Ends, at `now`, the entries still running that one source (a case, a contact mark) started. */
    async endEntriesOf (db: Db, where: { personId: string, rule: string, sourceId?: string, entryId?: string }, now: number, endedBy: string): Promise<void> {
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
    },
    async insertDeclaration (db: Db, row: DeclarationRow): Promise<void> {
      await db.insert(t.declarations).values(row)
    },
    /** Through declarations_at_ix. */
    async oldDeclarations (cutoff: number, limit: number): Promise<string[]> {
      return (await store.db.select({ id: t.declarations.id }).from(t.declarations).where(lt(t.declarations.at, cutoff)).limit(limit)).map((r) => r.id)
    },
    async deleteDeclarations (db: Db, ids: string[], cutoff: number): Promise<number> {
      return (await db.delete(t.declarations).where(and(inArray(t.declarations.id, ids), lt(t.declarations.at, cutoff))).returning({ id: t.declarations.id })).length
    },
    async insertChange (db: Db, row: ChangeRow): Promise<void> {
      await db.insert(t.statusChanges).values(row)
    },
    async change (db: Db, id: string): Promise<ChangeRow | undefined> {
      const [row] = await db.select().from(t.statusChanges).where(eq(t.statusChanges.id, id)).limit(1)
      return row
    },
    /** Moves a change out of 'pending'; false when another confirmation got there first. */
    async settleChange (db: Db, id: string, values: Partial<ChangeRow>): Promise<boolean> {
      const rows = await db.update(t.statusChanges).set(values)
        .where(and(eq(t.statusChanges.id, id), eq(t.statusChanges.state, 'pending'))).returning({ id: t.statusChanges.id })
      return rows.length === 1
    },
    async insertAppeal (db: Db, row: AppealRow): Promise<void> {
      await db.insert(t.appeals).values(row)
    },
    async appeal (db: Db, id: string): Promise<AppealRow | undefined> {
      const [row] = await db.select().from(t.appeals).where(eq(t.appeals.id, id)).limit(1)
      return row
    },
    async appealsOf (db: Db, personId: string): Promise<AppealRow[]> {
      return db.select().from(t.appeals).where(eq(t.appeals.personId, personId)).orderBy(desc(t.appeals.createdAt))
    },
    async appealsByStatus (db: Db, status: string, limit: number): Promise<AppealRow[]> {
      return db.select().from(t.appeals).where(eq(t.appeals.status, status)).orderBy(asc(t.appeals.dueAt)).limit(limit)
    },
    /** Resolves an open appeal; false when another resolution got there first. */
    async resolveOpenAppeal (db: Db, id: string, values: Partial<AppealRow>): Promise<boolean> {
      const rows = await db.update(t.appeals).set(values)
        .where(and(eq(t.appeals.id, id), eq(t.appeals.status, 'open'))).returning({ id: t.appeals.id })
      return rows.length === 1
    }
  }
}
export type StatusRepository = ReturnType<typeof createStatusRepository>

// SQL of four-eyes changes: the requests that wait for a second (or third) officer or admin.
import { and, asc, count, desc, eq, gte, inArray, sum } from 'drizzle-orm'
import type { Db, GridpassDb } from '../../db/index.ts'

export type ChangeRow = GridpassDb['t']['changes']['$inferSelect']

export function createChangesRepository (store: GridpassDb) {
  const { t } = store
  const c = t.changes
  return {
    async insert (db: Db, row: ChangeRow): Promise<void> {
      await db.insert(c).values(row)
    },
    async byId (db: Db, id: string): Promise<ChangeRow | undefined> {
      const [row] = await db.select().from(c).where(eq(c.id, id)).limit(1)
      return row
    },
    /** Pending: oldest first (the queue to work through); applied and rejected: newest decided first. */
    async byState (db: Db, state: string, limit: number): Promise<ChangeRow[]> {
      const order = state === 'pending' ? [asc(c.requestedAt), asc(c.id)] : [desc(c.decidedAt), asc(c.id)]
      return db.select().from(c).where(eq(c.state, state)).orderBy(...order).limit(limit)
    },
    /** A pending change of this action on this case or person, if any (one at a time: the second would conflict). */
    async pendingOf (db: Db, action: string, where: { caseId?: string, personId?: string }): Promise<ChangeRow | undefined> {
      const [row] = await db.select().from(c).where(and(
        eq(c.action, action), eq(c.state, 'pending'),
        where.caseId !== undefined ? eq(c.caseId, where.caseId) : undefined,
        where.personId !== undefined ? eq(c.personId, where.personId) : undefined
      )).limit(1)
      return row
    },
    /** The people an author's pending and applied changes requested since `since` turn red (changes_author_requested_ix). */
    async redsSince (db: Db, authorId: string, since: number): Promise<number> {
      const [row] = await db.select({ n: sum(c.reds) }).from(c)
        .where(and(eq(c.requestedById, authorId), gte(c.requestedAt, since), inArray(c.state, ['pending', 'applied'])))
      return Number(row?.n ?? 0)
    },
    async countPending (): Promise<number> {
      const [row] = await store.db.select({ n: count() }).from(c).where(eq(c.state, 'pending'))
      return Number(row?.n ?? 0)
    },
    /**
     * Moves a change on from exactly the state it was read in (pending, with these confirmations): false when another
     * confirmation or a rejection got there first. On PostgreSQL the second of two racing updates waits for the first
     * to commit, then finds its WHERE no longer true.
     */
    async advance (db: Db, id: string, seenConfirmations: string, values: Partial<ChangeRow>): Promise<boolean> {
      const rows = await db.update(c).set(values)
        .where(and(eq(c.id, id), eq(c.state, 'pending'), eq(c.confirmations, seenConfirmations))).returning({ id: c.id })
      return rows.length === 1
    },
    async setResult (db: Db, id: string, resultEnc: string): Promise<void> {
      await db.update(c).set({ resultEnc }).where(eq(c.id, id))
    }
  }
}
export type ChangesRepository = ReturnType<typeof createChangesRepository>

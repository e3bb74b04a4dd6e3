// SQL of paper cards (the paper_cards table): one row per paper code issued, read by the status list, purged once expired.
import { and, gt, inArray, lte } from 'drizzle-orm'
import type { Db, GridpassDb } from '../../db/index.ts'
import { createLiveCodeRead } from '../../db/code-queries.ts'

export type PaperCardRow = GridpassDb['t']['paperCards']['$inferSelect']
/** People per statement: well under SQLite's and PostgreSQL's parameter limits. */
const CHUNK = 500

export function createCodesRepository (store: GridpassDb) {
  const { t } = store
  const c = t.paperCards
  return {
    /**
     * PostgreSQL: the person and their entries in one round trip (src/db/code-queries.ts). SQLite has both in memory
     * (people.brief, status.colorOf): undefined there.
     */
    liveInputs: createLiveCodeRead(store),
    async insertCard (db: Db, row: PaperCardRow): Promise<void> {
      await db.insert(c).values(row)
    },
    /** Through paper_cards_person_expires_ix. */
    async cardsOf (personIds: string[], expiringAfter: number): Promise<Array<{ cardId: string, personId: string }>> {
      const out: Array<{ cardId: string, personId: string }> = []
      for (let i = 0; i < personIds.length; i += CHUNK) {
        out.push(...await store.db.select({ cardId: c.cardId, personId: c.personId }).from(c)
          .where(and(inArray(c.personId, personIds.slice(i, i + CHUNK)), gt(c.expiresAt, expiringAfter))))
      }
      return out
    },
    /** Through paper_cards_expires_ix. */
    async expiredCards (cutoff: number, limit: number): Promise<string[]> {
      return (await store.db.select({ cardId: c.cardId }).from(c).where(lte(c.expiresAt, cutoff)).limit(limit)).map((r) => r.cardId)
    },
    async deleteCards (db: Db, cardIds: string[], cutoff: number): Promise<number> {
      return (await db.delete(c).where(and(inArray(c.cardId, cardIds), lte(c.expiresAt, cutoff))).returning({ cardId: c.cardId })).length
    }
  }
}
export type CodesRepository = ReturnType<typeof createCodesRepository>

// SQL of paper cards (the paper_cards table): one row per paper code issued, read by the status list, purged once expired.
import { and, gt, inArray, lte } from 'drizzle-orm'
import type { Db, GridpassDb } from '../../db/index.ts'

export type PaperCardRow = GridpassDb['t']['paperCards']['$inferSelect']
/** What a live code needs: the person's brief and their status entries (the colour's inputs, no reasons). */
export interface LiveInputs {
  person: { id: string, gridId: string | null, nameEnc: string | null, idNumberEnc: string | null }
  entries: Array<{ id: string, rule: string, color: string, since: number, until: number | null, endedAt: number | null, endedBy: string | null, actor: string, reason: null, detail: null }>
}

/** A live code's reads on PostgreSQL in one statement, $1 the person: the brief, and the entries as one JSON array. */
const PG_LIVE = `SELECT p.id, p.grid_id AS "gridId", p.name_enc AS "nameEnc", p.id_number_enc AS "idNumberEnc",
  (SELECT coalesce(json_agg(json_build_array(e.id, e.rule, e.color, e.since, e.until, e.ended_at, e.ended_by, e.actor) ORDER BY e.since), '[]')
     FROM status_entries e WHERE e.person_id = p.id) AS entries
  FROM people p WHERE p.id = $1`

/** People per statement: well under SQLite's and PostgreSQL's parameter limits. */
const CHUNK = 500

export function createCodesRepository (store: GridpassDb) {
  const { t } = store
  const c = t.paperCards
  const pool = store.pg
  return {
    /**
     * PostgreSQL: the person and their entries in one round trip (a named statement, planned once per connection).
     * SQLite has both in memory (people.brief, status.colorOf): undefined there.
     */
    liveInputs: pool === undefined ? undefined : async (personId: string): Promise<LiveInputs | undefined> => {
      type Raw = Omit<LiveInputs['person'], never> & { entries: Array<[string, string, string, number, number | null, number | null, string | null, string]> }
      const { rows } = await pool.query<Raw>({ name: 'gp_codes_live', text: PG_LIVE, values: [personId] })
      const r = rows[0]
      if (r === undefined) return undefined
      return {
        person: { id: r.id, gridId: r.gridId, nameEnc: r.nameEnc, idNumberEnc: r.idNumberEnc },
        entries: r.entries.map(([id, rule, color, since, until, endedAt, endedBy, actor]) => ({
          id, rule, color, since: Number(since), until: until === null ? null : Number(until), endedAt: endedAt === null ? null : Number(endedAt), endedBy, actor, reason: null, detail: null
        }))
      }
    },
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

// The live code's reads (GET /v1/me/code): on PostgreSQL one named statement; on SQLite none (both are in memory,
// people.brief and status.colorOf).
import type { GridpassDb } from './index.ts'

/** What a live code needs: the person's brief and their status entries (the colour's inputs, no reasons). */
export interface LiveInputs {
  person: { id: string, gridId: string | null, nameEnc: string | null, idNumberEnc: string | null }
  entries: Array<{ id: string, rule: string, color: string, since: number, until: number | null, endedAt: number | null, endedBy: string | null, actor: string, reason: null, detail: null }>
}

/** $1 the person: the brief, and the entries as one JSON array. */
const PG_LIVE = `SELECT p.id, p.grid_id AS "gridId", p.name_enc AS "nameEnc", p.id_number_enc AS "idNumberEnc",
  (SELECT coalesce(json_agg(json_build_array(e.id, e.rule, e.color, e.since, e.until, e.ended_at, e.ended_by, e.actor) ORDER BY e.since), '[]')
     FROM status_entries e WHERE e.person_id = p.id) AS entries
  FROM people p WHERE p.id = $1`

type Raw = LiveInputs['person'] & { entries: Array<[string, string, string, number, number | null, number | null, string | null, string]> }

/** PostgreSQL: the person and their entries in one round trip (planned once per connection). SQLite: undefined. */
export function createLiveCodeRead (store: GridpassDb): ((personId: string) => Promise<LiveInputs | undefined>) | undefined {
  const pool = store.pg
  if (pool === undefined) return undefined
  return async (personId) => {
    const { rows } = await pool.query<Raw>({ name: 'gp_codes_live', text: PG_LIVE, values: [personId] })
    const r = rows[0]
    if (r === undefined) return undefined
    return {
      person: { id: r.id, gridId: r.gridId, nameEnc: r.nameEnc, idNumberEnc: r.idNumberEnc },
      entries: r.entries.map(([id, rule, color, since, until, endedAt, endedBy, actor]) => ({
        id, rule, color, since: Number(since), until: until === null ? null : Number(until), endedAt: endedAt === null ? null : Number(endedAt), endedBy, actor, reason: null, detail: null
      }))
    }
  }
}

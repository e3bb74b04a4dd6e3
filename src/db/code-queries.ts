// The live code's reads (GET /v1/me/code): on PostgreSQL one named statement per event-loop turn; on SQLite none (both are in memory,
// people.brief and status.colorOf).
import type { GridpassDb } from './index.ts'
import { batchedPgRead } from './pg-batch.ts'

/** What a live code needs: the person's brief and their status entries (the colour's inputs, no reasons). */
export interface LiveInputs {
  person: { id: string, gridId: string | null, nameEnc: string | null, idNumberEnc: string | null }
  entries: Array<{ id: string, rule: string, color: string, since: number, until: number | null, endedAt: number | null, endedBy: string | null, actor: string, reason: null, detail: null }>
}

/** $1 the people (those of one event-loop turn, pg-batch.ts): per position `i` the brief and the entries as one JSON array. */
const PG_LIVE = `SELECT q.i::int AS i, p.id, p.grid_id AS "gridId", p.name_enc AS "nameEnc", p.id_number_enc AS "idNumberEnc",
  (SELECT coalesce(json_agg(json_build_array(e.id, e.rule, e.color, e.since, e.until, e.ended_at, e.ended_by, e.actor) ORDER BY e.since), '[]')
     FROM status_entries e WHERE e.person_id = p.id) AS entries
  FROM unnest($1::text[]) WITH ORDINALITY AS q(person_id, i) JOIN people p ON p.id = q.person_id`

type Raw = LiveInputs['person'] & { i: number, entries: Array<[string, string, string, number, number | null, number | null, string | null, string]> }

/** PostgreSQL: the person and their entries, the reads of one turn in one round trip (planned once per connection). SQLite: undefined. */
export function createLiveCodeRead (store: GridpassDb): ((personId: string) => Promise<LiveInputs | undefined>) | undefined {
  const pool = store.pg
  if (pool === undefined) return undefined
  return batchedPgRead<string, Raw, LiveInputs>(pool, {
    name: 'gp_codes_live',
    text: PG_LIVE,
    values: (ids) => [ids],
    row: (r) => ({
      person: { id: r.id, gridId: r.gridId, nameEnc: r.nameEnc, idNumberEnc: r.idNumberEnc },
      entries: r.entries.map(([id, rule, color, since, until, endedAt, endedBy, actor]) => ({
        id, rule, color, since: Number(since), until: until === null ? null : Number(until), endedAt: endedAt === null ? null : Number(endedAt), endedBy, actor, reason: null, detail: null
      }))
    })
  })
}

// SQL for people: rows hold ciphertexts and blind indexes, never plain personal data.
import { and, asc, count, eq, inArray, sql } from 'drizzle-orm'
import { personMemo, prepareRead, uniqueViolation, type Db, type GridpassDb } from '../../db/index.ts'

export type PersonRow = GridpassDb['t']['people']['$inferSelect']
export type PersonBrief = Pick<PersonRow, 'id' | 'gridId' | 'nameEnc' | 'idNumberEnc'>

const CHUNK = 500

export function createPeopleRepository (store: GridpassDb) {
  const { t } = store
  // The live code's read of its person (GET /v1/me/code): prepared once.
  const byIdRead = prepareRead<PersonRow>(store, 'gp_people_by_id', store.db.select().from(t.people).where(eq(t.people.id, sql.placeholder('id'))).limit(1))
  const p = t.people
  const briefRead = prepareRead<PersonBrief>(store, 'gp_people_brief', store.db.select({ id: p.id, gridId: p.gridId, nameEnc: p.nameEnc, idNumberEnc: p.idNumberEnc })
    .from(p).where(eq(p.id, sql.placeholder('id'))).limit(1))
  const brief = personMemo<PersonBrief>(store, 'people', async (id) => (await briefRead({ id }))[0])
  return {
    /** What issuing a code needs of a person (outside transactions), prepared once; on SQLite kept in memory. */
    brief,
    async byId (db: Db, id: string): Promise<PersonRow | undefined> {
      // On SQLite a transaction's db is store.db (one connection); on PostgreSQL a transaction has its own.
      if (db === store.db) return (await byIdRead({ id }))[0]
      const [row] = await db.select().from(t.people).where(eq(t.people.id, id)).limit(1)
      return row
    },
    async byPhoneIdx (db: Db, phoneIdx: string): Promise<PersonRow | undefined> {
      const [row] = await db.select().from(t.people).where(eq(t.people.phoneIdx, phoneIdx)).limit(1)
      return row
    },
    async byIdNumberIdx (db: Db, idx: string): Promise<PersonRow | undefined> {
      const [row] = await db.select().from(t.people).where(eq(t.people.idNumberIdx, idx)).limit(1)
      return row
    },
    async insert (db: Db, row: PersonRow): Promise<void> {
      await db.insert(t.people).values(row)
    },
    async update (db: Db, id: string, values: Partial<PersonRow>): Promise<void> {
      await db.update(t.people).set(values).where(eq(t.people.id, id))
      store.changed(db, 'people', id)
    },
    /** Which of these people exist. */
    async existing (db: Db, ids: string[]): Promise<Set<string>> {
      const out = new Set<string>()
      for (let i = 0; i < ids.length; i += CHUNK) {
        for (const r of await db.select({ id: t.people.id }).from(t.people).where(inArray(t.people.id, ids.slice(i, i + CHUNK)))) out.add(r.id)
      }
      return out
    },
    /**
     * A household's grid, or undefined: the one read of the households table here (the households module is registered
     * after this one and depends on it, so people cannot ask its service).
     */
    async household (db: Db, id: string): Promise<{ id: string, gridId: string } | undefined> {
      const [row] = await db.select({ id: t.households.id, gridId: t.households.gridId }).from(t.households).where(eq(t.households.id, id)).limit(1)
      return row
    },
    /** The people of these households (through people_household_ix), in id order. */
    async inHouseholds (householdIds: string[]): Promise<Array<{ id: string, householdId: string | null, gridId: string | null, nameEnc: string | null }>> {
      const out: Array<{ id: string, householdId: string | null, gridId: string | null, nameEnc: string | null }> = []
      for (let i = 0; i < householdIds.length; i += CHUNK) {
        out.push(...await store.db.select({ id: t.people.id, householdId: t.people.householdId, gridId: t.people.gridId, nameEnc: t.people.nameEnc }).from(t.people)
          .where(inArray(t.people.householdId, householdIds.slice(i, i + CHUNK))).orderBy(asc(t.people.id)))
      }
      return out
    },
    /** How many people each of these households holds (absent: none). */
    async householdSizes (householdIds: string[]): Promise<Map<string, number>> {
      const out = new Map<string, number>()
      for (let i = 0; i < householdIds.length; i += CHUNK) {
        const rows = await store.db.select({ householdId: t.people.householdId, n: count() }).from(t.people)
          .where(inArray(t.people.householdId, householdIds.slice(i, i + CHUNK))).groupBy(t.people.householdId)
        for (const r of rows) if (r.householdId !== null) out.set(r.householdId, Number(r.n))
      }
      return out
    },
    /** The people a resident keeps the codes of (through people_guardian_ix), oldest first. */
    async dependentsOf (db: Db, guardianId: string): Promise<PersonRow[]> {
      return db.select().from(t.people).where(eq(t.people.guardianId, guardianId)).orderBy(asc(t.people.createdAt), asc(t.people.id))
    },
    async dependent (db: Db, guardianId: string, personId: string): Promise<PersonRow | undefined> {
      const [row] = await db.select().from(t.people).where(and(eq(t.people.id, personId), eq(t.people.guardianId, guardianId))).limit(1)
      return row
    },
    /** The grid of each of these people (null: none); unknown ids are absent. */
    async gridsOf (ids: string[]): Promise<Map<string, string | null>> {
      const out = new Map<string, string | null>()
      for (let i = 0; i < ids.length; i += CHUNK) {
        for (const r of await store.db.select({ id: t.people.id, gridId: t.people.gridId }).from(t.people).where(inArray(t.people.id, ids.slice(i, i + CHUNK)))) out.set(r.id, r.gridId)
      }
      return out
    },
    /** The stored (encrypted) names of these people (the service asks a few hundred at a time). */
    async encryptedNames (ids: string[]): Promise<Array<{ id: string, nameEnc: string | null }>> {
      return store.db.select({ id: t.people.id, nameEnc: t.people.nameEnc }).from(t.people).where(inArray(t.people.id, ids))
    }
  }
}
/**
 * Which people column a unique-index violation was about ('idNumber' | 'phone'), or undefined for any other error.
 * Two PostgreSQL requests can both pass the "already bound?" check before either commits; the index decides.
 */
export function uniqueColumn (err: unknown): 'idNumber' | 'phone' | undefined {
  const text = uniqueViolation(err)
  if (text === undefined) return undefined
  if (/id_number_idx/.test(text)) return 'idNumber'
  if (/phone_idx/.test(text)) return 'phone'
  return undefined
}

export type PeopleRepository = ReturnType<typeof createPeopleRepository>

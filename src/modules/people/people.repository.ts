// SQL for people: rows hold ciphertexts and blind indexes, never plain personal data.
import { eq, inArray } from 'drizzle-orm'
import { uniqueViolation, type Db, type GridpassDb } from '../../db/index.ts'

export type PersonRow = GridpassDb['t']['people']['$inferSelect']

const CHUNK = 500

export function createPeopleRepository (store: GridpassDb) {
  const { t } = store
  return {
    async byId (db: Db, id: string): Promise<PersonRow | undefined> {
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
    },
    /** Which of these people exist. */
    async existing (db: Db, ids: string[]): Promise<Set<string>> {
      const out = new Set<string>()
      for (let i = 0; i < ids.length; i += CHUNK) {
        for (const r of await db.select({ id: t.people.id }).from(t.people).where(inArray(t.people.id, ids.slice(i, i + CHUNK)))) out.add(r.id)
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

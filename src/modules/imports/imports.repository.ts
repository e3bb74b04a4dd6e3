// SQL of a register import: people and households read by their blind indexes a chunk at a time, written in multi-row
// inserts. These are the people and households tables' bulk paths: a 200,000-row register cannot go through the one-row
// statements of the people and households modules (a query per row is minutes, not seconds).
import { eq, inArray } from 'drizzle-orm'
import type { Db, GridpassDb } from '../../db/index.ts'

export type PersonRow = GridpassDb['t']['people']['$inferSelect']
export type HouseholdRow = GridpassDb['t']['households']['$inferSelect']

/** What a register row is compared with; a later change to any of these since the check means the file is stale. */
export interface PersonSnapshot {
  id: string
  idNumberIdx: string | null
  nameEnc: string | null
  phoneIdx: string | null
  gridId: string | null
  householdId: string | null
  updatedAt: number
}

/**
 * Rows per statement: a people row has 13 columns, so 500 rows are 6,500 parameters, far below SQLite's 32,766 and
 * PostgreSQL's 65,535; larger batches were not faster on SQLite.
 */
export const BATCH = 500

export function createImportsRepository (store: GridpassDb) {
  const { t } = store
  const snapshotColumns = {
    id: t.people.id, idNumberIdx: t.people.idNumberIdx, nameEnc: t.people.nameEnc, phoneIdx: t.people.phoneIdx,
    gridId: t.people.gridId, householdId: t.people.householdId, updatedAt: t.people.updatedAt
  }
  return {
    /** The people holding these ID-number indexes (at most BATCH). */
    async peopleByIdNumberIdx (db: Db, idxs: string[]): Promise<PersonSnapshot[]> {
      return db.select(snapshotColumns).from(t.people).where(inArray(t.people.idNumberIdx, idxs))
    },
    /** The people holding these phone indexes (at most BATCH). */
    async peopleByPhoneIdx (db: Db, idxs: string[]): Promise<Array<{ id: string, phoneIdx: string | null }>> {
      return db.select({ id: t.people.id, phoneIdx: t.people.phoneIdx }).from(t.people).where(inArray(t.people.phoneIdx, idxs))
    },
    /** These people as they are now (at most BATCH ids). */
    async peopleById (db: Db, ids: string[]): Promise<PersonSnapshot[]> {
      return db.select(snapshotColumns).from(t.people).where(inArray(t.people.id, ids))
    },
    /** The households holding these address indexes (at most BATCH). */
    async householdsByAddressIdx (db: Db, idxs: string[]): Promise<Array<{ id: string, addressIdx: string, gridId: string }>> {
      return db.select({ id: t.households.id, addressIdx: t.households.addressIdx, gridId: t.households.gridId }).from(t.households).where(inArray(t.households.addressIdx, idxs))
    },
    /** Which of these households still exist (at most BATCH ids). */
    async householdIds (db: Db, ids: string[]): Promise<string[]> {
      return (await db.select({ id: t.households.id }).from(t.households).where(inArray(t.households.id, ids))).map((r) => r.id)
    },
    /** At most BATCH rows in one statement. */
    async insertHouseholds (db: Db, rows: HouseholdRow[]): Promise<void> {
      if (rows.length > 0) await db.insert(t.households).values(rows)
    },
    /** At most BATCH rows in one statement. */
    async insertPeople (db: Db, rows: PersonRow[]): Promise<void> {
      if (rows.length > 0) await db.insert(t.people).values(rows)
    },
    async updatePerson (db: Db, id: string, values: Partial<PersonRow>): Promise<void> {
      await db.update(t.people).set(values).where(eq(t.people.id, id))
      store.changed(db, 'people', id)
    }
  }
}

export type ImportsRepository = ReturnType<typeof createImportsRepository>

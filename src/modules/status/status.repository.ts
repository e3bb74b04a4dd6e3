// SQL of status entries, manual changes, declarations and appeals. Their free text (reasons, declared symptoms, appeal
// messages and notes, declarations) is sealed here with the data key, like names: callers see plain text, rows hold
// `v1.` ciphertexts.
import { and, asc, eq, gt, inArray, isNotNull, isNull, lt, lte, notLike, or, desc, sql } from 'drizzle-orm'
import { personMemo, prepareRead, type Db, type GridpassDb } from '../../db/index.ts'
import type { Pii } from '../../lib/pii.ts'

type T = GridpassDb['t']
export type EntryRow = T['statusEntries']['$inferSelect']
export type ChangeRow = T['statusChanges']['$inferSelect']
export type AppealRow = T['appeals']['$inferSelect']
export type DeclarationRow = T['declarations']['$inferSelect']
/** What a resident declared, as sealed in declarations.dataEnc. */
export interface DeclarationData { temperature: number, symptoms: string[], visitedHighRiskArea: boolean, contactWithConfirmed: boolean }

/** A stored value this service sealed: `v1.` and at least the IV and tag (28 bytes) in base64url. */
const SEALED = /^v1\.[A-Za-z0-9_-]{38,}$/
/** Rows sealed per transaction when plain text from before is sealed at start. */
const SEAL_BATCH = 500
/** The settings row that says this database's plain text was sealed (the pass then never scans again). */
const SEALED_MARK = 'sealed-at-rest:status:v1'

export function createStatusRepository (store: GridpassDb, pii: Pii) {
  const { t } = store
  const seal = (plain: string | null): string | null => (plain === null ? null : pii.encrypt(plain))
  // Plain text still readable: written before the seal at start, or by a copy of the service not yet upgraded.
  const open = (stored: string | null): string | null => (stored === null || !SEALED.test(stored) ? stored : pii.decrypt(stored))
  const openEntry = (e: EntryRow): EntryRow => (e.reason === null && e.detail === null ? e : { ...e, reason: open(e.reason), detail: open(e.detail) })
  const openAppeal = (a: AppealRow): AppealRow => ({ ...a, message: open(a.message) as string, note: open(a.note) })

  /** Seals one text column's plain values, a batch per transaction, each update guarded by the value it read. */
  async function sealColumn (
    plain: (limit: number) => Promise<Array<{ id: string, value: string | null }>>,
    update: (db: Db, id: string, was: string, sealed: string) => Promise<unknown>
  ): Promise<number> {
    let sealed = 0
    for (;;) {
      const rows = await plain(SEAL_BATCH)
      if (rows.length === 0) return sealed
      await store.tx(async (db) => {
        for (const r of rows) await update(db, r.id, r.value as string, pii.encrypt(r.value as string))
      })
      sealed += rows.length
    }
  }
  const { statusEntries: se, statusChanges: sc, appeals: ap } = t
  // A live code's colour (GET /v1/me/code): prepared once.
  const forColorRead = prepareRead<EntryRow>(store, 'gp_status_entries_for_color', store.db.select().from(se).where(eq(se.personId, sql.placeholder('personId'))).orderBy(asc(se.since)))
  // On SQLite kept in memory per person until a status write of theirs commits.
  const forColor = personMemo<EntryRow[]>(store, 'status_entries', async (personId) => (await forColorRead({ personId })).map((e) => ({ ...e, reason: null, detail: null })))
  const sealEntries = async (): Promise<number> => sealColumn(
    async (limit) => store.db.select({ id: se.id, value: se.reason }).from(se).where(and(isNotNull(se.reason), notLike(se.reason, 'v1.%'))).limit(limit),
    async (db, id, was, sealed) => {
      store.changed(db, 'status_entries', null)
      return db.update(se).set({ reason: sealed }).where(and(eq(se.id, id), eq(se.reason, was)))
    })
  const sealChanges = async (): Promise<number> => sealColumn(
    async (limit) => store.db.select({ id: sc.id, value: sc.reason }).from(sc).where(notLike(sc.reason, 'v1.%')).limit(limit),
    async (db, id, was, sealed) => db.update(sc).set({ reason: sealed }).where(and(eq(sc.id, id), eq(sc.reason, was))))
  const sealAppealMessages = async (): Promise<number> => sealColumn(
    async (limit) => store.db.select({ id: ap.id, value: ap.message }).from(ap).where(notLike(ap.message, 'v1.%')).limit(limit),
    async (db, id, was, sealed) => db.update(ap).set({ message: sealed }).where(and(eq(ap.id, id), eq(ap.message, was))))
  const sealAppealNotes = async (): Promise<number> => sealColumn(
    async (limit) => store.db.select({ id: ap.id, value: ap.note }).from(ap).where(and(isNotNull(ap.note), notLike(ap.note, 'v1.%'))).limit(limit),
    async (db, id, was, sealed) => db.update(ap).set({ note: sealed }).where(and(eq(ap.id, id), eq(ap.note, was))))
  async function sealDeclarations (): Promise<number> {
    const d = t.declarations
    let sealed = 0
    for (;;) {
      const rows = await store.db.select().from(d).where(and(isNull(d.dataEnc), isNotNull(d.temperature))).limit(SEAL_BATCH)
      if (rows.length === 0) return sealed
      await store.tx(async (db) => {
        for (const r of rows) {
          const data: DeclarationData = {
            temperature: r.temperature as number, symptoms: JSON.parse(r.symptoms ?? '[]') as string[],
            visitedHighRiskArea: r.visitedHighRiskArea === true, contactWithConfirmed: r.contactWithConfirmed === true
          }
          await db.update(d).set({ dataEnc: pii.encrypt(JSON.stringify(data)), temperature: null, symptoms: null, visitedHighRiskArea: null, contactWithConfirmed: null })
            .where(and(eq(d.id, r.id), isNull(d.dataEnc)))
        }
      })
      sealed += rows.length
    }
  }

  return {
    async entries (db: Db, personId: string): Promise<EntryRow[]> {
      return (await db.select().from(t.statusEntries).where(eq(t.statusEntries.personId, personId)).orderBy(asc(t.statusEntries.since))).map(openEntry)
    },
    /** The entries for a colour only: their reasons stay sealed (null here), nothing is decrypted. */
    async entriesForColor (db: Db, personId: string): Promise<EntryRow[]> {
      if (db === store.db) return (await forColor(personId)) as EntryRow[]
      return (await db.select().from(t.statusEntries).where(eq(t.statusEntries.personId, personId)).orderBy(asc(t.statusEntries.since))).map((e) => ({ ...e, reason: null, detail: null }))
    },
    async insertEntries (db: Db, rows: EntryRow[]): Promise<void> {
      if (rows.length === 0) return
      await db.insert(t.statusEntries).values(rows.map((r) => ({ ...r, reason: seal(r.reason), detail: seal(r.detail) })))
      for (const personId of new Set(rows.map((r) => r.personId))) store.changed(db, 'status_entries', personId)
    },
    /** Ends every entry still active at `now` (a manual change replaces them). */
    async endActive (db: Db, personId: string, now: number, endedBy: string): Promise<void> {
      store.changed(db, 'status_entries', personId)
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
      // Colours only: the reasons stay sealed (null here).
      return (await store.db.select().from(e)
        .where(and(lte(e.since, at), or(isNull(e.until), gt(e.until, at)), or(isNull(e.endedAt), gt(e.endedAt, at))))).map((r) => ({ ...r, reason: null, detail: null }))
    },
    /** Ends, at `now`, the entries still running that one source (a case, a contact mark) started. */
    async endEntriesOf (db: Db, where: { personId: string, rule: string, sourceId?: string, entryId?: string }, now: number, endedBy: string): Promise<void> {
      const e = t.statusEntries
      store.changed(db, 'status_entries', where.personId)
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
    /**
     * Ends, at `now`, the entries of one rule still running that one source started, whoever holds them (a case's
     * site_exposure entries when it closes; status_entries_source_ix). The people whose entries ended, distinct.
     */
    async endEntriesOfSource (db: Db, where: { rule: string, sourceId: string }, now: number, endedBy: string): Promise<string[]> {
      const e = t.statusEntries
      const rows = await db.update(e).set({ endedAt: now, endedBy })
        .where(and(
          eq(e.sourceId, where.sourceId),
          eq(e.rule, where.rule),
          or(isNull(e.until), gt(e.until, now)),
          or(isNull(e.endedAt), gt(e.endedAt, now))
        )).returning({ personId: e.personId })
      const people = [...new Set(rows.map((r) => r.personId))]
      for (const personId of people) store.changed(db, 'status_entries', personId)
      return people
    },
    /** The declaration sealed as one JSON value; the plain columns stay null. */
    async insertDeclaration (db: Db, row: { id: string, personId: string, at: number, data: DeclarationData }): Promise<void> {
      await db.insert(t.declarations).values({
        id: row.id, personId: row.personId, at: row.at, dataEnc: pii.encrypt(JSON.stringify(row.data)),
        temperature: null, symptoms: null, visitedHighRiskArea: null, contactWithConfirmed: null
      })
    },
    /** A person's declarations, oldest first, opened. */
    async declarationsOf (db: Db, personId: string): Promise<Array<{ id: string, at: number, data: DeclarationData }>> {
      const rows = await db.select().from(t.declarations).where(eq(t.declarations.personId, personId)).orderBy(asc(t.declarations.at))
      return rows.map((r) => ({
        id: r.id,
        at: r.at,
        data: r.dataEnc !== null
          ? JSON.parse(pii.decrypt(r.dataEnc)) as DeclarationData
          : { temperature: r.temperature as number, symptoms: JSON.parse(r.symptoms ?? '[]') as string[], visitedHighRiskArea: r.visitedHighRiskArea === true, contactWithConfirmed: r.contactWithConfirmed === true }
      }))
    },
    /** Through declarations_at_ix. */
    async oldDeclarations (cutoff: number, limit: number): Promise<string[]> {
      return (await store.db.select({ id: t.declarations.id }).from(t.declarations).where(lt(t.declarations.at, cutoff)).limit(limit)).map((r) => r.id)
    },
    async deleteDeclarations (db: Db, ids: string[], cutoff: number): Promise<number> {
      return (await db.delete(t.declarations).where(and(inArray(t.declarations.id, ids), lt(t.declarations.at, cutoff))).returning({ id: t.declarations.id })).length
    },
    async insertChange (db: Db, row: ChangeRow): Promise<void> {
      await db.insert(t.statusChanges).values({ ...row, reason: pii.encrypt(row.reason) })
    },
    async change (db: Db, id: string): Promise<ChangeRow | undefined> {
      const [row] = await db.select().from(t.statusChanges).where(eq(t.statusChanges.id, id)).limit(1)
      return row === undefined ? undefined : { ...row, reason: open(row.reason) as string }
    },
    /** Moves a change out of 'pending'; false when another confirmation got there first. */
    async settleChange (db: Db, id: string, values: Partial<ChangeRow>): Promise<boolean> {
      const rows = await db.update(t.statusChanges).set(values)
        .where(and(eq(t.statusChanges.id, id), eq(t.statusChanges.state, 'pending'))).returning({ id: t.statusChanges.id })
      return rows.length === 1
    },
    async insertAppeal (db: Db, row: AppealRow): Promise<void> {
      await db.insert(t.appeals).values({ ...row, message: pii.encrypt(row.message), note: seal(row.note) })
    },
    async appeal (db: Db, id: string): Promise<AppealRow | undefined> {
      const [row] = await db.select().from(t.appeals).where(eq(t.appeals.id, id)).limit(1)
      return row === undefined ? undefined : openAppeal(row)
    },
    async appealsOf (db: Db, personId: string): Promise<AppealRow[]> {
      return (await db.select().from(t.appeals).where(eq(t.appeals.personId, personId)).orderBy(desc(t.appeals.createdAt))).map(openAppeal)
    },
    async appealsByStatus (db: Db, status: string, limit: number): Promise<AppealRow[]> {
      return (await db.select().from(t.appeals).where(eq(t.appeals.status, status)).orderBy(asc(t.appeals.dueAt)).limit(limit)).map(openAppeal)
    },
    /** Resolves an open appeal; false when another resolution got there first. */
    async resolveOpenAppeal (db: Db, id: string, values: Partial<AppealRow>): Promise<boolean> {
      const rows = await db.update(t.appeals).set(values.note === undefined ? values : { ...values, note: seal(values.note) })
        .where(and(eq(t.appeals.id, id), eq(t.appeals.status, 'open'))).returning({ id: t.appeals.id })
      return rows.length === 1
    },

    /** Whether this database's plain text from before was sealed already. */
    async sealedAtRest (): Promise<boolean> {
      return (await store.db.select({ key: t.settings.key }).from(t.settings).where(eq(t.settings.key, SEALED_MARK)).limit(1)).length > 0
    },
    /**
     * Seals every plain reason, appeal text and declaration left from before (idempotent: values already sealed are
     * skipped, and each update is guarded by the value it read, so two copies starting at once seal each row once),
     * then records that it is done.
     */
    async sealAtRest (now: number): Promise<Record<'entries' | 'changes' | 'appealMessages' | 'appealNotes' | 'declarations', number>> {
      const counts = {
        entries: await sealEntries(),
        changes: await sealChanges(),
        appealMessages: await sealAppealMessages(),
        appealNotes: await sealAppealNotes(),
        declarations: await sealDeclarations()
      }
      await store.db.insert(t.settings).values({ key: SEALED_MARK, value: JSON.stringify(counts), updatedAt: now }).onConflictDoNothing()
      return counts
    }
  }
}
export type StatusRepository = ReturnType<typeof createStatusRepository>

// Register imports (一标三实): a CSV body read, checked row by row, matched against the people and households on record,
// then written in one short transaction, all or nothing, and audited once. Progress is kept on the board.
import { setImmediate as nextTurn } from 'node:timers/promises'
import type { Config } from '../../config.ts'
import { uniqueViolation, type Db, type GridpassDb } from '../../db/index.ts'
import { Conflict } from '../../errors.ts'
import type { Pii } from '../../lib/pii.ts'
import type { AuditLog } from '../../plugins/audit.ts'
import { actorName, type Session } from '../../types.ts'
import type { AreasService } from '../areas/index.ts'
import type { GridsService } from '../grids/index.ts'
import type { HouseholdsService } from '../households/index.ts'
import { charsetOf, csvRecords, declaredCharset, readBody } from './imports.csv.ts'
import { planImport, ROWS_PER_TURN, type Plan } from './imports.plan.ts'
import type { Progress, ProgressBoard } from './imports.progress.ts'
import { BATCH, type ImportsRepository } from './imports.repository.ts'
import { checkRow, readHeader, type CleanRow, type Layout, type RowError } from './imports.rows.ts'

/** The most data rows a file may hold. */
export const MAX_IMPORT_ROWS = 200_000
/** The most refused rows listed in a 422 (checking stops there). */
export const MAX_LISTED_ERRORS = 100

/** 422 GP_IMPORT_INVALID: the file was refused row by row and nothing was imported. The route answers it with its rows. */
export class ImportInvalid extends Error {
  readonly errors: RowError[]
  constructor (message: string, errors: RowError[]) {
    super(message)
    this.errors = errors
  }
}

export interface ImportInput {
  importId: string
  body: AsyncIterable<Buffer>
  contentType: string | undefined
  contentLength: number | undefined
}
export interface ImportResult { people: number, households: number, updated: number }

interface Deps { repo: ImportsRepository, store: GridpassDb, pii: Pii, audit: AuditLog, config: Config, grids: GridsService, areas: AreasService, households: HouseholdsService, board: ProgressBoard }

const STALE = 'body: the register changed while this file was being checked (another import, a registration or a move); send the file again'

export function createImportsService ({ repo, store, pii, audit, config, grids, areas, households, board }: Deps) {
  const addressIndex = (gridId: string, address: string): string => {
    const key = households.addressIndex(gridId, address)
    if (key === undefined) throw new Error('an address passed checkAddress but not the households module\'s check')
    return key.addressIdx
  }
  /** Every row of the file checked on its own and against the file's other rows: the clean rows, or null (refused). */
  async function readRows (actor: Session, input: ImportInput, progress: Progress, refuse: (e: RowError) => boolean): Promise<{ rows: CleanRow[], layout: Layout } | null> {
    const declared = declaredCharset(input.contentType)
    const chunks = await readBody(input.body, input.contentLength, (n) => { progress.bytes = n })
    const body = Buffer.concat(chunks)
    progress.state = 'validating'
    const charset = charsetOf(body, declared)
    const rows: CleanRow[] = []
    const firstRowOf = { idNumber: new Map<string, number>(), phone: new Map<string, number>() }
    let layout: Layout | undefined
    let headerAt = 0
    let ok = true
    const nowMs = config.now()
    for await (const record of csvRecords(body, charset, declared !== undefined)) {
      if (layout === undefined) {
        const header = readHeader(record.fields)
        if ('errors' in header) { header.errors.forEach(refuse); return null }
        layout = header.layout
        headerAt = record.row
        continue
      }
      const row = record.row - headerAt
      progress.rows = row
      if (row > MAX_IMPORT_ROWS) { refuse({ row, column: null, message: `the file has more than ${MAX_IMPORT_ROWS} rows; split it into several files` }); return null }
      const checked = checkRow(row, record.fields, layout, nowMs)
      if (Array.isArray(checked)) {
        ok = false
        if (!checked.every(refuse)) return null
      } else {
        const again = firstRowOf.idNumber.get(checked.idNumber)
        const phoneAgain = checked.phone === null ? undefined : firstRowOf.phone.get(checked.phone)
        if (again !== undefined) {
          ok = false
          if (!refuse({ row, column: layout.label.idNumber, message: `${layout.label.idNumber}: the same ID number as row ${again}` })) return null
        } else if (phoneAgain !== undefined) {
          ok = false
          if (!refuse({ row, column: layout.label.phone, message: `${layout.label.phone}: the same phone as row ${phoneAgain} (one phone is one person's login)` })) return null
        } else {
          firstRowOf.idNumber.set(checked.idNumber, row)
          if (checked.phone !== null) firstRowOf.phone.set(checked.phone, row)
          rows.push(checked)
        }
      }
      progress.done = row
      if (row % ROWS_PER_TURN === 0) await nextTurn()
    }
    if (layout === undefined) { refuse({ row: 0, column: null, message: 'the file is empty; it needs the header row 姓名,身份证号,手机号,网格,住址 and at least one row' }); return null }
    if (progress.rows === 0) { refuse({ row: 0, column: null, message: 'the file has a header but no rows' }); return null }
    // Unknown grids are told beside the other refused rows (the clean rows' grids are checked even when some rows failed).
    const gridsOk = await checkGrids(actor, rows, layout, refuse)
    return ok && gridsOk ? { rows, layout } : null
  }

  /** Grids that do not exist and grids outside the importer's area get the same answer: their existence is not told. */
  async function checkGrids (actor: Session, rows: CleanRow[], layout: Layout, refuse: (e: RowError) => boolean): Promise<boolean> {
    const ids = [...new Set(rows.map((r) => r.gridId))]
    const existing = await grids.existing(store.db, ids)
    const reach = await areas.reach(actor)
    const bad = new Set(ids.filter((id) => !existing.has(id) || (!reach.all && !reach.gridIds.has(id))))
    if (bad.size === 0) return true
    for (const r of rows) {
      if (bad.has(r.gridId) && !refuse({ row: r.row, column: layout.label.gridId, message: `${layout.label.gridId}: no grid ${r.gridId} in your area` })) break
    }
    return false
  }

  /** The plan in one transaction, after checking that nothing it was based on changed since. */
  async function write (plan: Plan, progress: Progress, audited: (db: Db) => Promise<void>): Promise<void> {
    const steps = async <T>(items: T[], each: (db: Db, chunk: T[]) => Promise<void>, db: Db): Promise<void> => {
      for (let i = 0; i < items.length; i += BATCH) {
        await each(db, items.slice(i, i + BATCH))
        progress.done += Math.min(BATCH, items.length - i)
        // Other requests are answered between batches; on SQLite their writes wait for this commit.
        await nextTurn()
      }
    }
    await store.tx(async (db) => {
      const before = new Map(plan.matched.map((p) => [p.id, p]))
      await steps(plan.matched, async (d, chunk) => {
        for (const now of await repo.peopleById(d, chunk.map((p) => p.id))) {
          const then = before.get(now.id)
          if (then === undefined || then.updatedAt !== now.updatedAt || then.nameEnc !== now.nameEnc || then.phoneIdx !== now.phoneIdx ||
            then.gridId !== now.gridId || then.householdId !== now.householdId || then.idNumberIdx !== now.idNumberIdx) throw new Conflict(STALE)
          before.delete(now.id)
        }
      }, db)
      if (before.size > 0) throw new Conflict(STALE)
      progress.done = 0
      for (let i = 0; i < plan.matchedHouseholds.length; i += BATCH) {
        const chunk = plan.matchedHouseholds.slice(i, i + BATCH)
        if ((await repo.householdIds(db, chunk)).length !== chunk.length) throw new Conflict(STALE)
      }
      await steps(plan.households, async (d, chunk) => repo.insertHouseholds(d, chunk), db)
      progress.done = 0
      await steps(plan.people, async (d, chunk) => repo.insertPeople(d, chunk), db)
      await steps(plan.updates, async (d, chunk) => { for (const u of chunk) await repo.updatePerson(d, u.id, u.values) }, db)
      await audited(db)
    }).catch((err: unknown) => {
      // A person or household added by someone else since the check: the unique indexes refuse the duplicate.
      if (uniqueViolation(err) !== undefined) throw new Conflict(STALE)
      throw err
    })
  }

  return {
    board,
    /** POST /v1/imports/residents: the counts, or ImportInvalid (422) with the refused rows; nothing is written unless all pass. */
    async importResidents (actor: Session, input: ImportInput): Promise<ImportResult> {
      const progress = board.start(input.importId, actor.sub)
      const found: RowError[] = []
      // false once MAX_LISTED_ERRORS are found: checking stops there.
      const refuse = (e: RowError): boolean => found.push(e) < MAX_LISTED_ERRORS
      const refused = async (): Promise<never> => {
        const more = found.length >= MAX_LISTED_ERRORS
        const errors = found.sort((a, b) => a.row - b.row).slice(0, MAX_LISTED_ERRORS)
        const message = `the register was not imported: ${more ? `${MAX_LISTED_ERRORS} or more` : found.length} refused row(s)${more ? ` (the first ${MAX_LISTED_ERRORS} are listed)` : ''}; correct them and send the whole file again`
        await audit.record({ actor: actorName(actor), role: actor.role, action: 'register.import_refused', target: input.importId, purpose: `rows=${progress.rows} errors=${more ? `${MAX_LISTED_ERRORS}+` : found.length}` })
        throw new ImportInvalid(message, errors)
      }
      try {
        const read = await readRows(actor, input, progress, refuse)
        if (read === null) return await refused()
        const { rows, layout } = read
        progress.done = 0
        const plan = await planImport({ repo, store, pii, addressIndex }, {
          rows, labels: layout.label, createdBy: `import:${actorName(actor)}`, now: config.now(), reach: await areas.reach(actor), refuse, onDone: (n) => { progress.done = n }
        })
        if (plan === null) return await refused()
        progress.state = 'writing'
        progress.done = 0
        const result = { people: plan.people.length, households: plan.households.length, updated: plan.updates.length }
        // Counts only: the audit log never holds the register's personal data.
        await write(plan, progress, async (db) => audit.append(db, {
          actor: actorName(actor), role: actor.role, action: 'register.import', target: input.importId,
          purpose: `rows=${rows.length} people=${result.people} households=${result.households} updated=${result.updated}`
        }))
        Object.assign(progress, { state: 'done', done: rows.length, result })
        return result
      } catch (err) {
        progress.state = 'failed'
        const known = err instanceof ImportInvalid || (err instanceof Error && 'statusCode' in err && Number(err.statusCode) < 500)
        progress.message = known ? (err as Error).message : 'the import failed; nothing was imported'
        if (err instanceof ImportInvalid) progress.errors = err.errors
        throw err
      } finally {
        board.finish(input.importId)
      }
    }
  }
}
export type ImportsService = ReturnType<typeof createImportsService>

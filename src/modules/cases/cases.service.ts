// Cases: opening one turns its person red (case_confirmed); marking contacts applies close_contact / secondary_contact;
// closing ends the case's entry, so the person's colour follows the remaining rules.
import type { Config } from '../../config.ts'
import { uniqueViolation, type Db, type GridpassDb } from '../../db/index.ts'
import { Conflict, NotFound, Validation } from '../../errors.ts'
import { randomId } from '../../lib/ids.ts'
import type { Pii } from '../../lib/pii.ts'
import type { AuditLog } from '../../plugins/audit.ts'
import { actorName, type Session } from '../../types.ts'
import type { PeopleService } from '../people/index.ts'
import type { EntryRow, StatusService } from '../status/index.ts'
import type { TracingService } from '../tracing/index.ts'
import type { CaseContactRow, CaseRow, CasesRepository } from './cases.repository.ts'

const DAY = 86_400_000
/** The window used to find a degree-1 contact's last encounter with the case person (the tracing default). */
export const CONTACT_WINDOW_MINUTES = 15

export interface CaseDetail { row: CaseRow, note: string, closeNote: string | null, contacts: CaseContactRow[] }
export interface Marked { personId: string, color: string, until: number | null }

interface Deps { repo: CasesRepository, store: GridpassDb, people: PeopleService, status: StatusService, tracing: TracingService, audit: AuditLog, pii: Pii, config: Config }

export function createCasesService ({ repo, store, people, status, tracing, audit, pii, config }: Deps) {

  const purposeOf = (caseId: string): string => `case ${caseId}`

  async function caseOr404 (db: Db, caseId: string): Promise<CaseRow> {
    const row = await repo.byId(db, caseId)
    if (row === undefined) throw new NotFound(`caseId: no case ${caseId}`)
    return row
  }

  async function detail (db: Db, row: CaseRow): Promise<CaseDetail> {
    return {
      row,
      note: pii.decrypt(row.noteEnc),
      closeNote: row.closeNoteEnc === null ? null : pii.decrypt(row.closeNoteEnc),
      // Marking order, then personId by code unit (the same on both databases, whatever their collation).
      contacts: (await repo.contacts(db, row.id)).sort((a, b) => a.markedAt - b.markedAt || (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0))
    }
  }

  /**
   * The latest encounter of each of `personIds` with the case person, from the tracing service (window 15 minutes,
   * over the retention period). People without one (known from an interview only) are absent.
   */
  async function lastEncounters (casePersonId: string, personIds: string[], now: number): Promise<Map<string, number>> {
    const wanted = new Set(personIds)
    const contacts = await tracing.contacts(casePersonId, { from: now - config.retentionDays * DAY, to: now, windowMinutes: CONTACT_WINDOW_MINUTES, depth: 1 })
    const last = new Map<string, number>()
    for (const c of contacts) {
      if (!wanted.has(c.personId) || c.encounters.length === 0) continue
      last.set(c.personId, Math.max(...c.encounters.map((e) => e.at)))
    }
    return last
  }

  return {
    async open (actor: Session, personId: string, note: string): Promise<string> {
      const now = config.now()
      const by = actorName(actor)
      const caseId = randomId()
      try {
        await store.tx(async (db) => {
          if ((await people.existing(db, [personId])).size === 0) throw new NotFound(`personId: no person ${personId}`)
          await store.lock(db, `case-person:${personId}`)
          const open = await repo.openOf(db, personId)
          if (open !== undefined) throw new Conflict(`personId: person ${personId} already has an open case ${open.id}`)
          await repo.insert(db, { id: caseId, personId, noteEnc: pii.encrypt(note), openedBy: by, openedAt: now, closedBy: null, closedAt: null, closeNoteEnc: null })
          await status.addEntries(db, [status.entry(personId, 'case_confirmed', 'red', now, null, by, `case ${caseId} opened`, caseId)])
          await audit.append(db, { actor: by, role: actor.role, action: 'case.opened', target: personId, purpose: purposeOf(caseId) })
        })
      } catch (err) {
        // Two requests racing past the check: the partial unique index decides.
        if (uniqueViolation(err) !== undefined) throw new Conflict(`personId: person ${personId} already has an open case`)
        throw err
      }
      return caseId
    },

    async markContacts (actor: Session, caseId: string, personIds: string[], degree: 1 | 2): Promise<Marked[]> {
      const now = config.now()
      const by = actorName(actor)
      const precheck = async (db: Db): Promise<CaseRow> => {
        const row = await caseOr404(db, caseId)
        if (row.closedAt !== null) throw new Conflict(`caseId: case ${caseId} is closed`)
        if (personIds.includes(row.personId)) throw new Validation(`body.personIds: ${row.personId} is the case person`)
        const known = await people.existing(db, personIds)
        const unknown = personIds.find((id) => !known.has(id))
        if (unknown !== undefined) throw new NotFound(`personIds: no person ${unknown}`)
        return row
      }
      // The encounter search reads the trail outside the transaction; refusals come first so they cost nothing.
      const first = await precheck(store.db)
      const last = degree === 1 ? await lastEncounters(first.personId, personIds, now) : new Map<string, number>()

      return store.tx(async (db) => {
        await store.lock(db, `case:${caseId}`)
        const row = await precheck(db)
        const previous = new Map((await repo.contactsIn(db, caseId, personIds)).map((c) => [c.personId, c]))
        const rule = degree === 1 ? 'close_contact' : 'secondary_contact'
        const color = degree === 1 ? 'red' : 'yellow'
        const entries: EntryRow[] = []
        for (const personId of personIds) {
          const lastAt = last.get(personId)
          const until = degree === 1 ? (lastAt ?? now) + status.ruleDuration('close_contact') : now + status.ruleDuration('secondary_contact')
          const reason = degree === 1
            ? (lastAt !== undefined ? `close contact of case ${caseId}; last encounter ${new Date(lastAt).toISOString()}` : `close contact of case ${caseId}; no encounter on record, counted from marking`)
            : `secondary contact of case ${caseId}`
          const e = status.entry(personId, rule, color, now, until, by, reason, caseId)
          entries.push(e)
          const prev = previous.get(personId)
          if (prev !== undefined) {
            // Marked again: the earlier mark's entry stops now and the new one takes over (history keeps both).
            await status.endEntriesOf(db, { personId, rule: prev.degree === 1 ? 'close_contact' : 'secondary_contact', entryId: prev.entryId }, now, by)
            await repo.updateContact(db, caseId, personId, { degree, markedBy: by, markedAt: now, until, entryId: e.id })
          } else {
            await repo.insertContact(db, { caseId, personId, degree, markedBy: by, markedAt: now, until, entryId: e.id })
          }
          await audit.append(db, { actor: by, role: actor.role, action: 'case.contact_marked', target: personId, purpose: `${purposeOf(caseId)}, degree ${degree}` })
        }
        await status.addEntries(db, entries)
        // Finding the last encounters read the case person's contacts: that shows in their access log.
        if (degree === 1) await audit.append(db, { actor: by, role: actor.role, action: 'contacts.read', target: row.personId, purpose: `${purposeOf(caseId)}: marking ${personIds.length} close contact(s)` })
        const updated: Marked[] = []
        for (const personId of personIds) {
          const ev = await status.evaluateIn(db, personId, now)
          updated.push({ personId, color: ev.color, until: ev.until })
        }
        return updated
      })
    },

    async close (actor: Session, caseId: string, note: string | undefined): Promise<CaseDetail> {
      const now = config.now()
      const by = actorName(actor)
      return store.tx(async (db) => {
        const row = await caseOr404(db, caseId)
        if (row.closedAt !== null) throw new Conflict(`caseId: case ${caseId} is already closed`)
        const values = { closedBy: by, closedAt: now, closeNoteEnc: note === undefined ? null : pii.encrypt(note) }
        if (!await repo.close(db, caseId, values)) throw new Conflict(`caseId: case ${caseId} is already closed`)
        await status.endEntriesOf(db, { personId: row.personId, rule: 'case_confirmed', sourceId: caseId }, now, by)
        await audit.append(db, { actor: by, role: actor.role, action: 'case.closed', target: row.personId, purpose: purposeOf(caseId) })
        return detail(db, { ...row, ...values })
      })
    },

    async get (actor: Session, caseId: string): Promise<CaseDetail> {
      return store.tx(async (db) => {
        const row = await caseOr404(db, caseId)
        await audit.append(db, { actor: actorName(actor), role: actor.role, action: 'case.read', target: row.personId, purpose: purposeOf(caseId) })
        return detail(db, row)
      })
    }
  }
}
export type CasesService = ReturnType<typeof createCasesService>

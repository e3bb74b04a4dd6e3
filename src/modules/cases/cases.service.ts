// Cases: opening one turns its person red (case_confirmed); marking contacts applies close_contact / secondary_contact;
// closing ends the case's entry, so the person's colour follows the remaining rules. Each of these is a four-eyes
// change (changes module): requested here, applied when a second officer or admin confirms it.
import type { Config } from '../../config.ts'
import type { Db, GridpassDb } from '../../db/index.ts'
import { Conflict, NotFound, Validation } from '../../errors.ts'
import { randomId } from '../../lib/ids.ts'
import type { Pii } from '../../lib/pii.ts'
import type { AuditLog } from '../../plugins/audit.ts'
import { actorName, type Session } from '../../types.ts'
import type { ApplyContext, ChangesService, Requested } from '../changes/index.ts'
import type { PeopleService } from '../people/index.ts'
import type { ColorName, EntryRow, StatusService } from '../status/index.ts'
import type { TracingService } from '../tracing/index.ts'
import type { CaseContactRow, CaseRow, CasesRepository } from './cases.repository.ts'

const DAY = 86_400_000
/** The window used to find a degree-1 contact's last encounter with the case person (the tracing default). */
export const CONTACT_WINDOW_MINUTES = 15

export interface CaseDetail { row: CaseRow, note: string, closeNote: string | null, contacts: CaseContactRow[] }

/** What each four-eyes action of cases carries (encrypted on the change: notes and ids name people). */
interface OpenPayload { personId: string, note: string, caseId: string }
interface ContactsPayload { caseId: string, personIds: string[], degree: 1 | 2 }
interface ClosePayload { caseId: string, note?: string }

const isoOrNull = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())

/** A case as the API answers it (GET /v1/cases/{caseId}, and a confirmed close). openedBy etc.: usernames, staff only. */
export function caseView (d: CaseDetail) {
  const { row } = d
  return {
    caseId: row.id,
    personId: row.personId,
    note: d.note,
    openedBy: row.openedBy,
    openedAt: new Date(row.openedAt).toISOString(),
    closedBy: row.closedBy,
    closedAt: isoOrNull(row.closedAt),
    closeNote: d.closeNote,
    contacts: d.contacts.map((c) => ({ personId: c.personId, degree: c.degree, markedBy: c.markedBy, markedAt: new Date(c.markedAt).toISOString(), until: new Date(c.until).toISOString() }))
  }
}

interface Deps { repo: CasesRepository, store: GridpassDb, people: PeopleService, status: StatusService, tracing: TracingService, changes: ChangesService, audit: AuditLog, pii: Pii, config: Config }

export function createCasesService ({ repo, store, people, status, tracing, changes, audit, pii, config }: Deps) {

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

  /** The prechecks of marking, at request time and again when the change applies. */
  async function markable (db: Db, caseId: string, personIds: string[]): Promise<CaseRow> {
    const row = await caseOr404(db, caseId)
    if (row.closedAt !== null) throw new Conflict(`caseId: case ${caseId} is closed`)
    if (personIds.includes(row.personId)) throw new Validation(`body.personIds: ${row.personId} is the case person`)
    const known = await people.existing(db, personIds)
    const unknown = personIds.find((id) => !known.has(id))
    if (unknown !== undefined) throw new NotFound(`personIds: no person ${unknown}`)
    return row
  }

  // The four-eyes actions of cases: requested by one officer, applied by the confirming one (changes module). A case's
  // records name both by username (staff only); status entries name them with their roles (status.staffActor).
  changes.define<OpenPayload>('case.open', {
    async apply (db: Db, p: OpenPayload, ctx: ApplyContext) {
      if ((await people.existing(db, [p.personId])).size === 0) throw new NotFound(`personId: no person ${p.personId}`)
      await store.lock(db, `case-person:${p.personId}`)
      const open = await repo.openOf(db, p.personId)
      if (open !== undefined) throw new Conflict(`personId: person ${p.personId} already has an open case ${open.id}`)
      await repo.insert(db, { id: p.caseId, personId: p.personId, noteEnc: pii.encrypt(p.note), openedBy: ctx.names, openedAt: ctx.now, closedBy: null, closedAt: null, closeNoteEnc: null })
      await status.addEntries(db, [status.entry(p.personId, 'case_confirmed', 'red', ctx.now, null, status.staffActor(ctx.parties), `case ${p.caseId} opened`, p.caseId)])
      await audit.append(db, { actor: ctx.requester.name, role: ctx.requester.role, action: 'case.opened', target: p.personId, purpose: purposeOf(p.caseId) })
      return { caseId: p.caseId }
    }
  })

  changes.define<ContactsPayload>('case.contacts', {
    // The encounter search reads the trail outside the transaction; refusals come first so they cost nothing.
    async prepare (p: ContactsPayload, _change, now: number) {
      const first = await markable(store.db, p.caseId, p.personIds)
      return p.degree === 1 ? await lastEncounters(first.personId, p.personIds, now) : new Map<string, number>()
    },
    async apply (db: Db, p: ContactsPayload, ctx: ApplyContext, prepared: unknown) {
      const { caseId, personIds, degree } = p
      const { now } = ctx
      const last = prepared as Map<string, number>
      const by = ctx.names
      const entryActor = status.staffActor(ctx.parties)
      const audited = { actor: ctx.requester.name, role: ctx.requester.role }
      await store.lock(db, `case:${caseId}`)
      const row = await markable(db, caseId, personIds)
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
        const e = status.entry(personId, rule, color, now, until, entryActor, reason, caseId)
        entries.push(e)
        const prev = previous.get(personId)
        if (prev !== undefined) {
          // Marked again: the earlier mark's entry stops now and the new one takes over (history keeps both).
          await status.endEntriesOf(db, { personId, rule: prev.degree === 1 ? 'close_contact' : 'secondary_contact', entryId: prev.entryId }, now, entryActor)
          await repo.updateContact(db, caseId, personId, { degree, markedBy: by, markedAt: now, until, entryId: e.id })
        } else {
          await repo.insertContact(db, { caseId, personId, degree, markedBy: by, markedAt: now, until, entryId: e.id })
        }
        await audit.append(db, { ...audited, action: 'case.contact_marked', target: personId, purpose: `${purposeOf(caseId)}, degree ${degree}` })
      }
      await status.addEntries(db, entries)
      // Finding the last encounters read the case person's contacts: that shows in their access log.
      if (degree === 1) await audit.append(db, { ...audited, action: 'contacts.read', target: row.personId, purpose: `${purposeOf(caseId)}: marking ${personIds.length} close contact(s)` })
      const updated: Array<{ personId: string, color: ColorName, until: string | null }> = []
      for (const personId of personIds) {
        const ev = await status.evaluateIn(db, personId, now)
        updated.push({ personId, color: ev.color, until: isoOrNull(ev.until) })
      }
      return { updated }
    }
  })

  changes.define<ClosePayload>('case.close', {
    async apply (db: Db, p: ClosePayload, ctx: ApplyContext) {
      const row = await caseOr404(db, p.caseId)
      if (row.closedAt !== null) throw new Conflict(`caseId: case ${p.caseId} is already closed`)
      const values = { closedBy: ctx.names, closedAt: ctx.now, closeNoteEnc: p.note === undefined ? null : pii.encrypt(p.note) }
      if (!await repo.close(db, p.caseId, values)) throw new Conflict(`caseId: case ${p.caseId} is already closed`)
      await status.endEntriesOf(db, { personId: row.personId, rule: 'case_confirmed', sourceId: p.caseId }, ctx.now, status.staffActor(ctx.parties))
      await audit.append(db, { actor: ctx.requester.name, role: ctx.requester.role, action: 'case.closed', target: row.personId, purpose: purposeOf(p.caseId) })
      return caseView(await detail(db, { ...row, ...values }))
    }
  })

  return {
    /** Asks to open a case (four eyes, case.open): refused at once if the person is unknown or has an open or pending case. */
    async open (actor: Session, personId: string, note: string): Promise<Requested> {
      return store.tx(async (db) => {
        if ((await people.existing(db, [personId])).size === 0) throw new NotFound(`personId: no person ${personId}`)
        await store.lock(db, `case-person:${personId}`)
        const open = await repo.openOf(db, personId)
        if (open !== undefined) throw new Conflict(`personId: person ${personId} already has an open case ${open.id}`)
        const waiting = await changes.pendingOf(db, 'case.open', { personId })
        if (waiting !== undefined) throw new Conflict(`personId: a case for person ${personId} waits for confirmation (change ${waiting.id})`)
        const caseId = randomId()
        const payload: OpenPayload = { personId, note, caseId }
        return changes.request(db, actor, { action: 'case.open', payload, personId, caseId, reds: 1, auditAs: { action: 'change.requested', purpose: `${purposeOf(caseId)}: open` } })
      })
    },

    /** Asks to mark contacts (four eyes, case.contacts); degree 1 counts each person against the author's daily reds. */
    async markContacts (actor: Session, caseId: string, personIds: string[], degree: 1 | 2): Promise<Requested> {
      return store.tx(async (db) => {
        const row = await markable(db, caseId, personIds)
        const payload: ContactsPayload = { caseId, personIds, degree }
        return changes.request(db, actor, {
          action: 'case.contacts', payload, personId: row.personId, caseId, reds: degree === 1 ? personIds.length : 0,
          auditAs: { action: 'change.requested', purpose: `${purposeOf(caseId)}: mark ${personIds.length} contact(s), degree ${degree}` }
        })
      })
    },

    /** Asks to close a case (four eyes, case.close). */
    async close (actor: Session, caseId: string, note: string | undefined): Promise<Requested> {
      return store.tx(async (db) => {
        const row = await caseOr404(db, caseId)
        if (row.closedAt !== null) throw new Conflict(`caseId: case ${caseId} is already closed`)
        const waiting = await changes.pendingOf(db, 'case.close', { caseId })
        if (waiting !== undefined) throw new Conflict(`caseId: closing case ${caseId} waits for confirmation (change ${waiting.id})`)
        const payload: ClosePayload = note === undefined ? { caseId } : { caseId, note }
        return changes.request(db, actor, { action: 'case.close', payload, personId: row.personId, caseId, reds: 0, auditAs: { action: 'change.requested', purpose: `${purposeOf(caseId)}: close` } })
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

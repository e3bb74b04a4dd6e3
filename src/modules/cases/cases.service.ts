// Cases: opening one turns its person red (case_confirmed); marking contacts applies close_contact / secondary_contact;
// confirming an exposure site applies site_exposure to everyone present there in its window; closing ends the case's
// entry and its sites' entries, so colours follow the remaining rules. Each of these is a four-eyes change (changes
// module): requested here, applied when a second officer or admin confirms it.
import type { Config } from '../../config.ts'
import type { Db, GridpassDb } from '../../db/index.ts'
import { Conflict, NotFound, SiteOutsidePresence, Validation } from '../../errors.ts'
import { randomId } from '../../lib/ids.ts'
import type { Pii } from '../../lib/pii.ts'
import type { AuditLog } from '../../plugins/audit.ts'
import { actorName, type Session } from '../../types.ts'
import type { ApplyContext, ChangesService, Requested } from '../changes/index.ts'
import type { Checkpoint, CheckpointsService } from '../checkpoints/index.ts'
import type { PeopleService } from '../people/index.ts'
import type { ColorName, EntryRow, SiteDetail, StatusService } from '../status/index.ts'
import type { TracingService } from '../tracing/index.ts'
import type { CaseContactRow, CaseRow, CaseSiteRow, CasesRepository } from './cases.repository.ts'
import { MAX_SITE_WINDOW_HOURS, SITE_REACH_MINUTES } from './cases.schemas.ts'

const DAY = 86_400_000
/** The window used to find a degree-1 contact's last encounter with the case person (the tracing default). */
export const CONTACT_WINDOW_MINUTES = 15

export interface CaseDetail { row: CaseRow, note: string, closeNote: string | null, contacts: CaseContactRow[], sites: Array<CaseSiteRow & { checkpointName: string }> }
export interface CaseSummary { row: CaseRow, name: string | null, contacts: number, sites: number }
export interface SiteRequest { checkpointId: string, from: number, to: number }

const MIN = 60_000
const HOUR = 3_600_000
/** A stay lasts at most 4 hours (API.md, Presences): presences are read this far around a window so none is cut. */
const MAX_STAY_MS = 4 * HOUR
const SITE_REACH_MS = SITE_REACH_MINUTES * MIN
/** Entries written per statement when a site turns many people yellow (well under SQLite's bound on variables). */
const ENTRIES_PER_INSERT = 500

/** What each four-eyes action of cases carries (encrypted on the change: notes and ids name people). */
interface OpenPayload { personId: string, note: string, caseId: string }
interface ContactsPayload { caseId: string, personIds: string[], degree: 1 | 2 }
interface ClosePayload { caseId: string, note?: string }
interface SitePayload { caseId: string, checkpointId: string, from: number, to: number }
/** Read before the confirming transaction: the place's name and who was there. */
interface SitePrepared { checkpointName: string, present: string[] }

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
    contacts: d.contacts.map((c) => ({ personId: c.personId, degree: c.degree, markedBy: c.markedBy, markedAt: new Date(c.markedAt).toISOString(), until: new Date(c.until).toISOString() })),
    sites: d.sites.map((x) => ({
      siteId: x.id, checkpointId: x.checkpointId, checkpointName: x.checkpointName, from: new Date(x.windowFrom).toISOString(), to: new Date(x.windowTo).toISOString(),
      markedBy: x.markedBy, markedAt: new Date(x.markedAt).toISOString(), people: x.people
    }))
  }
}

/** A case in the list (GET /v1/cases). */
export function caseSummaryView (c: CaseSummary) {
  const { row } = c
  return {
    caseId: row.id, personId: row.personId, name: c.name, openedBy: row.openedBy, openedAt: new Date(row.openedAt).toISOString(),
    closedBy: row.closedBy, closedAt: isoOrNull(row.closedAt), contacts: c.contacts, sites: c.sites
  }
}

interface Deps { repo: CasesRepository, store: GridpassDb, people: PeopleService, status: StatusService, tracing: TracingService, checkpoints: CheckpointsService, changes: ChangesService, audit: AuditLog, pii: Pii, config: Config }

export function createCasesService ({ repo, store, people, status, tracing, checkpoints, changes, audit, pii, config }: Deps) {

  const purposeOf = (caseId: string): string => `case ${caseId}`

  async function caseOr404 (db: Db, caseId: string): Promise<CaseRow> {
    const row = await repo.byId(db, caseId)
    if (row === undefined) throw new NotFound(`caseId: no case ${caseId}`)
    return row
  }

  async function detail (db: Db, row: CaseRow): Promise<CaseDetail> {
    const sites = await repo.sites(db, row.id)
    const places = await checkpoints.many(sites.map((x) => x.checkpointId))
    return {
      sites: sites.map((x) => ({ ...x, checkpointName: places.get(x.checkpointId)?.name ?? x.checkpointId })),
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
    // Only these people's encounters (any tier): the whole contacts answer over 28 days would read the county's crowds.
    const found = await tracing.encountersWith(casePersonId, personIds, now - config.retentionDays * DAY, now, CONTACT_WINDOW_MINUTES)
    const last = new Map<string, number>()
    for (const [personId, encounters] of found) {
      if (encounters.length > 0) last.set(personId, Math.max(...encounters.map((e) => e.at)))
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

  /** The window's own bounds: from before to, at most a day. */
  function checkWindow (from: number, to: number): void {
    if (!(from < to)) throw new Validation('body.to: must be after body.from')
    if (to - from > MAX_SITE_WINDOW_HOURS * HOUR) throw new Validation(`body.to: a site window is at most ${MAX_SITE_WINDOW_HOURS} hours long`)
  }

  /**
   * Whether [from, to] lies within the union of the case person's presences at the checkpoint, each widened by
   * SITE_REACH_MINUTES on both sides (closed intervals: spans that touch join).
   */
  async function withinPresences (personId: string, checkpointId: string, from: number, to: number): Promise<boolean> {
    const presences = await tracing.presencesOfPersonAt(personId, checkpointId, from - SITE_REACH_MS - MAX_STAY_MS, to + SITE_REACH_MS + MAX_STAY_MS)
    const spans = presences.map((p) => [p.start - SITE_REACH_MS, p.end + SITE_REACH_MS] as const).sort((a, b) => a[0] - b[0])
    let reached = from
    for (const [lo, hi] of spans) {
      if (lo > reached) break
      reached = Math.max(reached, hi)
      if (reached >= to) return true
    }
    return false
  }

  /**
   * The checks of a site, at request time and again before it applies (outside any transaction: the presences are
   * trail reads): the window (400), the case (404, closed 409), the checkpoint (404), the case person's presences (422).
   */
  async function siteCheck (p: SitePayload): Promise<{ row: CaseRow, checkpoint: Checkpoint }> {
    checkWindow(p.from, p.to)
    const row = await caseOr404(store.db, p.caseId)
    if (row.closedAt !== null) throw new Conflict(`caseId: case ${p.caseId} is closed`)
    const checkpoint = await checkpoints.get(p.checkpointId)
    if (checkpoint === undefined) throw new NotFound(`checkpointId: no checkpoint ${p.checkpointId}`)
    if (!await withinPresences(row.personId, checkpoint.id, p.from, p.to)) {
      throw new SiteOutsidePresence(`body.from, body.to: the site window ${isoOrNull(p.from) as string}–${isoOrNull(p.to) as string} does not lie within the case person's own presences at checkpoint ${checkpoint.id}, each widened by ${SITE_REACH_MINUTES} minutes`)
    }
    return { row, checkpoint }
  }
  const siteWords = (name: string, from: number, to: number): string => `site ${name} ${isoOrNull(from) as string}/${isoOrNull(to) as string}`

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

  changes.define<SitePayload>('case.site', {
    // Checked again, and who was there read, outside the confirming transaction: both are trail reads.
    async prepare (p: SitePayload): Promise<SitePrepared> {
      const { row, checkpoint } = await siteCheck(p)
      const present = new Set<string>()
      for (const x of await tracing.presencesAtSite(checkpoint.id, p.from, p.to)) {
        if (x.start <= p.to && x.end >= p.from && x.personId !== row.personId) present.add(x.personId)
      }
      return { checkpointName: checkpoint.name, present: [...present].sort() }
    },
    async apply (db: Db, p: SitePayload, ctx: ApplyContext, prepared: unknown) {
      const { checkpointName, present } = prepared as SitePrepared
      const { caseId, checkpointId, from, to } = p
      const { now } = ctx
      await store.lock(db, `case:${caseId}`)
      const row = await caseOr404(db, caseId)
      if (row.closedAt !== null) throw new Conflict(`caseId: case ${caseId} is closed`)
      const known = await people.existing(db, present)
      const exposed = present.filter((id) => known.has(id) && id !== row.personId)
      const siteId = randomId()
      const detail: SiteDetail = { siteId, caseId, checkpointId, checkpointName, from, to }
      const until = to + status.ruleDuration('site_exposure')
      const entryActor = status.staffActor(ctx.parties)
      const reason = `present at exposure site ${siteId} of case ${caseId}`
      const entries: EntryRow[] = exposed.map((personId) => status.entry(personId, 'site_exposure', 'yellow', now, until, entryActor, reason, caseId, JSON.stringify(detail)))
      await repo.insertSite(db, { id: siteId, caseId, checkpointId, windowFrom: from, windowTo: to, markedBy: ctx.names, markedAt: now, people: exposed.length })
      for (let i = 0; i < entries.length; i += ENTRIES_PER_INSERT) await status.addEntries(db, entries.slice(i, i + ENTRIES_PER_INSERT))
      const audited = { actor: ctx.requester.name, role: ctx.requester.role }
      const purpose = `${purposeOf(caseId)}: ${siteWords(checkpointName, from, to)}`
      for (const personId of exposed) await audit.append(db, { ...audited, action: 'case.site_marked', target: personId, purpose })
      await audit.append(db, { ...audited, action: 'case.site_confirmed', target: row.personId, purpose: `${purpose}, ${exposed.length} ${exposed.length === 1 ? 'person' : 'people'}` })
      const updated: Array<{ personId: string, color: ColorName, until: string | null }> = []
      for (const personId of exposed) {
        const ev = await status.evaluateIn(db, personId, now)
        updated.push({ personId, color: ev.color, until: isoOrNull(ev.until) })
      }
      return { site: { checkpointId, from: new Date(from).toISOString(), to: new Date(to).toISOString() }, updated }
    }
  })

  changes.define<ClosePayload>('case.close', {
    async apply (db: Db, p: ClosePayload, ctx: ApplyContext) {
      const row = await caseOr404(db, p.caseId)
      if (row.closedAt !== null) throw new Conflict(`caseId: case ${p.caseId} is already closed`)
      const values = { closedBy: ctx.names, closedAt: ctx.now, closeNoteEnc: p.note === undefined ? null : pii.encrypt(p.note) }
      if (!await repo.close(db, p.caseId, values)) throw new Conflict(`caseId: case ${p.caseId} is already closed`)
      const endedBy = status.staffActor(ctx.parties)
      await status.endEntriesOf(db, { personId: row.personId, rule: 'case_confirmed', sourceId: p.caseId }, ctx.now, endedBy)
      // The case's exposure sites end with it: whoever was yellow for having been there follows their other rules.
      const released = await status.endEntriesOfSource(db, { rule: 'site_exposure', sourceId: p.caseId }, ctx.now, endedBy)
      const audited = { actor: ctx.requester.name, role: ctx.requester.role }
      for (const personId of released) await audit.append(db, { ...audited, action: 'case.site_ended', target: personId, purpose: `${purposeOf(p.caseId)}: closed` })
      await audit.append(db, { ...audited, action: 'case.closed', target: row.personId, purpose: purposeOf(p.caseId) })
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

    /**
     * Asks to confirm an exposure site (four eyes, case.site): refused at once when the window, the case, the
     * checkpoint or the case person's presences there do not allow it (the same checks run again on confirmation).
     */
    async requestSite (actor: Session, caseId: string, site: SiteRequest): Promise<Requested> {
      const payload: SitePayload = { caseId, ...site }
      const { checkpoint } = await siteCheck(payload)
      return store.tx(async (db) => {
        const row = await caseOr404(db, caseId)
        if (row.closedAt !== null) throw new Conflict(`caseId: case ${caseId} is closed`)
        return changes.request(db, actor, {
          action: 'case.site', payload, personId: row.personId, caseId, reds: 0,
          auditAs: { action: 'case.site_requested', purpose: `${purposeOf(caseId)}: ${siteWords(checkpoint.name, site.from, site.to)}` }
        })
      })
    },

    /**
     * A refused site request, audited with the case as purpose: against the case person when the case exists and the
     * caller is staff (a resident's refused call would read, in the case person's access log, as their own).
     */
    async siteRefused (actor: Session, caseId: string): Promise<void> {
      const row = actor.role === 'resident' ? undefined : await repo.byId(store.db, caseId)
      await audit.record({ actor: actorName(actor), role: actor.role, action: 'case.site_requested.refused', target: row?.personId ?? null, purpose: purposeOf(caseId) })
    },

    /** Cases, newest opened first, with their person's name and how many contacts and sites each holds (audited). */
    async list (actor: Session, state: 'open' | 'closed' | undefined, limit: number, personId?: string): Promise<CaseSummary[]> {
      const rows = await repo.list(store.db, state ?? 'all', limit, personId)
      const counts = await repo.counts(store.db, rows.map((r) => r.id))
      const names = await people.names(rows.map((r) => r.personId))
      await audit.record({ actor: actorName(actor), role: actor.role, action: 'case.list', purpose: `status=${state ?? 'all'}${personId === undefined ? '' : ' person'}` })
      return rows.map((row) => ({ row, name: names.get(row.personId) ?? null, ...(counts.get(row.id) as { contacts: number, sites: number }) }))
    },

    /** The person a case is about, or undefined for no such case: what the caller's reach is checked against. */
    async personOf (caseId: string): Promise<string | undefined> {
      return (await repo.byId(store.db, caseId))?.personId
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

// Status rules at work: declarations, the derived colour, manual changes with a second confirmation, appeals, and the
// colours every other module asks for (the rules themselves are status.rules.ts, and nowhere else).
import type { Config } from '../../config.ts'
import type { Db, GridpassDb } from '../../db/index.ts'
import { Conflict, NotFound } from '../../errors.ts'
import { randomId } from '../../lib/ids.ts'
import type { AuditLog } from '../../plugins/audit.ts'
import { actorName, type Session } from '../../types.ts'
import type { ApplyContext, ChangesService } from '../changes/index.ts'
import type { PeopleService } from '../people/index.ts'
import type { AppealRow, EntryRow, StatusRepository } from './status.repository.ts'
import { actorForResident, actorForStaff, colorAt, evaluate, ruleDuration, staffActor, type ColorName, type Entry, type Evaluation, type SiteDetail, type SitePlace } from './status.rules.ts'

export type { AppealRow, ColorName, Entry, EntryRow, Evaluation, SiteDetail }

export const APPEAL_DUE_MS = 48 * 3600_000
export const FEVER_CELSIUS = 37.3

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())

/** A site_exposure reason's place and window, with ISO times; nothing for the other rules. */
const siteView = (site: SitePlace | undefined): { site?: { checkpointId: string, checkpointName: string, from: string, to: string } } =>
  site === undefined ? {} : { site: { ...site, from: iso(site.from) as string, to: iso(site.to) as string } }

/**
 * The status as the API answers it. The history's actor: for the resident, roles ("officer, confirmed by officer"),
 * never usernames; for staff, usernames ("alice+bob").
 */
export function statusView (personId: string, ev: Evaluation, audience: 'resident' | 'staff' = 'staff') {
  const actorOf = audience === 'resident' ? actorForResident : actorForStaff
  return {
    personId,
    color: ev.color,
    since: iso(ev.since) as string,
    until: iso(ev.until),
    reasons: ev.reasons.map(({ site, ...r }) => ({ ...r, since: iso(r.since) as string, until: iso(r.until), ...siteView(site) })),
    history: ev.history.map(({ site, ...h }) => ({ ...h, actor: actorOf(h.actor), at: iso(h.at) as string, ...siteView(site) }))
  }
}

export function appealView (a: AppealRow) {
  return {
    appealId: a.id, personId: a.personId, message: a.message, status: a.status, createdAt: iso(a.createdAt) as string, dueAt: iso(a.dueAt) as string,
    outcome: a.outcome, note: a.note, resolvedAt: iso(a.resolvedAt)
  }
}

/** A manual change to or from red, as its four-eyes change (status.set) carries it. */
interface ManualChange { personId: string, color: ColorName, reason: string }

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

export function createStatusService ({ repo, store, audit, config, people, changes }: { repo: StatusRepository, store: GridpassDb, audit: AuditLog, config: Config, people: PeopleService, changes: ChangesService }) {
  async function evaluateIn (db: Db, personId: string, at: number): Promise<Evaluation> {
    const person = await people.getIn(db, personId)
    if (person === undefined) throw new NotFound(`personId: no person ${personId}`)
    return evaluate(await repo.entries(db, personId), at, person.createdAt)
  }

  const entry = (personId: string, rule: string, color: string, since: number, until: number | null, actor: string, reason: string | null, sourceId: string | null = null, detail: string | null = null): EntryRow =>
    ({ id: randomId(), personId, rule, color, since, until, endedAt: null, endedBy: null, actor, reason, detail, sourceId, createdAt: since })

  async function applyChange (db: Db, personId: string, color: ColorName, reason: string, actor: string, changeId: string, now: number): Promise<void> {
    await repo.endActive(db, personId, now, actor)
    if (color !== 'green') await repo.insertEntries(db, [entry(personId, 'manual', color, now, null, actor, reason, changeId)])
  }

  // A manual change to or from red, once confirmed: its status_changes row records who asked and who confirmed; the
  // entries name every party with their role (staffActor).
  changes.define<ManualChange>('status.set', {
    confirmedAs: 'status.change_confirmed',
    async apply (db: Db, p: ManualChange, ctx: ApplyContext) {
      const last = ctx.confirmers[ctx.confirmers.length - 1] as { id: string }
      await repo.settleChange(db, ctx.change.id, { state: 'applied', confirmedBy: ctx.confirmers.map((c) => c.name).join('+'), confirmedById: last.id, confirmedAt: ctx.now })
      await applyChange(db, p.personId, p.color, p.reason, staffActor(ctx.parties), ctx.change.id, ctx.now)
      return statusView(p.personId, await evaluateIn(db, p.personId, ctx.now))
    },
    async rejected (db: Db, _p: ManualChange, change) {
      await repo.settleChange(db, change.id, { state: 'rejected' })
    }
  })

  return {
    evaluateIn,
    /** The colour and its explanation now (or at `at`), read outside any transaction. */
    async evaluate (personId: string, at = config.now()): Promise<Evaluation> {
      return evaluateIn(store.db, personId, at)
    },
    /** The colour of these entries at `at`: for the scan path, which reads a person's entries itself. */
    colorAt,
    /** A person's colour at `at`, read outside any transaction (no check that the person exists). */
    async colorOf (personId: string, at: number): Promise<ColorName> {
      return colorAt(await repo.entriesForColor(store.db, personId), at)
    },
    /** Everyone whose colour at `at` is not green, by personId (code-unit order). */
    async nonGreen (at: number): Promise<Array<{ personId: string, color: 'yellow' | 'red' }>> {
      const byPerson = new Map<string, Entry[]>()
      for (const e of await repo.entriesAround(at)) {
        const list = byPerson.get(e.personId)
        if (list === undefined) byPerson.set(e.personId, [e])
        else list.push(e)
      }
      const out: Array<{ personId: string, color: 'yellow' | 'red' }> = []
      for (const [personId, entries] of byPerson) {
        const color = colorAt(entries, at)
        if (color !== 'green') out.push({ personId, color })
      }
      return out.sort((a, b) => byCodeUnit(a.personId, b.personId))
    },

    /** How long an entry of a timed rule lasts. */
    ruleDuration,
    /** A new entry (not yet written): cases and contact marks build theirs here. */
    entry,
    /** The actor of an entry a four-eyes change writes: every party with their role (status.rules.ts staffActor). */
    staffActor,
    /** Writes entries inside the caller's transaction. */
    addEntries: async (db: Db, rows: EntryRow[]): Promise<void> => repo.insertEntries(db, rows),
    /**
     * A door-to-door screening's findings for one member, written inside the caller's transaction (the screening
     * module): a temperature of 37.3 °C or more or any symptom → symptoms (yellow 7 days); a return from a listed
     * high-risk area → high_risk_travel (red until 14 days after the return; nothing when that has passed). Each entry's
     * detail names the screening and what it found (the resident's words). The rules applied.
     */
    async applyScreening (db: Db, personId: string, s: { screeningId: string, roundId: string, actor: Session, at: number, temperature: number | null, symptoms: string[], highRiskReturn: { place: string, at: number } | null }): Promise<string[]> {
      const actor = staffActor([{ name: actorName(s.actor), role: s.actor.role }])
      const fever = s.temperature !== null && s.temperature >= FEVER_CELSIUS
      const rows: EntryRow[] = []
      if (fever || s.symptoms.length > 0) {
        const detail = { screening: { id: s.screeningId, roundId: s.roundId, temperature: fever ? s.temperature : null, symptoms: s.symptoms } }
        rows.push(entry(personId, 'symptoms', 'yellow', s.at, s.at + ruleDuration('symptoms'), actor, 'door-to-door screening', s.screeningId, JSON.stringify(detail)))
      }
      const back = s.highRiskReturn
      if (back !== null && back.at + ruleDuration('high_risk_travel') > s.at) {
        const detail = { screening: { id: s.screeningId, roundId: s.roundId, place: back.place, returnedAt: back.at } }
        rows.push(entry(personId, 'high_risk_travel', 'red', s.at, back.at + ruleDuration('high_risk_travel'), actor, 'door-to-door screening', s.screeningId, JSON.stringify(detail)))
      }
      await repo.insertEntries(db, rows)
      return rows.map((r) => r.rule)
    },
    /** Ends, at `now`, the entries still running that one source (a case, a contact mark) started. */
    endEntriesOf: repo.endEntriesOf,
    /** Ends, at `now`, one rule's entries that one source started, whoever holds them; the people concerned. */
    endEntriesOfSource: repo.endEntriesOfSource,

    /** Finds a person by ID number within the caller's scope (audited with the purpose, found or not) with their colour now. */
    async lookup (actor: Session, idNumber: string, purpose: string) {
      const person = await people.lookup(actor, idNumber, purpose)
      if (person === undefined) return []
      const ev = await evaluateIn(store.db, person.id, config.now())
      return [{ personId: person.id, name: people.name(person), gridId: person.gridId, color: ev.color }]
    },

    /**
     * At start: seals plain reasons, appeal texts and declarations written before they were encrypted; once per
     * database (null when it was done already), idempotent if interrupted or run by two copies at once.
     */
    async sealAtRest () {
      if (await repo.sealedAtRest()) return null
      return repo.sealAtRest(config.now())
    },
    /** A person's declarations, oldest first (decrypted). */
    declarationsOf: async (personId: string) => repo.declarationsOf(store.db, personId),

    /** Retention: declarations older than the cutoff, a chunk of ids at a time. */
    oldDeclarations: repo.oldDeclarations,
    deleteDeclarations: repo.deleteDeclarations,

    /**
     * A health declaration: the person's own, or one a grid worker, officer or admin makes for them (`by`: the entries
     * name that staff member, and it is audited as declaration.by_proxy against the person).
     */
    async declare (personId: string, d: { temperature: number, symptoms: string[], visitedHighRiskArea: boolean, contactWithConfirmed: boolean }, by?: Session): Promise<Evaluation> {
      const now = config.now()
      const actor = by === undefined ? 'self-declaration' : staffActor([{ name: actorName(by), role: by.role }])
      return store.tx(async (db) => {
        const id = randomId()
        await repo.insertDeclaration(db, { id, personId, at: now, data: { temperature: d.temperature, symptoms: d.symptoms, visitedHighRiskArea: d.visitedHighRiskArea, contactWithConfirmed: d.contactWithConfirmed } })
        const rows: EntryRow[] = []
        if (d.temperature >= FEVER_CELSIUS || d.symptoms.length > 0) {
          const what = [d.temperature >= FEVER_CELSIUS ? `temperature ${d.temperature} °C` : null, ...d.symptoms].filter(Boolean).join(', ')
          rows.push(entry(personId, 'symptoms', 'yellow', now, now + ruleDuration('symptoms'), actor, `declared ${what}`, id))
        }
        if (d.contactWithConfirmed) rows.push(entry(personId, 'declared_contact', 'red', now, now + ruleDuration('declared_contact'), actor, 'declared contact with a confirmed case', id))
        if (d.visitedHighRiskArea) rows.push(entry(personId, 'high_risk_travel', 'red', now, now + ruleDuration('high_risk_travel'), actor, 'declared a visit to a high-risk area', id))
        await repo.insertEntries(db, rows)
        if (by !== undefined) await audit.append(db, { actor: actorName(by), role: by.role, action: 'declaration.by_proxy', target: personId })
        return evaluateIn(db, personId, now)
      })
    },

    /**
     * A manual change: immediate, unless it sets red or leaves red. Such a change is a four-eyes change (action
     * status.set, the same id as its status_changes row): pending until a second officer or admin confirms it, under the
     * changes module's rules of who may.
     */
    async requestChange (actor: Session, personId: string, color: ColorName, reason: string) {
      const now = config.now()
      return store.tx(async (db) => {
        const current = await evaluateIn(db, personId, now)
        const changeId = randomId()
        // The reason may name people: it is stored encrypted (status_changes, status_entries), and the audit log, which
        // the resident reads as their access log, names the change instead.
        const by = actorName(actor)
        const needsSecond = color === 'red' || current.color === 'red'
        await repo.insertChange(db, { id: changeId, personId, color, reason, state: needsSecond ? 'pending' : 'applied', requestedBy: by, requestedAt: now, confirmedBy: null, confirmedAt: needsSecond ? null : now, requestedById: actor.sub, confirmedById: null })
        if (!needsSecond) {
          await audit.append(db, { actor: by, role: actor.role, action: 'status.changed', target: personId, purpose: `change ${changeId}: manual change to ${color}` })
          await applyChange(db, personId, color, reason, staffActor([{ name: by, role: actor.role }]), changeId, now)
          return { pending: false as const, status: await evaluateIn(db, personId, now) }
        }
        const payload: ManualChange = { personId, color, reason }
        const requested = await changes.request(db, actor, {
          id: changeId, action: 'status.set', payload, personId, reds: color === 'red' ? 1 : 0, auditAs: { action: 'status.change_requested', purpose: `change ${changeId}: manual change to ${color}` }
        })
        return { pending: true as const, change: { ...requested, action: 'status.set' as const, confirmations: 0, personId, color, state: 'pending' as const, reason, requestedBy: by, requestedAt: iso(now) as string } }
      })
    },

    /**
     * One confirmation of a pending manual change of this person (the four-eyes rules): the last one needed applies it
     * and answers the new status; before that the change stays pending.
     */
    async confirmChange (actor: Session, personId: string, changeId: string) {
      return changes.confirm(actor, changeId, { personId, action: 'status.set' })
    },

    async appeal (personId: string, message: string): Promise<AppealRow> {
      const now = config.now()
      const row: AppealRow = { id: randomId(), personId, message, createdAt: now, dueAt: now + APPEAL_DUE_MS, status: 'open', outcome: null, note: null, resolvedBy: null, resolvedAt: null }
      await store.tx(async (db) => { await repo.insertAppeal(db, row) })
      return row
    },

    async appeals (actor: Session, status: string, limit: number): Promise<AppealRow[]> {
      const rows = await repo.appealsByStatus(store.db, status, limit)
      await audit.record({ actor: actorName(actor), role: actor.role, action: 'appeal.list', purpose: `status=${status}` })
      return rows
    },

    async appealsOf (personId: string): Promise<AppealRow[]> {
      return repo.appealsOf(store.db, personId)
    },

    async resolveAppeal (actor: Session, appealId: string, outcome: string, note: string): Promise<AppealRow> {
      const now = config.now()
      return store.tx(async (db) => {
        const appeal = await repo.appeal(db, appealId)
        if (appeal === undefined) throw new NotFound(`appealId: no appeal ${appealId}`)
        if (appeal.status !== 'open') throw new Conflict(`appealId: appeal ${appealId} is already resolved`)
        const values = { status: 'resolved', outcome, note, resolvedBy: actorName(actor), resolvedAt: now }
        if (!await repo.resolveOpenAppeal(db, appealId, values)) throw new Conflict(`appealId: appeal ${appealId} is already resolved`)
        await audit.append(db, { actor: actorName(actor), role: actor.role, action: 'appeal.resolved', target: appeal.personId, purpose: outcome })
        return { ...appeal, ...values }
      })
    }
  }
}
export type StatusService = ReturnType<typeof createStatusService>

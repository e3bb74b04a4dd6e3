// Four eyes: an action that changes colours is requested by one officer and applied only when a second officer or admin
// (a third past the author's daily reds) confirms it. Modules define their actions here (define); the action runs
// once, in the confirming transaction, with its audit entries.
import type { Config } from '../../config.ts'
import { uniqueViolation, type Db, type GridpassDb } from '../../db/index.ts'
import { Conflict, Forbidden, NotFound } from '../../errors.ts'
import { randomId } from '../../lib/ids.ts'
import type { Pii } from '../../lib/pii.ts'
import type { AuditLog } from '../../plugins/audit.ts'
import type { Users } from '../../plugins/users.ts'
import { actorName, type Session } from '../../types.ts'
import type { ChangeRow, ChangesRepository } from './changes.repository.ts'

export type { ChangeRow }
export type ChangeState = 'pending' | 'applied' | 'rejected'

const DAY = 86_400_000
/** How many changes a scoped officer's list looks through for the ones about people below their areas. */
const CHANGES_SCANNED_WHEN_SCOPED = 5_000
/** Asia/Shanghai has no daylight saving: its day starts at 16:00 UTC. */
const SHANGHAI_OFFSET = 8 * 3_600_000
/** The start of the Asia/Shanghai calendar day holding `at`: the daily reds count from here. */
export const shanghaiDayStart = (at: number): number => Math.floor((at + SHANGHAI_OFFSET) / DAY) * DAY - SHANGHAI_OFFSET

/** Someone who requested or confirmed a change, as recorded on it. */
export interface Party { id: string, name: string, role: string, at: number }

export interface ApplyContext {
  change: ChangeRow
  requester: Party
  /** The confirmers, in order (the last one's confirmation applies the change). */
  confirmers: Party[]
  /** The requester, then every confirmer. */
  parties: Party[]
  /** Their usernames joined with '+' ("alice+bob"): for staff-only records (case view, audit). */
  names: string
  now: number
}

/** What a module tells the four-eyes machinery about one of its actions. */
export interface ActionHandler<P> {
  /** Reads that belong outside a transaction (e.g. the tracing search), run before the confirming one; may refuse. */
  prepare?: (payload: P, change: ChangeRow, now: number) => Promise<unknown>
  /** Re-checks and applies the action inside the confirming transaction; the answer is what the confirmer gets. */
  apply: (db: Db, payload: P, ctx: ApplyContext, prepared: unknown) => Promise<unknown>
  /** Inside the rejecting transaction: anything of the module's own to settle (e.g. a status change's row). */
  rejected?: (db: Db, payload: P, change: ChangeRow, now: number) => Promise<void>
  /** The audit action of a confirmation (default change.confirmed). */
  confirmedAs?: string
}

export interface RequestSpec<P> {
  action: string
  payload: P
  /** The person the change is about (a case's person, a manual change's person): its audit target. */
  personId?: string | null
  caseId?: string | null
  /** How many people the change turns red when applied: counted against its author's daily limit. */
  reds: number
  /** A given id (a manual status change keeps its status_changes id); else a new one. */
  id?: string
  /** The request's audit action and purpose (default change.requested, "change <id>: <action>"). */
  auditAs?: { action: string, purpose: string }
}

export interface Requested { changeId: string, status: 'pending', action: string, confirmationsNeeded: number }

export type ConfirmOutcome =
  | { applied: true, change: ChangeRow, payload: unknown, result: unknown }
  | { applied: false, change: ChangeRow, payload: unknown }

export interface ChangeView {
  change: ChangeRow
  payload: unknown
  confirmations: Party[]
  rejectReason: string | null
}

interface Deps {
  repo: ChangesRepository
  store: GridpassDb
  users: Users
  audit: AuditLog
  pii: Pii
  config: Config
  /** Called when a change's author passes the daily reds (a metric). */
  onOverLimit?: (action: string) => void
}

interface Only { personId?: string, action?: string }

const partiesOf = (row: ChangeRow): Party[] => JSON.parse(row.confirmations) as Party[]

export function createChangesService ({ repo, store, users, audit, pii, config, onOverLimit }: Deps) {
  const handlers = new Map<string, ActionHandler<unknown>>()

  const handlerOf = (action: string): ActionHandler<unknown> => {
    const h = handlers.get(action)
    if (h === undefined) throw new Error(`four eyes: no action ${action} is defined`)
    return h
  }
  const describe = (row: ChangeRow): string => `change ${row.id}: ${row.action}${row.caseId !== null ? ` of case ${row.caseId}` : ''}`

  /**
   * Who may confirm: an officer or admin (the routes check the role) who is not the author, has not confirmed this
   * change already, and whose account was neither created by the author (nor by an earlier confirmer) nor created at
   * or after the moment the change was requested. Each refusal is 403 and says which rule.
   */
  async function checkConfirmer (db: Db, actor: Session, row: ChangeRow, confirmed: Party[]): Promise<void> {
    if (actor.sub === row.requestedById) throw new Forbidden('the author of a change cannot confirm it: a second officer or admin must')
    if (confirmed.some((p) => p.id === actor.sub)) throw new Forbidden('you confirmed this change already: it needs another officer or admin')
    const account = await users.byId(actor.sub, db)
    if (account === undefined) throw new Forbidden('no such staff account')
    if (account.createdBy !== null && account.createdBy === row.requestedById) throw new Forbidden('an account created by the author of a change cannot confirm it')
    if (account.createdBy !== null && confirmed.some((p) => p.id === account.createdBy)) throw new Forbidden('an account created by an earlier confirmer of a change cannot confirm it')
    if (account.createdAt >= row.requestedAt) throw new Forbidden('an account created after the change was requested cannot confirm it')
  }

  async function pendingOr (db: Db, changeId: string, only: Only = {}): Promise<ChangeRow> {
    const row = await repo.byId(db, changeId)
    const mismatch = (only.personId !== undefined && row?.personId !== only.personId) || (only.action !== undefined && row?.action !== only.action)
    if (row === undefined || mismatch) throw new NotFound(`changeId: no change ${changeId}${only.personId !== undefined ? ' for this person' : ''}`)
    if (row.state !== 'pending') throw new Conflict(`changeId: change ${changeId} is already ${row.state}`)
    return row
  }

  return {
    /** A module's action: how it applies (and settles on rejection). Defined once, when the module starts. */
    define<P>(action: string, handler: ActionHandler<P>): void {
      if (handlers.has(action)) throw new Error(`four eyes: action ${action} is defined twice`)
      handlers.set(action, handler as ActionHandler<unknown>)
    },

    /**
     * Records a change, pending, inside the caller's transaction (after the caller's own checks, so a refused request
     * leaves nothing). Its author's reds today (Asia/Shanghai day, pending and applied changes) beyond
     * config.fourEyesDailyReds make it need two confirmations instead of one.
     */
    async request<P>(db: Db, actor: Session, spec: RequestSpec<P>): Promise<Requested> {
      handlerOf(spec.action)
      const now = config.now()
      // Two requests of one author at once (several copies) count each other's reds.
      await store.lock(db, `four-eyes-author:${actor.sub}`)
      const before = spec.reds > 0 ? await repo.redsSince(db, actor.sub, shanghaiDayStart(now)) : 0
      const over = spec.reds > 0 && before + spec.reds > config.fourEyesDailyReds
      const row: ChangeRow = {
        id: spec.id ?? randomId(),
        action: spec.action,
        caseId: spec.caseId ?? null,
        personId: spec.personId ?? null,
        payloadEnc: pii.encrypt(JSON.stringify(spec.payload)),
        state: 'pending',
        requestedById: actor.sub,
        requestedBy: actorName(actor),
        requestedRole: actor.role,
        requestedAt: now,
        reds: spec.reds,
        confirmationsNeeded: over ? 2 : 1,
        confirmations: '[]',
        decidedAt: null,
        decidedById: null,
        rejectReasonEnc: null,
        resultEnc: null
      }
      await repo.insert(db, row)
      await audit.append(db, {
        actor: row.requestedBy,
        role: actor.role,
        action: spec.auditAs?.action ?? 'change.requested',
        target: row.personId,
        purpose: `${spec.auditAs?.purpose ?? describe(row)}${over ? ` (over the daily limit of ${config.fourEyesDailyReds} reds: two confirmations)` : ''}`
      })
      if (over) onOverLimit?.(spec.action)
      return { changeId: row.id, status: 'pending', action: row.action, confirmationsNeeded: row.confirmationsNeeded }
    },

    /** A pending change of this action on this case or person, if any. */
    pendingOf: async (db: Db, action: string, where: { caseId?: string, personId?: string }): Promise<ChangeRow | undefined> => repo.pendingOf(db, action, where),

    /**
     * One confirmation. The last one needed applies the change exactly once, in this transaction, with its audit
     * entries: the state moves from pending only if nobody else moved it meanwhile (else 409). `only`: the change must
     * be about this person and of this action, else 404 (the manual-status path).
     */
    async confirm (actor: Session, changeId: string, only: Only = {}): Promise<ConfirmOutcome> {
      const now = config.now()
      // Refusals first, outside any transaction, so they cost no preparation.
      const seen = await pendingOr(store.db, changeId, only)
      await checkConfirmer(store.db, actor, seen, partiesOf(seen))
      const payload = JSON.parse(pii.decrypt(seen.payloadEnc)) as unknown
      const prepare = handlerOf(seen.action).prepare
      const prepared = prepare !== undefined ? await prepare(payload, seen, now) : undefined

      // A unique index refusing the action (e.g. two open cases of one person, raced past the checks) is a conflict.
      return store.tx(async (db) => {
        const row = await pendingOr(db, changeId, only)
        const confirmed = partiesOf(row)
        await checkConfirmer(db, actor, row, confirmed)
        const me: Party = { id: actor.sub, name: actorName(actor), role: actor.role, at: now }
        const confirmers = [...confirmed, me]
        const done = confirmers.length >= row.confirmationsNeeded
        const values: Partial<ChangeRow> = done
          ? { confirmations: JSON.stringify(confirmers), state: 'applied', decidedAt: now, decidedById: actor.sub }
          : { confirmations: JSON.stringify(confirmers) }
        if (!await repo.advance(db, row.id, row.confirmations, values)) throw new Conflict(`changeId: change ${changeId} was confirmed or rejected meanwhile`)
        const after = { ...row, ...values }
        const handler = handlerOf(row.action)
        await audit.append(db, {
          actor: me.name,
          role: me.role,
          action: handler.confirmedAs ?? 'change.confirmed',
          target: row.personId,
          purpose: `${describe(row)}, confirmation ${confirmers.length} of ${row.confirmationsNeeded}${done ? ', applied' : ''}`
        })
        if (!done) return { applied: false as const, change: after, payload }
        const requester: Party = { id: row.requestedById, name: row.requestedBy, role: row.requestedRole, at: row.requestedAt }
        const parties = [requester, ...confirmers]
        const result = await handler.apply(db, payload, { change: after, requester, confirmers, parties, names: parties.map((p) => p.name).join('+'), now }, prepared)
        const resultEnc = pii.encrypt(JSON.stringify(result ?? null))
        await repo.setResult(db, row.id, resultEnc)
        return { applied: true as const, change: { ...after, resultEnc }, payload, result }
      }).catch((err: unknown) => {
        if (uniqueViolation(err) !== undefined) throw new Conflict(`changeId: change ${changeId} conflicts with data written meanwhile; it stays pending`)
        throw err
      })
    },

    /** Rejects a pending change with a reason (stored encrypted): anyone of officer or admin, its author too (a withdrawal). */
    async reject (actor: Session, changeId: string, reason: string): Promise<ChangeView> {
      const now = config.now()
      return store.tx(async (db) => {
        const row = await pendingOr(db, changeId)
        const values: Partial<ChangeRow> = { state: 'rejected', decidedAt: now, decidedById: actor.sub, rejectReasonEnc: pii.encrypt(reason) }
        if (!await repo.advance(db, row.id, row.confirmations, values)) throw new Conflict(`changeId: change ${changeId} was confirmed or rejected meanwhile`)
        const after = { ...row, ...values }
        await handlerOf(row.action).rejected?.(db, JSON.parse(pii.decrypt(row.payloadEnc)) as unknown, after, now)
        await audit.append(db, { actor: actorName(actor), role: actor.role, action: 'change.rejected', target: row.personId, purpose: describe(row) })
        return { change: after, payload: JSON.parse(pii.decrypt(row.payloadEnc)) as unknown, confirmations: partiesOf(row), rejectReason: reason }
      })
    },

    /**
     * Changes in one state (pending: oldest first), with their payloads: they name people, so the listing is audited.
     * `inReach` (a scoped officer): of the people asked about, those below the caller's areas; the list keeps the
     * first `limit` changes about them, of the first CHANGES_SCANNED_WHEN_SCOPED in that state.
     */
    async list (actor: Session, state: ChangeState, limit: number, inReach?: (personIds: string[]) => Promise<Set<string>>): Promise<ChangeView[]> {
      let rows = await repo.byState(store.db, state, inReach === undefined ? limit : CHANGES_SCANNED_WHEN_SCOPED)
      if (inReach !== undefined) {
        const keep = await inReach(rows.flatMap((r) => (r.personId === null ? [] : [r.personId])))
        rows = rows.filter((r) => r.personId !== null && keep.has(r.personId)).slice(0, limit)
      }
      await audit.record({ actor: actorName(actor), role: actor.role, action: 'change.list', purpose: `status=${state}` })
      return rows.map((row) => ({
        change: row,
        payload: JSON.parse(pii.decrypt(row.payloadEnc)) as unknown,
        confirmations: partiesOf(row),
        rejectReason: row.rejectReasonEnc === null ? null : pii.decrypt(row.rejectReasonEnc)
      }))
    },

    /** Who a change is about (its person; null for none), or undefined for no such change: what the caller's reach is checked against. */
    async about (changeId: string): Promise<{ personId: string | null } | undefined> {
      const row = await repo.byId(store.db, changeId)
      return row === undefined ? undefined : { personId: row.personId }
    },

    /** How many changes wait (all copies: read from the database). */
    countPending: repo.countPending
  }
}
export type ChangesService = ReturnType<typeof createChangesService>

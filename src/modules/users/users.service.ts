// Staff account management: list, change role, scope or state, reset and change passwords, log out everywhere. Every
// change that must withdraw access raises the account's token version, and is audited in its own transaction.
import type { Db, GridpassDb } from '../../db/index.ts'
import type { Config } from '../../config.ts'
import { Conflict, NotFound, Unauthenticated, Validation } from '../../errors.ts'
import { hashPassword, verifyPassword } from '../../lib/password.ts'
import type { AuditInput, AuditLog } from '../../plugins/audit.ts'
import type { UserChange, UserRow, Users } from '../../plugins/users.ts'
import { actorName, type Session, type STAFF_ROLES } from '../../types.ts'
import type { CheckpointsService } from '../checkpoints/index.ts'
import type { GridsService } from '../grids/index.ts'
import type { AreasService } from '../areas/index.ts'

/** Serialises account changes across copies, so that two admins cannot each disable the other, the last two. */
const ACCOUNTS_LOCK = 'users:accounts'
/** How many added or removed ids an audit entry names before it only counts the rest. */
const IDS_IN_AUDIT = 20

interface Deps {
  store: GridpassDb
  users: Users
  checkpoints: CheckpointsService
  grids: GridsService
  areas: AreasService
  audit: AuditLog
  config: Config
}

type StaffRole = typeof STAFF_ROLES[number]
export interface ChangeInput { role?: StaffRole, checkpointIds?: string[], gridIds?: string[], areaIds?: string[], disabled?: boolean }

const iso = (ms: number): string => new Date(ms).toISOString()
const idsOf = (json: string): string[] => JSON.parse(json) as string[]

function toReply (u: UserRow) {
  return {
    id: u.id,
    username: u.username,
    role: u.role as StaffRole,
    checkpointIds: idsOf(u.checkpointIds),
    gridIds: idsOf(u.gridIds),
    areaIds: idsOf(u.areaIds),
    disabled: u.disabledAt !== null,
    disabledAt: u.disabledAt === null ? null : iso(u.disabledAt),
    createdAt: iso(u.createdAt),
    createdBy: u.createdBy
  }
}
export type StaffUser = ReturnType<typeof toReply>

/** "checkpoints +a +b −c" for the audit log, or null when the set did not change. */
function difference (what: string, before: string[], after: string[]): string | null {
  const added = after.filter((x) => !before.includes(x))
  const removed = before.filter((x) => !after.includes(x))
  if (added.length === 0 && removed.length === 0) return null
  const list = (sign: string, ids: string[]): string[] =>
    [...ids.slice(0, IDS_IN_AUDIT).map((x) => sign + x), ...(ids.length > IDS_IN_AUDIT ? [`${sign}${ids.length - IDS_IN_AUDIT} more`] : [])]
  return [what, ...list('+', added), ...list('−', removed)].join(' ')
}

export function createUsersService ({ store, users, checkpoints, grids, areas, audit, config }: Deps) {
  /** Changes an account and audits it in one transaction; the change counts on this copy at once, elsewhere within 5 s. */
  const apply = async (userId: string, decide: (user: UserRow, db: Db) => Promise<{ change: UserChange, endSessions: boolean, entries: AuditInput[] }>): Promise<UserRow> => {
    const updated = await store.tx(async (db) => {
      await store.lock(db, ACCOUNTS_LOCK)
      const user = await users.byId(userId, db)
      if (user === undefined) throw new NotFound(`userId: no staff account ${userId}`)
      const { change, endSessions, entries } = await decide(user, db)
      if (entries.length === 0) return user
      await users.update(db, userId, change, endSessions)
      for (const entry of entries) await audit.append(db, entry)
      return await users.byId(userId, db) as UserRow
    })
    users.forget(userId)
    return updated
  }

  return {
    async list (): Promise<StaffUser[]> {
      return (await users.list(store.db)).map(toReply)
    },

    /**
     * Role, scope, disabled. A role change or a disable ends every session of the account (token version); a new
     * scope counts within 5 s without one. An admin cannot change their own role or disable themself, and the last
     * enabled admin stays one.
     */
    async change (actor: Session, userId: string, input: ChangeInput): Promise<StaffUser> {
      const by = { actor: actorName(actor), role: actor.role, target: userId }
      const self = userId === actor.sub
      const row = await apply(userId, async (user, db) => {
        const change: UserChange = {}
        const entries: AuditInput[] = []
        let endSessions = false
        if (input.role !== undefined && input.role !== user.role) {
          if (self) throw new Conflict('role: you cannot change your own role; another admin can')
          change.role = input.role
          endSessions = true
          entries.push({ ...by, action: 'user.role_changed', purpose: `role ${user.role} → ${input.role}` })
        }
        if (input.disabled !== undefined && input.disabled !== (user.disabledAt !== null)) {
          if (self) throw new Conflict('disabled: you cannot disable your own account; another admin can')
          change.disabledAt = input.disabled ? config.now() : null
          if (input.disabled) endSessions = true
          entries.push({ ...by, action: input.disabled ? 'user.disabled' : 'user.enabled' })
        }
        const scope: string[] = []
        const finalRole = change.role ?? user.role
        if (input.areaIds !== undefined && input.areaIds.length > 0 && finalRole !== 'tracer' && finalRole !== 'officer') {
          throw new Validation('body.areaIds: only tracers and officers are scoped to areas (grid workers: gridIds)')
        }
        for (const [field, table, known] of [['checkpointIds', 'checkpoints', checkpoints.existing], ['gridIds', 'grids', grids.existing], ['areaIds', 'areas', areas.existing]] as const) {
          const ids = input[field]
          if (ids === undefined) continue
          const found = await known(db, ids)
          const missing = ids.filter((x) => !found.has(x))
          if (missing.length > 0) throw new Validation(`body.${field}: unknown ${table}: ${missing.slice(0, 5).join(', ')}`)
          const diff = difference(table, idsOf(user[field]), ids)
          if (diff === null) continue
          change[field] = JSON.stringify(ids)
          scope.push(diff)
        }
        if (scope.length > 0) entries.push({ ...by, action: 'user.scope_changed', purpose: scope.join('; ') })
        const wasAdmin = user.role === 'admin' && user.disabledAt === null
        const staysAdmin = (change.role ?? user.role) === 'admin' && (change.disabledAt === undefined ? user.disabledAt : change.disabledAt) === null
        if (wasAdmin && !staysAdmin && await users.countEnabledAdmins(db) <= 1) {
          throw new Conflict(`userId: ${user.username} is the last enabled admin; make another admin first`)
        }
        return { change, endSessions, entries }
      })
      return toReply(row)
    },

    /** An admin sets a new password: every session of the account ends. */
    async resetPassword (actor: Session, userId: string, password: string): Promise<void> {
      const passwordHash = await hashPassword(password)
      await apply(userId, async () => ({
        change: { passwordHash },
        endSessions: true,
        entries: [{ actor: actorName(actor), role: actor.role, action: 'user.password_changed', target: userId, purpose: 'set by an admin' }]
      }))
    },

    /** The user changes their own password: every session of the account ends, this one too. */
    async changeOwnPassword (actor: Session, currentPassword: string, newPassword: string): Promise<void> {
      const user = await users.byId(actor.sub)
      if (user === undefined) throw new Unauthenticated('your account was disabled or your session was ended; log in again')
      if (!await verifyPassword(currentPassword, user.passwordHash)) throw new Validation('body.currentPassword: is not your current password')
      const passwordHash = await hashPassword(newPassword)
      await apply(actor.sub, async () => ({
        change: { passwordHash },
        endSessions: true,
        entries: [{ actor: actorName(actor), role: actor.role, action: 'user.password_changed', target: actor.sub, purpose: 'changed by the user' }]
      }))
    },

    /** Ends every session of the signed-in user, on every copy within 5 s (this one at once). */
    async logout (actor: Session): Promise<void> {
      await apply(actor.sub, async () => ({
        change: {},
        endSessions: true,
        entries: [{ actor: actorName(actor), role: actor.role, action: 'auth.logout', target: actor.sub }]
      }))
    }
  }
}
export type UsersService = ReturnType<typeof createUsersService>

// Staff accounts, their state and their scope: the checkpoints a volunteer may scan at, the grids a grid worker keeps.
import type { Db, GridpassDb } from '../db/index.ts'
import { createUsersRepository, usernameTaken, type UserChange, type UserRow } from './users.repository.ts'

export type { UserChange, UserRow }
export { usernameTaken }

/** A staff account's assignments: where a volunteer scans, the grids a grid worker keeps, an officer's or tracer's areas. */
export interface Scope { checkpointIds: ReadonlySet<string>, gridIds: ReadonlySet<string>, areaIds: ReadonlySet<string> }
const NO_SCOPE: Scope = { checkpointIds: new Set(), gridIds: new Set(), areaIds: new Set() }

/** What every authenticated staff request is checked against (and the scope its rules use). */
export interface AccountState {
  role: string
  tokenVersion: number
  disabled: boolean
  scope: Scope
}

/**
 * How long an account's state (role, disabled, token version) and scope are served from memory: the invalidation
 * rule. A disable, logout, role, password or assignment change takes effect on every copy within this time (at once on
 * the copy that made it), while a request costs a Map look-up, not a query. Real time (Date.now), whatever clock the
 * rules run on.
 */
export const ACCOUNT_TTL_MS = 5_000
/** The scope is part of the account state: the same rule. */
export const SCOPE_TTL_MS = ACCOUNT_TTL_MS
/** Above this many cached accounts, a miss also drops the expired ones (a county has hundreds to a few thousand). */
const SWEEP_ABOVE = 5_000

interface Entry {
  /** When the query that fills it started: what it holds is at least this fresh. */
  at: number
  value?: AccountState | null
  pending?: Promise<AccountState | null>
}

export function createUsers (store: GridpassDb) {
  const repo = createUsersRepository(store)
  const states = new Map<string, Entry>()
  const parse = (user: UserRow): AccountState => ({
    role: user.role,
    tokenVersion: user.tokenVersion,
    disabled: user.disabledAt !== null,
    scope: {
      checkpointIds: new Set(JSON.parse(user.checkpointIds) as string[]),
      gridIds: new Set(JSON.parse(user.gridIds) as string[]),
      areaIds: new Set(JSON.parse(user.areaIds) as string[])
    }
  })
  /**
   * The account's state, null when there is no such account: from memory when read less than ACCOUNT_TTL_MS ago
   * (a plain value, no promise, on the hot path), else one query shared by every request that asks meanwhile.
   */
  const state = (userId: string): AccountState | null | Promise<AccountState | null> => {
    const now = Date.now()
    const cached = states.get(userId)
    if (cached !== undefined && now - cached.at < ACCOUNT_TTL_MS) return cached.value !== undefined ? cached.value : cached.pending as Promise<AccountState | null>
    if (states.size > SWEEP_ABOVE) for (const [id, e] of states) if (now - e.at >= ACCOUNT_TTL_MS) states.delete(id)
    const entry: Entry = { at: now }
    entry.pending = repo.byId(store.db, userId).then((user) => {
      entry.value = user === undefined ? null : parse(user)
      entry.pending = undefined
      return entry.value
    }, (err: unknown) => {
      // A failed read is not remembered: the next request asks again.
      if (states.get(userId) === entry) states.delete(userId)
      throw err
    })
    states.set(userId, entry)
    return entry.pending
  }
  return {
    byName: repo.byName,
    /** The account as stored now (not the cached state): what GET /v1/me/account shows. */
    byId: async (userId: string, db: Db = store.db): Promise<UserRow | undefined> => repo.byId(db, userId),
    list: repo.list,
    insert: repo.insert,
    /** Changes an account (endSessions: raises its token version). Call forget(userId) once the transaction commits. */
    update: repo.update,
    countAdmins: repo.countAdmins,
    countEnabledAdmins: repo.countEnabledAdmins,
    state,
    /**
     * The user's checkpoints, grids and areas; an unknown user has none. Cached (ACCOUNT_TTL_MS): a plain value when in
     * memory, like `state`.
     */
    scope (userId: string): Scope | Promise<Scope> {
      const read = state(userId)
      return read instanceof Promise ? read.then((s) => s?.scope ?? NO_SCOPE) : read?.scope ?? NO_SCOPE
    },
    /** Drops this copy's cached state of an account, after a change committed: it counts here at once. */
    forget (userId: string): void {
      states.delete(userId)
    }
  }
}
export type Users = ReturnType<typeof createUsers>

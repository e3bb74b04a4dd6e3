// Staff accounts and their scope: the checkpoints a volunteer may scan at, the grids a grid worker keeps.
import type { Db, GridpassDb } from '../db/index.ts'
import { createUsersRepository, usernameTaken, type UserRow } from './users.repository.ts'

export type { UserRow }
export { usernameTaken }

export interface Scope { checkpointIds: ReadonlySet<string>, gridIds: ReadonlySet<string> }
const NO_SCOPE: Scope = { checkpointIds: new Set(), gridIds: new Set() }

/**
 * How long a user's scope is served from memory. The invalidation rule: a change made through this copy calls
 * forget(userId) and takes effect at once; a change made through another copy (PostgreSQL) or straight in the database
 * takes effect here within this time. A scan must not cost a user look-up.
 */
export const SCOPE_TTL_MS = 30_000

export function createUsers (store: GridpassDb) {
  const repo = createUsersRepository(store)
  const scopes = new Map<string, { at: number, scope: Scope }>()
  const parse = (user: UserRow): Scope => ({
    checkpointIds: new Set(JSON.parse(user.checkpointIds) as string[]),
    gridIds: new Set(JSON.parse(user.gridIds) as string[])
  })
  return {
    byName: repo.byName,
    insert: async (db: Db, row: UserRow): Promise<void> => { await repo.insert(db, row); scopes.delete(row.id) },
    countAdmins: repo.countAdmins,
    /** The user's checkpoints and grids; an unknown user has none. Cached (SCOPE_TTL_MS). */
    async scope (userId: string): Promise<Scope> {
      // Date.now, not config.now: the cache's age is real time whatever clock the rules run on.
      const now = Date.now()
      const cached = scopes.get(userId)
      if (cached !== undefined && now - cached.at <= SCOPE_TTL_MS) return cached.scope
      const user = await repo.byId(store.db, userId)
      const scope = user === undefined ? NO_SCOPE : parse(user)
      scopes.set(userId, { at: now, scope })
      return scope
    },
    /** Drops a cached scope: call it after changing a user's assignments. */
    forget (userId: string): void { scopes.delete(userId) }
  }
}
export type Users = ReturnType<typeof createUsers>

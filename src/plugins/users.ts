// Staff accounts and their scope: the checkpoints a volunteer may scan at, the grids a grid worker keeps.
import type { GridpassDb } from '../db/index.ts'
import { createUsersRepository, usernameTaken, type UserRow } from './users.repository.ts'

export type { UserRow }
export { usernameTaken }

export interface Scope { checkpointIds: ReadonlySet<string>, gridIds: ReadonlySet<string> }
const NO_SCOPE: Scope = { checkpointIds: new Set(), gridIds: new Set() }

/**
 * How long a user's scope is served from memory: the invalidation rule. A changed assignment (in the database: the API
 * has no way to change one yet) takes effect on every copy within this time. A scan must not cost a user look-up.
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
    /** The account as stored now (not the cached scope): what GET /v1/me/account shows. */
    byId: async (userId: string): Promise<UserRow | undefined> => repo.byId(store.db, userId),
    insert: repo.insert,
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
    }
  }
}
export type Users = ReturnType<typeof createUsers>

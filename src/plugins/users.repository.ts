// SQL of staff accounts (the users table): who they are, their role, the checkpoints and grids assigned to them, and
// their state (disabled, token version).
import { and, asc, count, eq, isNull, sql } from 'drizzle-orm'
import { uniqueViolation, type Db, type GridpassDb } from '../db/index.ts'

export type UserRow = GridpassDb['t']['users']['$inferSelect']
/** What an admin may change on an account (POST /v1/users sets the rest). */
export type UserChange = Partial<Pick<UserRow, 'role' | 'checkpointIds' | 'gridIds' | 'areaIds' | 'disabledAt' | 'passwordHash'>>

export function createUsersRepository (store: GridpassDb) {
  const { t } = store
  return {
    async byName (db: Db, username: string): Promise<UserRow | undefined> {
      const [row] = await db.select().from(t.users).where(eq(t.users.username, username)).limit(1)
      return row
    },
    async byId (db: Db, id: string): Promise<UserRow | undefined> {
      const [row] = await db.select().from(t.users).where(eq(t.users.id, id)).limit(1)
      return row
    },
    /** Every account, by username. */
    async list (db: Db): Promise<UserRow[]> {
      return db.select().from(t.users).orderBy(asc(t.users.username))
    },
    async insert (db: Db, row: UserRow): Promise<void> {
      await db.insert(t.users).values(row)
    },
    /** Changes an account; endSessions raises its token version, which refuses every session signed before. */
    async update (db: Db, id: string, change: UserChange, endSessions: boolean): Promise<void> {
      const set = endSessions ? { ...change, tokenVersion: sql`${t.users.tokenVersion} + 1` } : change
      if (Object.keys(set).length === 0) return
      await db.update(t.users).set(set).where(eq(t.users.id, id))
    },
    async countAdmins (db: Db): Promise<number> {
      const [row] = await db.select({ n: count() }).from(t.users).where(eq(t.users.role, 'admin'))
      return Number(row?.n ?? 0)
    },
    async countEnabledAdmins (db: Db): Promise<number> {
      const [row] = await db.select({ n: count() }).from(t.users).where(and(eq(t.users.role, 'admin'), isNull(t.users.disabledAt)))
      return Number(row?.n ?? 0)
    }
  }
}
export type UsersRepository = ReturnType<typeof createUsersRepository>

/** True when err is a violation of the unique username index: two requests both passed the "taken?" check before either committed. */
export function usernameTaken (err: unknown): boolean {
  return /users_username_uq|users\.username/.test(uniqueViolation(err) ?? '')
}

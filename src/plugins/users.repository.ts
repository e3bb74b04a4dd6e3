// SQL of staff accounts (the users table): who they are, their role, and the checkpoints and grids assigned to them.
import { count, eq } from 'drizzle-orm'
import { uniqueViolation, type Db, type GridpassDb } from '../db/index.ts'

export type UserRow = GridpassDb['t']['users']['$inferSelect']

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
    async insert (db: Db, row: UserRow): Promise<void> {
      await db.insert(t.users).values(row)
    },
    async countAdmins (db: Db): Promise<number> {
      const [row] = await db.select({ n: count() }).from(t.users).where(eq(t.users.role, 'admin'))
      return Number(row?.n ?? 0)
    }
  }
}
export type UsersRepository = ReturnType<typeof createUsersRepository>

/** True when err is a violation of the unique username index: two requests both passed the "taken?" check before either committed. */
export function usernameTaken (err: unknown): boolean {
  return /users_username_uq|users\.username/.test(uniqueViolation(err) ?? '')
}

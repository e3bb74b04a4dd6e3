// SQL for staff accounts and one-time codes.
import { and, count, desc, eq, gt, inArray, isNull } from 'drizzle-orm'
import { uniqueViolation, type Db, type GridpassDb } from '../../db/index.ts'

export type UserRow = GridpassDb['t']['users']['$inferSelect']
export type OtpRow = GridpassDb['t']['otps']['$inferSelect']

export function createAuthRepository ({ store }: { store: GridpassDb }) {
  const { t } = store
  return {
    async userByName (db: Db, username: string): Promise<UserRow | undefined> {
      const [row] = await db.select().from(t.users).where(eq(t.users.username, username)).limit(1)
      return row
    },
    async userById (db: Db, id: string): Promise<UserRow | undefined> {
      const [row] = await db.select().from(t.users).where(eq(t.users.id, id)).limit(1)
      return row
    },
    async insertUser (db: Db, row: UserRow): Promise<void> {
      await db.insert(t.users).values(row)
    },
    async countAdmins (db: Db): Promise<number> {
      const [row] = await db.select({ n: count() }).from(t.users).where(eq(t.users.role, 'admin'))
      return Number(row?.n ?? 0)
    },
    async existingIds (db: Db, table: 'grids' | 'checkpoints', ids: string[]): Promise<Set<string>> {
      if (ids.length === 0) return new Set()
      const tbl = t[table]
      const rows = await db.select({ id: tbl.id }).from(tbl).where(inArray(tbl.id, ids))
      return new Set(rows.map((r) => r.id))
    },
    /**
     * Serializes the OTP transactions of one phone until commit. Without it, PostgreSQL (read committed)
     * lets parallel requests all pass the 5-per-15-minutes count, use one code twice, or each count a
     * wrong guess as the first. SQLite transactions already run one at a time.
     */
    async lockPhone (db: Db, phoneIdx: string): Promise<void> {
      await store.lock(db, `otp:${phoneIdx}`)
    },
    async otpsSince (db: Db, phoneIdx: string, since: number): Promise<number> {
      const [row] = await db.select({ n: count() }).from(t.otps).where(and(eq(t.otps.phoneIdx, phoneIdx), gt(t.otps.createdAt, since)))
      return Number(row?.n ?? 0)
    },
    async insertOtp (db: Db, row: OtpRow): Promise<void> {
      // A new code replaces the ones before it.
      await db.update(t.otps).set({ usedAt: row.createdAt }).where(and(eq(t.otps.phoneIdx, row.phoneIdx), isNull(t.otps.usedAt)))
      await db.insert(t.otps).values(row)
    },
    async liveOtp (db: Db, phoneIdx: string, now: number): Promise<OtpRow | undefined> {
      const [row] = await db.select().from(t.otps)
        .where(and(eq(t.otps.phoneIdx, phoneIdx), isNull(t.otps.usedAt), gt(t.otps.expiresAt, now)))
        .orderBy(desc(t.otps.createdAt)).limit(1)
      return row
    },
    async updateOtp (db: Db, id: string, values: Partial<OtpRow>): Promise<void> {
      await db.update(t.otps).set(values).where(eq(t.otps.id, id))
    }
  }
}

/** True when err is a violation of the unique username index: two requests both passed the "taken?" check before either committed. */
export function usernameTaken (err: unknown): boolean {
  return /users_username_uq|users\.username/.test(uniqueViolation(err) ?? '')
}

// SQL of one-time login codes (staff accounts: src/plugins/users.repository.ts).
import { and, count, desc, eq, gt, isNull, ne } from 'drizzle-orm'
import type { Db, GridpassDb } from '../../db/index.ts'

export type OtpRow = GridpassDb['t']['otps']['$inferSelect']

export function createAuthRepository (store: GridpassDb) {
  const { t } = store
  return {
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
    /**
     * A code on its way to the gateway: counted towards the phone's limit at once, but not usable (usedAt is set)
     * until activateOtp, once the gateway has taken it.
     */
    async insertPendingOtp (db: Db, row: Omit<OtpRow, 'usedAt'>): Promise<void> {
      await db.insert(t.otps).values({ ...row, usedAt: row.createdAt })
    },
    /** The gateway took the code: it becomes the phone's one live code, replacing the ones before it. */
    async activateOtp (db: Db, id: string, phoneIdx: string, now: number): Promise<void> {
      await db.update(t.otps).set({ usedAt: now }).where(and(eq(t.otps.phoneIdx, phoneIdx), isNull(t.otps.usedAt), ne(t.otps.id, id)))
      await db.update(t.otps).set({ usedAt: null }).where(eq(t.otps.id, id))
    },
    /** The gateway refused the code: it never existed, for the limit or for login. */
    async deleteOtp (db: Db, id: string): Promise<void> {
      await db.delete(t.otps).where(eq(t.otps.id, id))
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

export type AuthRepository = ReturnType<typeof createAuthRepository>

// SQL of one-time login codes (staff accounts: src/plugins/users.repository.ts).
import { and, count, desc, eq, gt, isNull } from 'drizzle-orm'
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

export type AuthRepository = ReturnType<typeof createAuthRepository>

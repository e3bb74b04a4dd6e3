// SQL of the keys' fingerprints (the settings table) and of the census the start-up check needs (people, staff users).
import { count, like } from 'drizzle-orm'
import type { Db, GridpassDb } from '../db/index.ts'

const PREFIX = 'key-fingerprint:'

export function createKeysRepository (store: GridpassDb) {
  const { t } = store
  return {
    /** Every key serialises its start-up check on this lock (several copies may start at once on one database). */
    async lock (db: Db): Promise<void> {
      await store.lock(db, 'keys-check')
    },
    /** The stored fingerprints, by key file name (data.key...). */
    async fingerprints (db: Db): Promise<Map<string, string>> {
      const rows = await db.select({ key: t.settings.key, value: t.settings.value }).from(t.settings).where(like(t.settings.key, `${PREFIX}%`))
      return new Map(rows.map((r) => [r.key.slice(PREFIX.length), r.value]))
    },
    async recordFingerprint (db: Db, name: string, value: string, at: number): Promise<void> {
      await db.insert(t.settings).values({ key: `${PREFIX}${name}`, value, updatedAt: at })
    },
    /** npm run keys:accept: the key now in the folder becomes the one this database expects. */
    async replaceFingerprint (db: Db, name: string, value: string, at: number): Promise<void> {
      await db.insert(t.settings).values({ key: `${PREFIX}${name}`, value, updatedAt: at })
        .onConflictDoUpdate({ target: t.settings.key, set: { value, updatedAt: at } })
    },
    /** How many people and staff users the database holds: none means a new installation. */
    async census (db: Db): Promise<{ people: number, users: number }> {
      const [p] = await db.select({ n: count() }).from(t.people)
      const [u] = await db.select({ n: count() }).from(t.users)
      return { people: Number(p?.n ?? 0), users: Number(u?.n ?? 0) }
    }
  }
}

// SQL of the communities' teams (area_teams: doctor and police officer, encrypted) and the duty roster (duty_shifts).
import { and, asc, eq, gt, inArray, lt } from 'drizzle-orm'
import type { Db, GridpassDb } from '../../db/index.ts'
import { MAX_SHIFT_HOURS } from './teams.schemas.ts'

type T = GridpassDb['t']
export type TeamRow = T['areaTeams']['$inferSelect']
export type ShiftRow = T['dutyShifts']['$inferSelect']

const CHUNK = 500
/**
 * No shift is longer than this, so one touching [from, to) started after from − this: the lower bound lets the
 * (checkpoint_id, starts_at) and (user_id, starts_at) indexes answer with a range instead of every earlier shift.
 */
const LONGEST_MS = MAX_SHIFT_HOURS * 3_600_000

export function createTeamsRepository (store: GridpassDb) {
  const { t } = store
  const s = t.dutyShifts
  const touching = (from: number, to: number) => and(lt(s.startsAt, to), gt(s.endsAt, from), gt(s.startsAt, from - LONGEST_MS))
  return {
    async team (areaId: string): Promise<TeamRow | undefined> {
      const [row] = await store.db.select().from(t.areaTeams).where(eq(t.areaTeams.areaId, areaId)).limit(1)
      return row
    },
    async putTeam (db: Db, row: TeamRow): Promise<void> {
      const { doctorEnc, policeEnc, updatedBy, updatedAt } = row
      await db.insert(t.areaTeams).values(row).onConflictDoUpdate({ target: t.areaTeams.areaId, set: { doctorEnc, policeEnc, updatedBy, updatedAt } })
    },
    async shift (db: Db, id: string): Promise<ShiftRow | undefined> {
      const [row] = await db.select().from(s).where(eq(s.id, id)).limit(1)
      return row
    },
    async insertShift (db: Db, row: ShiftRow): Promise<void> {
      await db.insert(s).values(row)
    },
    async deleteShift (db: Db, id: string): Promise<boolean> {
      return (await db.delete(s).where(eq(s.id, id)).returning({ id: s.id })).length === 1
    },
    /** The user's shifts touching [from, to): the overlap check (inside the caller's transaction). */
    async userShifts (db: Db, userId: string, from: number, to: number): Promise<ShiftRow[]> {
      return db.select().from(s).where(and(eq(s.userId, userId), touching(from, to))).orderBy(asc(s.startsAt))
    },
    /** Shifts touching [from, to) at these checkpoints (null: at every checkpoint), by start. */
    async shifts (checkpointIds: string[] | null, from: number, to: number): Promise<ShiftRow[]> {
      if (checkpointIds === null) return store.db.select().from(s).where(touching(from, to)).orderBy(asc(s.startsAt), asc(s.id))
      const out: ShiftRow[] = []
      for (let i = 0; i < checkpointIds.length; i += CHUNK) {
        out.push(...await store.db.select().from(s).where(and(inArray(s.checkpointId, checkpointIds.slice(i, i + CHUNK)), touching(from, to))))
      }
      return out.sort((a, b) => a.startsAt - b.startsAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    }
  }
}
export type TeamsRepository = ReturnType<typeof createTeamsRepository>

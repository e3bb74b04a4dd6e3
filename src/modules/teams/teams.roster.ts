// The duty roster: which volunteer is on duty at which checkpoint, shift by shift. Officers and admins keep it for the
// checkpoints of their scope; staff read it for theirs.
import type { Config } from '../../config.ts'
import type { GridpassDb } from '../../db/index.ts'
import { Conflict, NotFound, Validation } from '../../errors.ts'
import { randomId } from '../../lib/ids.ts'
import type { AuditLog } from '../../plugins/audit.ts'
import type { UserRow, Users } from '../../plugins/users.ts'
import { actorName, type Session } from '../../types.ts'
import { iso } from '../common.schemas.ts'
import type { CheckpointsService } from '../checkpoints/index.ts'
import type { ShiftRow, TeamsRepository } from './teams.repository.ts'
import { MAX_SHIFT_HOURS, ROSTER_DEFAULT_DAYS, ROSTER_MAX_DAYS } from './teams.schemas.ts'
import type { TeamsScope } from './teams.scope.ts'
import type { TeamsService } from './teams.service.ts'

const H = 3_600_000
const DAY = 24 * H

interface Deps { repo: TeamsRepository, store: GridpassDb, audit: AuditLog, config: Config, scope: TeamsScope, checkpoints: CheckpointsService, users: Users, teams: TeamsService }
export interface NewShift { checkpointId: string, userId: string, from: string, to: string }
export interface ShiftFilter { areaId?: string, checkpointId?: string, from?: string, to?: string }

export function createRosterService ({ repo, store, audit, config, scope, checkpoints, users, teams }: Deps) {
  const view = (s: ShiftRow, checkpointName: string, username: string) => ({
    id: s.id, checkpointId: s.checkpointId, checkpointName, userId: s.userId, username,
    from: iso(s.startsAt), to: iso(s.endsAt), createdBy: s.createdBy, createdAt: iso(s.createdAt)
  })
  const who = (u: UserRow): string => `${u.username} (${u.role})`

  return {
    /** Puts a volunteer on duty at a checkpoint for one shift. Audited (duty.assign). */
    async assign (session: Session, body: NewShift) {
      const from = Date.parse(body.from)
      const to = Date.parse(body.to)
      if (!(to > from)) throw new Validation('body.to: must be after body.from')
      if (to - from > MAX_SHIFT_HOURS * H) throw new Validation(`body.to: a shift lasts at most ${MAX_SHIFT_HOURS} hours; this one lasts ${((to - from) / H).toFixed(1)}`)
      const checkpoint = await scope.checkpoint(session, await checkpoints.get(body.checkpointId), body.checkpointId, 'duty.assign', 'body.checkpointId')
      const row = await store.tx(async (db) => {
        // One user's shifts are checked and written one request at a time (on every copy): two requests cannot
        // both find no overlap and both insert.
        await store.lock(db, `duty-user:${body.userId}`)
        const user = await users.byId(body.userId, db)
        if (user === undefined) throw new NotFound(`body.userId: no user ${body.userId}`)
        if (user.role !== 'volunteer') throw new Validation(`body.userId: ${who(user)} is not a volunteer; only volunteers are put on duty at checkpoints`)
        const assigned = JSON.parse(user.checkpointIds) as string[]
        if (!assigned.includes(checkpoint.id)) throw new Validation(`body.userId: ${user.username} is not assigned to checkpoint ${checkpoint.name} (${checkpoint.id}); assign it first (PATCH /v1/users/{userId} checkpointIds)`)
        if (user.disabledAt !== null) throw new Conflict(`body.userId: the account ${user.username} is disabled`)
        const [clash] = await repo.userShifts(db, user.id, from, to)
        if (clash !== undefined) {
          const where = clash.checkpointId === checkpoint.id ? checkpoint.name : ((await checkpoints.get(clash.checkpointId))?.name ?? clash.checkpointId)
          throw new Conflict(`body.from: ${user.username} is already on duty at ${where} from ${iso(clash.startsAt)} to ${iso(clash.endsAt)} (shift ${clash.id})`)
        }
        const shift: ShiftRow = { id: randomId(), checkpointId: checkpoint.id, userId: user.id, startsAt: from, endsAt: to, createdBy: actorName(session), createdAt: config.now() }
        await repo.insertShift(db, shift)
        await audit.append(db, { actor: actorName(session), role: session.role, action: 'duty.assign', target: shift.id, purpose: `${user.username}@${checkpoint.id} ${iso(from)}/${iso(to)}` })
        return { shift, username: user.username }
      })
      return view(row.shift, checkpoint.name, row.username)
    },

    /** Takes a shift off the roster. Audited (duty.remove). */
    async remove (session: Session, id: string): Promise<void> {
      const message = `params.id: no duty shift ${id}`
      const shift = await repo.shift(store.db, id)
      if (shift === undefined) throw new NotFound(message)
      const checkpoint = await checkpoints.get(shift.checkpointId)
      // Outside the scope: worded like a missing shift, and audited.
      if (checkpoint === undefined || !await scope.sees(session, checkpoint)) await scope.refuse(session, { action: 'duty.remove', target: id, message })
      const username = (await users.byId(shift.userId))?.username ?? shift.userId
      await store.tx(async (db) => {
        if (!await repo.deleteShift(db, id)) throw new NotFound(message)
        await audit.append(db, { actor: actorName(session), role: session.role, action: 'duty.remove', target: id, purpose: `${username}@${shift.checkpointId} ${iso(shift.startsAt)}/${iso(shift.endsAt)}` })
      })
    },

    /** The shifts touching a window, at the checkpoints the session reaches (narrowed by area and checkpoint). */
    async list (session: Session, q: ShiftFilter) {
      const from = q.from === undefined ? config.now() : Date.parse(q.from)
      const to = q.to === undefined ? from + ROSTER_DEFAULT_DAYS * DAY : Date.parse(q.to)
      if (!(to > from)) throw new Validation('query.to: must be after query.from')
      if (to - from > ROSTER_MAX_DAYS * DAY) throw new Validation(`query.to: at most ${ROSTER_MAX_DAYS} days after query.from`)
      let ids: string[] | null = null
      if (q.checkpointId !== undefined) {
        ids = [(await scope.checkpoint(session, await checkpoints.get(q.checkpointId), q.checkpointId, 'duty.list', 'query.checkpointId')).id]
      }
      if (q.areaId !== undefined) {
        await scope.readable(session, q.areaId, 'duty.list', 'query.areaId')
        const inArea = (await teams.checkpointsIn(await scope.gridsUnder(q.areaId))).map((c) => c.id)
        ids = ids === null ? inArea : ids.filter((id) => inArea.includes(id))
      }
      if (ids === null) {
        const grids = await scope.grids(session)
        if (grids !== null) ids = (await checkpoints.list()).filter((c) => c.gridId !== null && grids.has(c.gridId)).map((c) => c.id)
      }
      const rows = await repo.shifts(ids, from, to)
      const [names, byId] = await Promise.all([checkpoints.many(rows.map((r) => r.checkpointId)), teams.accounts()])
      const shifts = rows.map((r) => view(r, names.get(r.checkpointId)?.name ?? r.checkpointId, byId.get(r.userId)?.username ?? r.userId))
      shifts.sort((a, b) => a.from.localeCompare(b.from) || a.checkpointName.localeCompare(b.checkpointName, 'zh-CN') || a.username.localeCompare(b.username))
      return { from: iso(from), to: iso(to), shifts }
    }
  }
}
export type RosterService = ReturnType<typeof createRosterService>

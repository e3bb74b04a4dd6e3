// A community's "1+1+N+K" team (its doctor and police officer, N grid workers, K checkpoints with who is on duty) and
// the battle map (作战图) of a community or above: its checkpoints by coordinates with who is on duty now.
import type { Config } from '../../config.ts'
import type { GridpassDb } from '../../db/index.ts'
import { Validation } from '../../errors.ts'
import { checkName } from '../../lib/person-name.ts'
import { normalizePhone } from '../../lib/phone.ts'
import type { Pii } from '../../lib/pii.ts'
import type { AuditLog } from '../../plugins/audit.ts'
import type { Users } from '../../plugins/users.ts'
import { actorName, type Session } from '../../types.ts'
import { iso } from '../common.schemas.ts'
import type { AreaNode } from '../areas/index.ts'
import type { Checkpoint, CheckpointsService } from '../checkpoints/index.ts'
import type { DashboardService } from '../dashboard/index.ts'
import type { ShiftRow, TeamsRepository } from './teams.repository.ts'
import { CARD_HORIZON_HOURS } from './teams.schemas.ts'
import type { TeamsScope } from './teams.scope.ts'

export interface Member { name: string, phone: string | null }
export interface MemberInput { name: string, phone?: string }

interface Deps {
  repo: TeamsRepository, store: GridpassDb, audit: AuditLog, pii: Pii, config: Config, scope: TeamsScope, checkpoints: CheckpointsService, users: Users, dashboard: DashboardService
}

const byName = <X extends { name: string }>(a: X, b: X): number => a.name.localeCompare(b.name, 'zh-CN') || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)

export function createTeamsService ({ repo, store, audit, pii, config, scope, checkpoints, users, dashboard }: Deps) {
  const member = (field: string, input: MemberInput | null): Member | null => {
    if (input === null) return null
    const name = checkName(input.name)
    if (!name.ok) throw new Validation(`${field}.name: ${name.why}`)
    return { name: name.value, phone: input.phone === undefined ? null : normalizePhone(input.phone) }
  }
  const seal = (m: Member | null): string | null => (m === null ? null : pii.encrypt(JSON.stringify(m)))
  const open = (stored: string | null): Member | null => (stored === null ? null : JSON.parse(pii.decrypt(stored)) as Member)

  const community = (node: AreaNode, what: string): void => {
    if (node.level !== 'community') throw new Validation(`params.areaId: ${node.id} is a ${node.level}; ${what} belongs to a community (社区/村)`)
  }

  /** The checkpoints in these grids, by name. */
  const checkpointsIn = async (gridIds: readonly string[]): Promise<Array<Checkpoint & { gridId: string }>> => {
    const grids = new Set(gridIds)
    return (await checkpoints.list()).filter((c): c is Checkpoint & { gridId: string } => c.gridId !== null && grids.has(c.gridId)).sort(byName)
  }

  /** Staff accounts by id: the usernames of shifts, the grid workers of a card. */
  const accounts = async () => new Map((await users.list(store.db)).map((u) => [u.id, u]))

  /** Shifts by checkpoint. */
  const group = (rows: ShiftRow[]): Map<string, ShiftRow[]> => {
    const out = new Map<string, ShiftRow[]>()
    for (const r of rows) {
      let list = out.get(r.checkpointId)
      if (list === undefined) out.set(r.checkpointId, list = [])
      list.push(r)
    }
    return out
  }

  async function card (node: AreaNode) {
    const now = config.now()
    const gridIds = await scope.gridsUnder(node.id)
    const grids = new Set(gridIds)
    const [team, cps, byId] = await Promise.all([repo.team(node.id), checkpointsIn(gridIds), accounts()])
    const shifts = group(await repo.shifts(cps.map((c) => c.id), now, now + CARD_HORIZON_HOURS * 3_600_000))
    const gridWorkers = [...byId.values()]
      .filter((u) => u.role === 'gridworker' && u.disabledAt === null)
      .map((u) => ({ id: u.id, username: u.username, gridIds: (JSON.parse(u.gridIds) as string[]).filter((g) => grids.has(g)).sort() }))
      .filter((u) => u.gridIds.length > 0)
      .sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0))
    return {
      areaId: node.id,
      name: node.name,
      doctor: open(team?.doctorEnc ?? null),
      police: open(team?.policeEnc ?? null),
      gridWorkers,
      checkpoints: cps.map((c) => ({
        id: c.id, name: c.name, kind: c.kind, gridId: c.gridId, lat: c.lat, lon: c.lon,
        onDuty: (shifts.get(c.id) ?? []).map((s) => ({ userId: s.userId, username: byId.get(s.userId)?.username ?? s.userId, from: iso(s.startsAt), to: iso(s.endsAt) }))
      })),
      counts: { gridWorkers: gridWorkers.length, checkpoints: cps.length },
      updatedBy: team?.updatedBy ?? null,
      updatedAt: team === undefined ? null : iso(team.updatedAt)
    }
  }

  return {
    /** The community's card (staff who see it, or reach one of its grids). */
    async card (session: Session, areaId: string) {
      const node = await scope.readable(session, areaId, 'team.read')
      community(node, 'a 1+1+N+K team')
      return card(node)
    },

    /** Sets the community's doctor and police officer (null: vacant); the card as it is then. Audited (team.set). */
    async setTeam (session: Session, areaId: string, body: { doctor: MemberInput | null, police: MemberInput | null }) {
      const node = await scope.writable(session, areaId, 'team.set')
      community(node, 'a 1+1+N+K team')
      const doctor = member('body.doctor', body.doctor)
      const police = member('body.police', body.police)
      await store.tx(async (db) => {
        await repo.putTeam(db, { areaId, doctorEnc: seal(doctor), policeEnc: seal(police), updatedBy: actorName(session), updatedAt: config.now() })
        await audit.append(db, { actor: actorName(session), role: session.role, action: 'team.set', target: areaId })
      })
      return card(node)
    },

    /** The battle map of a community, street or city: its checkpoints with coordinates and who is on duty now. */
    async battleMap (session: Session, areaId: string) {
      const node = await scope.readable(session, areaId, 'battle_map.read')
      if (node.level === 'grid') throw new Validation(`params.areaId: ${node.id} is a grid; the battle map is drawn for a community, a street or a city`)
      const at = config.now()
      const [cps, byId] = await Promise.all([checkpointsIn(await scope.gridsUnder(node.id)), accounts()])
      const ids = cps.map((c) => c.id)
      const [shiftRows, scans] = await Promise.all([repo.shifts(ids, at, at + 1), dashboard.scans24h(ids, at)])
      const shifts = group(shiftRows)
      let bounds: { minLat: number, maxLat: number, minLon: number, maxLon: number } | null = null
      let onDutyNow = 0
      const drawn = cps.map((c) => {
        if (c.lat !== null && c.lon !== null) {
          bounds = bounds === null
            ? { minLat: c.lat, maxLat: c.lat, minLon: c.lon, maxLon: c.lon }
            : { minLat: Math.min(bounds.minLat, c.lat), maxLat: Math.max(bounds.maxLat, c.lat), minLon: Math.min(bounds.minLon, c.lon), maxLon: Math.max(bounds.maxLon, c.lon) }
        }
        const duty = (shifts.get(c.id) ?? [])
          .map((s) => ({ userId: s.userId, username: byId.get(s.userId)?.username ?? s.userId, until: iso(s.endsAt) }))
          .sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0))
        onDutyNow += duty.length
        return { id: c.id, name: c.name, kind: c.kind, gridId: c.gridId, lat: c.lat, lon: c.lon, onDutyNow: duty, scans24h: scans.get(c.id) ?? 0 }
      })
      const placed = drawn.filter((c) => c.lat !== null && c.lon !== null).length
      return {
        areaId: node.id,
        name: node.name,
        level: node.level,
        at: iso(at),
        bounds,
        checkpoints: drawn,
        counts: { checkpoints: drawn.length, placed, unplaced: drawn.length - placed, onDutyNow, scans24h: drawn.reduce((n, c) => n + c.scans24h, 0) }
      }
    },

    checkpointsIn,
    accounts
  }
}
export type TeamsService = ReturnType<typeof createTeamsService>

// Door-to-door screening (入户排查): the high-risk-area list officers keep, rounds an officer opens for an area, each grid
// worker's task list, and a household's screening, whose findings become status entries (the rules are status's).
import type { Config } from '../../config.ts'
import { uniqueViolation, type Db, type GridpassDb } from '../../db/index.ts'
import { Conflict, NotFound, Validation } from '../../errors.ts'
import { randomId } from '../../lib/ids.ts'
import type { Pii } from '../../lib/pii.ts'
import { normalizePlate } from '../../lib/plate.ts'
import type { AuditLog } from '../../plugins/audit.ts'
import { actorName, type Session } from '../../types.ts'
import type { AreasService } from '../areas/index.ts'
import type { StatusService } from '../status/index.ts'
import type { HighRiskRow, RoundRow, ScreeningRepository } from './screening.repository.ts'

export interface HighRiskInput { code: string, name: string, from: string, to?: string }
export interface MemberInput { personId: string, temperature?: number, symptoms?: string[], returnedFrom?: string, returnedAt?: string, plate?: string }
export interface ScreeningInput { roundId: string, present: boolean, members: MemberInput[], note?: string }
/** A member's result as screening_members.data_enc holds it (encrypted JSON). */
export interface MemberData {
  temperature: number | null
  symptoms: string[]
  returnedFrom: string | null
  returnedAt: number | null
  plate: string | null
  /** The listed high-risk area the return matched (its code and name), if any. */
  highRisk: { code: string, name: string } | null
  /** The status rules the screening applied. */
  rules: string[]
}

/**
 * Whether a listed code covers a given one: the same code, or (GB/T 2260 six-digit codes) a province XX0000 covers
 * every XXxxxx and a city XXYY00 every XXYYxx.
 */
export function covers (listed: string, given: string): boolean {
  if (listed === given) return true
  if (!/^\d{6}$/.test(listed) || !/^\d{6}$/.test(given)) return false
  if (listed.endsWith('0000')) return given.startsWith(listed.slice(0, 2))
  if (listed.endsWith('00')) return given.startsWith(listed.slice(0, 4))
  return false
}

/** The listed area a return matches: by code (covers) or by the exact name, listed at the moment of the return. */
export function listedReturn (list: HighRiskRow[], returnedFrom: string, returnedAt: number, now: number): HighRiskRow | undefined {
  const place = returnedFrom.trim()
  return list.find((a) => (covers(a.code, place) || a.name === place) && a.fromAt <= returnedAt && returnedAt <= (a.toAt ?? now))
}

type Evaluation = Awaited<ReturnType<StatusService['evaluateIn']>>

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())

interface Deps { repo: ScreeningRepository, store: GridpassDb, status: StatusService, areas: AreasService, audit: AuditLog, pii: Pii, config: Config }

export function createScreeningService ({ repo, store, status, areas, audit, pii, config }: Deps) {
  const by = (s: Session) => ({ actor: actorName(s), role: s.role })

  /** The grids of a round the caller reaches (all of them for a caller who reaches everything). */
  async function gridsOf (round: RoundRow, session: Session): Promise<string[]> {
    const reach = await areas.reach(session)
    const grids = await areas.gridsUnder(round.areaId)
    return reach.all ? grids : grids.filter((g) => reach.gridIds.has(g))
  }

  async function roundForStaff (session: Session, id: string, action: string, field: string): Promise<RoundRow> {
    const round = await repo.round(store.db, id)
    if (round === undefined) throw new NotFound(`${field}: no screening round ${id}`)
    if ((await gridsOf(round, session)).length === 0 && !(await areas.reach(session)).all) {
      return areas.refuse(session, { action, target: id, message: `${field}: no screening round ${id}` })
    }
    return round
  }

  function checkList (input: HighRiskInput[]): HighRiskRow[] {
    const seen = new Map<string, number>()
    return input.map((a, i) => {
      const from = Date.parse(a.from)
      const to = a.to === undefined ? null : Date.parse(a.to)
      if (to !== null && to < from) throw new Validation(`body.areas[${i}].to: must not be before body.areas[${i}].from`)
      const name = a.name.trim()
      if (name === '') throw new Validation(`body.areas[${i}].name: must not be blank`)
      const twin = seen.get(a.code)
      if (twin !== undefined) throw new Validation(`body.areas[${i}].code: ${a.code} is listed twice (also body.areas[${twin}].code)`)
      seen.set(a.code, i)
      return { code: a.code, name, fromAt: from, toAt: to, updatedBy: '', updatedAt: 0 }
    })
  }

  function highRiskView (rows: HighRiskRow[], staff: boolean) {
    const last = rows.reduce<HighRiskRow | undefined>((l, r) => (l === undefined || r.updatedAt > l.updatedAt ? r : l), undefined)
    return {
      areas: rows.map((r) => ({ code: r.code, name: r.name, from: iso(r.fromAt) as string, to: iso(r.toAt) })),
      updatedAt: iso(last?.updatedAt ?? null),
      ...(staff && last !== undefined ? { updatedBy: last.updatedBy } : {})
    }
  }

  /** The member's checks that need no database: both of returnedFrom/returnedAt or neither, the return not ahead of now. */
  function checkMembers (members: MemberInput[], now: number): void {
    const seen = new Map<string, number>()
    members.forEach((m, i) => {
      const twin = seen.get(m.personId)
      if (twin !== undefined) throw new Validation(`body.members[${i}].personId: ${m.personId} is listed twice (also body.members[${twin}])`)
      seen.set(m.personId, i)
      if (m.returnedAt !== undefined && m.returnedFrom === undefined) throw new Validation(`body.members[${i}].returnedFrom: is required with returnedAt`)
      if (m.returnedFrom !== undefined && m.returnedAt === undefined) throw new Validation(`body.members[${i}].returnedAt: is required with returnedFrom`)
      if (m.returnedFrom !== undefined && m.returnedFrom.trim() === '') throw new Validation(`body.members[${i}].returnedFrom: must not be blank`)
      if (m.returnedAt !== undefined && Date.parse(m.returnedAt) > now + config.clockSkewSeconds * 1000) throw new Validation(`body.members[${i}].returnedAt: is in the future`)
    })
  }

  const reasonsView = (ev: Evaluation) => ev.reasons.map((r) => ({ rule: r.rule, text: r.text, textZh: r.textZh, since: iso(r.since) as string, until: iso(r.until) }))

  return {
    async highRiskAreas (session: Session) {
      return highRiskView(await repo.highRiskAreas(store.db), session.role !== 'resident')
    },
    /** The list current at `now`, as the rules read it. */
    highRiskList: async (): Promise<HighRiskRow[]> => repo.highRiskAreas(store.db),

    async replaceHighRiskAreas (session: Session, input: HighRiskInput[]) {
      const now = config.now()
      const rows = checkList(input).map((r) => ({ ...r, updatedBy: actorName(session), updatedAt: now }))
      await store.tx(async (db) => {
        await store.lock(db, 'high-risk-areas')
        await repo.replaceHighRiskAreas(db, rows)
        await audit.append(db, { ...by(session), action: 'high_risk_areas.replace', target: 'high-risk-areas', purpose: `${rows.length} areas` })
      })
      return highRiskView(await repo.highRiskAreas(store.db), true)
    },

    async openRound (session: Session, areaId: string, name: string): Promise<{ id: string }> {
      const area = await areas.get(areaId)
      if (area === undefined) throw new Validation(`body.areaId: no area ${areaId}`)
      if (!await areas.seesArea(session, areaId)) return areas.refuse(session, { action: 'screening_round.open', target: areaId, message: `body.areaId: no area ${areaId}` })
      const trimmed = name.trim()
      if (trimmed === '') throw new Validation('body.name: must not be blank')
      const id = randomId()
      const now = config.now()
      await store.tx(async (db) => {
        await repo.insertRound(db, { id, areaId, name: trimmed, openedBy: actorName(session), openedAt: now, closedBy: null, closedAt: null })
        await audit.append(db, { ...by(session), action: 'screening_round.open', target: id, purpose: `area ${areaId}` })
      })
      return { id }
    },

    /** Rounds whose grids meet the caller's reach, with the progress in the part they reach. */
    async rounds (session: Session, state: 'open' | 'closed' | 'all') {
      const out = []
      const reach = await areas.reach(session)
      for (const r of await repo.rounds(store.db, state)) {
        const grids = await gridsOf(r, session)
        if (grids.length === 0 && !reach.all) continue
        out.push({
          id: r.id, areaId: r.areaId, areaName: (await areas.get(r.areaId))?.name ?? r.areaId, name: r.name,
          openedBy: r.openedBy, openedAt: iso(r.openedAt) as string, closedBy: r.closedBy, closedAt: iso(r.closedAt),
          households: await repo.countHouseholdsIn(store.db, grids), screened: await repo.countScreenedIn(store.db, r.id, grids)
        })
      }
      return out
    },

    async closeRound (session: Session, id: string): Promise<void> {
      const round = await repo.round(store.db, id)
      if (round === undefined) throw new NotFound(`id: no screening round ${id}`)
      if (!await areas.seesArea(session, round.areaId)) return areas.refuse(session, { action: 'screening_round.close', target: id, message: `id: no screening round ${id}` })
      await store.tx(async (db) => {
        if (!await repo.closeRound(db, id, actorName(session), config.now())) throw new Conflict(`id: screening round ${id} is already closed`)
        await audit.append(db, { ...by(session), action: 'screening_round.close', target: id })
      })
    },

    /** For each open round covering the worker's grids: the households there not yet screened in it (audited). */
    async tasks (session: Session) {
      const reach = await areas.reach(session)
      const out = []
      for (const r of await repo.rounds(store.db, 'open')) {
        const grids = (await areas.gridsUnder(r.areaId)).filter((g) => reach.all || reach.gridIds.has(g))
        if (grids.length === 0) continue
        const households = await repo.householdsIn(store.db, grids)
        const screened = await repo.screenedIn(store.db, r.id, grids)
        const left = households.filter((h) => !screened.has(h.id))
        const members = new Map<string, Array<{ personId: string, name: string | null }>>()
        for (const p of await repo.residentsOf(store.db, left.map((h) => h.id))) {
          const list = members.get(p.householdId as string) ?? []
          list.push({ personId: p.id, name: p.nameEnc === null ? null : pii.decrypt(p.nameEnc) })
          members.set(p.householdId as string, list)
        }
        out.push({
          roundId: r.id, name: r.name, areaId: r.areaId, openedAt: iso(r.openedAt) as string,
          households: left.map((h) => ({ id: h.id, gridId: h.gridId, address: pii.decrypt(h.addressEnc), members: members.get(h.id) ?? [] })),
          remaining: left.length, total: households.length
        })
      }
      await audit.record({ ...by(session), action: 'screening.tasks', purpose: `${out.reduce((n, r) => n + r.remaining, 0)} households` })
      return out
    },

    /**
     * Records a household's screening in a round, every member's result, and the status entries the findings call for,
     * all in one transaction (audited per member and for the household).
     */
    async record (session: Session, householdId: string, input: ScreeningInput) {
      const now = config.now()
      const missing = `householdId: no household ${householdId}`
      const household = await repo.household(store.db, householdId)
      if (household === undefined) throw new NotFound(missing)
      if (!await areas.seesGrid(session, household.gridId)) return areas.refuse(session, { action: 'screening.record', target: householdId, message: missing })
      const round = await repo.round(store.db, input.roundId)
      if (round === undefined) throw new Validation(`body.roundId: no screening round ${input.roundId}`)
      if (round.closedAt !== null) throw new Conflict(`body.roundId: screening round ${round.id} is closed`)
      if (!(await areas.gridsUnder(round.areaId)).includes(household.gridId)) {
        throw new Validation(`body.roundId: screening round ${round.id} (area ${round.areaId}) does not cover grid ${household.gridId} of this household`)
      }
      if (input.present && input.members.length === 0) throw new Validation('body.members: list the members seen when present is true')
      checkMembers(input.members, now)
      const list = await repo.highRiskAreas(store.db)
      const id = randomId()
      const who = by(session)
      try {
        return await store.tx(async (db: Db) => {
          await store.lock(db, `screening:${round.id}:${householdId}`)
          const current = await repo.round(db, round.id)
          if (current?.closedAt !== null) throw new Conflict(`body.roundId: screening round ${round.id} is closed`)
          const earlier = await repo.screeningOf(db, round.id, householdId)
          if (earlier !== undefined) throw new Conflict(`householdId: household ${householdId} was already screened in round ${round.id} (screening ${earlier.id})`)
          const residents = new Set((await repo.residentsOf(db, [householdId])).map((p) => p.id))
          input.members.forEach((m, i) => {
            if (!residents.has(m.personId)) throw new Validation(`body.members[${i}].personId: ${m.personId} is not a member of household ${householdId}`)
          })
          const data = input.members.map((m): MemberData => {
            const returnedAt = m.returnedAt === undefined ? null : Date.parse(m.returnedAt)
            const listed = m.returnedFrom === undefined || returnedAt === null ? undefined : listedReturn(list, m.returnedFrom, returnedAt, now)
            return {
              temperature: m.temperature ?? null, symptoms: m.symptoms ?? [], returnedFrom: m.returnedFrom?.trim() ?? null, returnedAt,
              plate: normalizePlate(m.plate ?? null), highRisk: listed === undefined ? null : { code: listed.code, name: listed.name }, rules: []
            }
          })
          for (const [i, m] of input.members.entries()) {
            const d = data[i] as MemberData
            const highRiskReturn = d.highRisk === null || d.returnedAt === null ? null : { place: d.highRisk.name, at: d.returnedAt }
            d.rules = await status.applyScreening(db, m.personId, { screeningId: id, roundId: round.id, actor: session, at: now, temperature: d.temperature, symptoms: d.symptoms, highRiskReturn })
          }
          await repo.insertScreening(db, {
            id, roundId: round.id, householdId, gridId: household.gridId, present: input.present,
            noteEnc: input.note === undefined ? null : pii.encrypt(input.note), screenedBy: actorName(session), screenedAt: now
          }, input.members.map((m, i) => ({ screeningId: id, personId: m.personId, roundId: round.id, gridId: household.gridId, returned: m.returnedFrom !== undefined, dataEnc: pii.encrypt(JSON.stringify(data[i])) })))
          const purpose = `screening ${id}, round ${round.id}`
          await audit.append(db, { ...who, action: 'screening.record', target: householdId, purpose })
          for (const m of input.members) await audit.append(db, { ...who, action: 'screening.record', target: m.personId, purpose })
          const results = []
          for (const m of input.members) {
            const ev = await status.evaluateIn(db, m.personId, now)
            results.push({ personId: m.personId, color: ev.color, reasons: reasonsView(ev) })
          }
          return { id, roundId: round.id, householdId, results }
        })
      } catch (err) {
        // Another screening of the household in the round committed first (the unique index): the same answer.
        if (uniqueViolation(err) !== undefined) throw new Conflict(`householdId: household ${householdId} was already screened in round ${round.id}`)
        throw err
      }
    },

    roundForStaff,
    gridsOf
  }
}
export type ScreeningService = ReturnType<typeof createScreeningService>

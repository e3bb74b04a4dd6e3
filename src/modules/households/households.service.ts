// Households (户): one address in one grid and the people living there; every read and write held to the caller's reach.
import type { Config } from '../../config.ts'
import { uniqueViolation, type GridpassDb } from '../../db/index.ts'
import { Conflict, NotFound, Validation } from '../../errors.ts'
import { checkAddress } from '../../lib/address.ts'
import { randomId } from '../../lib/ids.ts'
import { maskName } from '../../lib/mask.ts'
import { normalizePhone } from '../../lib/phone.ts'
import type { Pii } from '../../lib/pii.ts'
import type { AuditLog } from '../../plugins/audit.ts'
import { actorName, type Session } from '../../types.ts'
import type { AreasService } from '../areas/index.ts'
import type { GridsService } from '../grids/index.ts'
import type { PeopleService } from '../people/index.ts'
import type { HouseholdRow, HouseholdsRepository } from './households.repository.ts'

export type ColorName = 'green' | 'yellow' | 'red'
/** The colours of several people now: the status module's rule (that module is registered after this one). */
export type ColorsOf = (personIds: string[]) => Promise<Map<string, ColorName>>

/** Households whose addresses one list call decrypts at most to filter by `q`: the rest comes with nextCursor. */
export const SCAN_MAX = 2_000

export interface Household { id: string, gridId: string, address: string, phone: string | null }
export interface Member { personId: string, name: string | null, color: ColorName }

interface Deps { repo: HouseholdsRepository, store: GridpassDb, pii: Pii, audit: AuditLog, config: Config, grids: GridsService, people: PeopleService, areas: AreasService, colors: ColorsOf }

export function createHouseholdsService ({ repo, store, pii, audit, config, grids, people, areas, colors }: Deps) {
  const view = (row: HouseholdRow): Household =>
    ({ id: row.id, gridId: row.gridId, address: pii.decrypt(row.addressEnc), phone: row.phoneEnc === null ? null : pii.decrypt(row.phoneEnc) })
  /** One household per address of a grid: the keyed hash of the grid and the address's comparison key. */
  const addressIndex = (gridId: string, key: string): string => pii.index('address', `${gridId}|${key}`)
  const notFound = (id: string): string => `householdId: no household ${id}`

  /** The household if the caller reaches its grid; else 404, audited as `<action>.out_of_scope` (unknown: 404 alike). */
  async function reachable (actor: Session, id: string, action: string): Promise<HouseholdRow> {
    const row = await repo.byId(id)
    if (row === undefined) throw new NotFound(notFound(id))
    if (!(await areas.seesGrid(actor, row.gridId))) return areas.refuse(actor, { action, target: id, message: notFound(id) })
    return row
  }

  return {
    /** The comparison key and index of an address in a grid (imports match register rows to households with it). */
    addressIndex (gridId: string, address: string): { address: string, addressIdx: string } | undefined {
      const checked = checkAddress(address)
      return checked.ok ? { address: checked.value, addressIdx: addressIndex(gridId, checked.key) } : undefined
    },

    async create (actor: Session, input: { gridId: string, address: string, phone?: string }): Promise<Household> {
      const checked = checkAddress(input.address)
      if (!checked.ok) throw new Validation(`body.address: ${checked.why}`)
      if (!(await grids.exists(store.db, input.gridId))) throw new Validation(`body.gridId: unknown grid ${input.gridId}`)
      if (!(await areas.seesGrid(actor, input.gridId))) {
        return areas.refuse(actor, { action: 'household.create', target: input.gridId, message: `body.gridId: grid ${input.gridId} is not one of the grids you reach` })
      }
      const addressIdx = addressIndex(input.gridId, checked.key)
      const phone = input.phone === undefined ? null : normalizePhone(input.phone)
      const taken = `body.address: grid ${input.gridId} has a household at this address already`
      const now = config.now()
      const row: HouseholdRow = {
        id: randomId(), gridId: input.gridId, addressEnc: pii.encrypt(checked.value), addressIdx, phoneEnc: phone === null ? null : pii.encrypt(phone),
        createdBy: actorName(actor), createdAt: now, updatedAt: now
      }
      try {
        await store.tx(async (db) => {
          if (await repo.byAddressIdx(db, addressIdx) !== undefined) throw new Conflict(taken)
          await repo.insert(db, row)
          await audit.append(db, { actor: actorName(actor), role: actor.role, action: 'household.create', target: row.id, purpose: `grid ${input.gridId}` })
        })
      } catch (err) {
        // Two requests can both pass the check before either commits (PostgreSQL): the unique index decides.
        if (uniqueViolation(err) !== undefined) throw new Conflict(taken)
        throw err
      }
      return { id: row.id, gridId: row.gridId, address: checked.value, phone }
    },

    /**
     * Households of one grid, or of every grid the caller reaches, in id order after `cursor`, with how many people
     * live in each; `q` keeps those whose address contains it (compared without spaces, full-width folded). At most
     * SCAN_MAX addresses are decrypted per call: nextCursor continues after the last one looked at. Audited
     * (household.list); a grid out of reach → 404, audited.
     */
    async list (actor: Session, query: { gridId?: string, q?: string, limit: number, cursor?: string }) {
      const reach = await areas.reach(actor)
      let gridIds: string[] | undefined
      if (query.gridId !== undefined) {
        if (!reach.all && !reach.gridIds.has(query.gridId)) {
          return areas.refuse(actor, { action: 'household.list', target: query.gridId, message: `query.gridId: no grid ${query.gridId} among the grids you reach` })
        }
        gridIds = [query.gridId]
      } else if (!reach.all) {
        gridIds = [...reach.gridIds]
      }
      let needle: string | undefined
      if (query.q !== undefined) {
        const checked = checkAddress(query.q)
        if (!checked.ok) throw new Validation(`query.q: ${checked.why}`)
        needle = checked.key
      }
      const matches = (h: Household): boolean => {
        if (needle === undefined) return true
        const checked = checkAddress(h.address)
        return checked.ok && checked.key.includes(needle)
      }
      const found: Household[] = []
      let after = query.cursor
      let scanned = 0
      let exhausted = gridIds !== undefined && gridIds.length === 0
      scan: while (!exhausted && scanned < SCAN_MAX) {
        const size = needle === undefined ? query.limit - found.length : Math.min(200, SCAN_MAX - scanned)
        const rows = await repo.page(gridIds, after, size)
        exhausted = rows.length < size
        for (const [i, row] of rows.entries()) {
          scanned++
          after = row.id
          const h = view(row)
          if (matches(h)) found.push(h)
          if (found.length === query.limit) {
            if (i < rows.length - 1) exhausted = false
            break scan
          }
        }
      }
      const sizes = await people.householdSizes(found.map((h) => h.id))
      await audit.record({ actor: actorName(actor), role: actor.role, action: 'household.list', target: query.gridId ?? null })
      return { households: found.map((h) => ({ ...h, members: sizes.get(h.id) ?? 0 })), nextCursor: exhausted || after === undefined ? null : after }
    },

    /**
     * A household with its members and their colours now. Tracers see masked names (张*), the household's grid workers,
     * officers and admins full names. Audited as household.read against the household and against each member (it
     * shows in their access logs); out of reach → 404, audited.
     */
    async read (actor: Session, id: string): Promise<Household & { members: Member[] }> {
      const row = await reachable(actor, id, 'household.read')
      const living = await people.inHouseholds([id])
      const colorOf = await colors(living.map((p) => p.personId))
      const members = living.map((p) => ({ personId: p.personId, name: actor.role === 'tracer' ? maskName(p.name) : p.name, color: colorOf.get(p.personId) ?? 'green' }))
      await store.tx(async (db) => {
        const entry = { actor: actorName(actor), role: actor.role, action: 'household.read' }
        await audit.append(db, { ...entry, target: id })
        for (const m of members) await audit.append(db, { ...entry, target: m.personId, purpose: `household ${id}` })
      })
      return { ...view(row), members }
    },

    /** The household, unscoped (for other modules' rules), or undefined. */
    async get (id: string): Promise<Household | undefined> {
      const row = await repo.byId(id)
      return row === undefined ? undefined : view(row)
    },
    /** Whether the household exists and lies in this grid. */
    async inGrid (id: string, gridId: string): Promise<boolean> {
      return (await repo.byId(id))?.gridId === gridId
    },
    /** The ids of the people living in the household, in id order. */
    async membersOf (id: string): Promise<string[]> {
      return (await people.inHouseholds([id])).map((p) => p.personId)
    },
    /** The household the person lives in, or undefined (no such person, or no household). */
    async householdOf (personId: string): Promise<Household | undefined> {
      const person = await people.get(personId)
      if (person?.householdId == null) return undefined
      const row = await repo.byId(person.householdId)
      return row === undefined ? undefined : view(row)
    },
    /** The other people of the person's household (none without one): each other's close contacts (docs/tracing.md). */
    async housematesOf (personId: string): Promise<string[]> {
      const person = await people.get(personId)
      if (person?.householdId == null) return []
      return (await people.inHouseholds([person.householdId])).map((p) => p.personId).filter((id) => id !== personId)
    }
  }
}
export type HouseholdsService = ReturnType<typeof createHouseholdsService>

// People rules: profiles, residents created at their first login, registration without a phone, identity lookups (audited).
import { setImmediate as nextTurn } from 'node:timers/promises'
import type { Config } from '../../config.ts'
import type { Db, GridpassDb } from '../../db/index.ts'
import { Conflict, InvalidIdNumber, NotFound, ProfileRequired, Validation } from '../../errors.ts'
import { validateIdNumber } from '../../lib/id-number.ts'
import { maskName } from '../../lib/mask.ts'
import { checkName } from '../../lib/person-name.ts'
import { randomId } from '../../lib/ids.ts'
import { normalizePhone } from '../../lib/phone.ts'
import type { Pii } from '../../lib/pii.ts'
import type { AuditLog } from '../../plugins/audit.ts'
import { actorName, type Session } from '../../types.ts'
import type { AreasService } from '../areas/index.ts'
import type { GridsService } from '../grids/index.ts'
import { uniqueColumn, type PeopleRepository, type PersonBrief, type PersonRow } from './people.repository.ts'

export type { PersonBrief, PersonRow }

/** Masked names kept in memory, by ciphertext. */
const MASKED_NAMES_MAX = 100_000
/** Names decrypted per turn of the event loop (an export may name tens of thousands of contacts). */
const NAMES_PER_TURN = 500

interface Deps { repo: PeopleRepository, store: GridpassDb, pii: Pii, audit: AuditLog, config: Config, grids: GridsService, areas: AreasService }

/** Where a person lives: their grid and household (either may be unset). */
interface Place { gridId: string | null, householdId: string | null }

export function createPeopleService ({ repo, store, pii, audit, config, grids, areas }: Deps) {
  const checkIdNumber = (raw: string): string => {
    const result = validateIdNumber(raw, config.now())
    if (!result.ok) throw new InvalidIdNumber(`idNumber: ${result.why}`)
    return result.value
  }
  const checkPersonName = (raw: string): string => {
    const result = checkName(raw)
    if (!result.ok) throw new Validation(`body.name: ${result.why}`)
    return result.value
  }
  const checkGrid = async (db: Db, gridId: string | undefined): Promise<void> => {
    if (gridId !== undefined && !(await grids.exists(db, gridId))) throw new Validation(`body.gridId: unknown grid ${gridId}`)
  }
  /**
   * The grid and household a write gives a person (read before its transaction: households are never deleted). With a
   * household, the person's grid is the household's (a gridId naming another grid → 400). Staff may name only households
   * of the grids they reach: any other is answered as unknown (400, its existence not revealed) and audited as
   * `<action>.out_of_scope`; a resident may name any household.
   */
  const placeOf = async (actor: Session, input: { gridId?: string, householdId?: string }, action: string, current: Place): Promise<Place> => {
    if (input.householdId === undefined) {
      await checkGrid(store.db, input.gridId)
      return { gridId: input.gridId ?? current.gridId, householdId: current.householdId }
    }
    const household = await repo.household(store.db, input.householdId)
    const unknown = `body.householdId: no household ${input.householdId}${actor.role === 'resident' ? '' : ' in the grids you reach'}`
    if (household === undefined) throw new Validation(unknown)
    if (actor.role !== 'resident' && !(await areas.seesGrid(actor, household.gridId))) {
      await audit.record({ actor: actorName(actor), role: actor.role, action: `${action}.out_of_scope`, target: household.id })
      throw new Validation(unknown)
    }
    if (input.gridId !== undefined && input.gridId !== household.gridId) {
      throw new Validation(`body.gridId: household ${household.id} is in grid ${household.gridId}, not ${input.gridId}; leave gridId out or give that grid`)
    }
    return { gridId: household.gridId, householdId: household.id }
  }
  /** Turns a lost race on a unique index into the same 409 the check before it gives. */
  const conflictOnRace = async <T>(work: Promise<T>, messages: { idNumber: string, phone: string }): Promise<T> => {
    try {
      return await work
    } catch (err) {
      const column = uniqueColumn(err)
      if (column !== undefined) throw new Conflict(messages[column])
      throw err
    }
  }
  const BOUND = 'idNumber: this ID number is already bound to another account; ask your grid worker'
  const REGISTERED = 'idNumber: a person with this ID number is already registered'
  const PHONE_TAKEN = 'phone: this phone already has an account'
  const name = (p: Pick<PersonRow, 'nameEnc'>): string | null => (p.nameEnc === null ? null : pii.decrypt(p.nameEnc))
  // Masked names by their ciphertext (a changed name is a new ciphertext, so never stale): a gate or a code shows the
  // same person's '张*' thousands of times a day, and the decrypt was a few per cent of each. The full name is never kept.
  const maskedNames = new Map<string, string | null>()
  const maskedName = (nameEnc: string | null): string | null => {
    if (nameEnc === null) return null
    let masked = maskedNames.get(nameEnc)
    if (masked === undefined) {
      masked = maskName(pii.decrypt(nameEnc))
      if (maskedNames.size >= MASKED_NAMES_MAX) maskedNames.clear()
      maskedNames.set(nameEnc, masked)
    }
    return masked
  }
  const get = async (personId: string): Promise<PersonRow | undefined> => repo.byId(store.db, personId)

  return {
    /** The decrypted full name, or null before the profile is set. */
    name,
    /** The name as a gate or a code shows it (张*, 欧阳**), from its ciphertext; null before the profile is set. */
    maskedName,
    hasProfile: (p: Pick<PersonRow, 'nameEnc' | 'idNumberEnc'>): boolean => p.nameEnc !== null && p.idNumberEnc !== null,
    get,
    /** Id, grid and the name and ID number ciphertexts only: what issuing a code reads (GET /v1/me/code). */
    brief: async (personId: string): Promise<PersonBrief | undefined> => repo.brief(personId),
    /** The person inside the caller's transaction. */
    getIn: async (db: Db, personId: string): Promise<PersonRow | undefined> => repo.byId(db, personId),
    exists: async (personId: string): Promise<boolean> => (await get(personId)) !== undefined,
    /** Which of these people exist (inside the caller's transaction). */
    existing: async (db: Db, ids: string[]): Promise<Set<string>> => repo.existing(db, ids),
    /** Decrypted full names (null when the person has none); unknown ids are absent. */
    async names (personIds: string[]): Promise<Map<string, string | null>> {
      const out = new Map<string, string | null>()
      const ids = [...new Set(personIds)]
      for (let i = 0; i < ids.length; i += NAMES_PER_TURN) {
        if (i > 0) await nextTurn()
        for (const r of await repo.encryptedNames(ids.slice(i, i + NAMES_PER_TURN))) out.set(r.id, r.nameEnc === null ? null : pii.decrypt(r.nameEnc))
      }
      return out
    },

    /** The people of these households with their full names (null before a profile), in person-id order. */
    async inHouseholds (householdIds: string[]): Promise<Array<{ personId: string, householdId: string, gridId: string | null, name: string | null }>> {
      if (householdIds.length === 0) return []
      return (await repo.inHouseholds(householdIds)).map((r) => ({ personId: r.id, householdId: r.householdId as string, gridId: r.gridId, name: r.nameEnc === null ? null : pii.decrypt(r.nameEnc) }))
    },
    /** How many people each household holds (absent: none). */
    householdSizes: async (householdIds: string[]): Promise<Map<string, number>> => repo.householdSizes(householdIds),

    /** The people a resident keeps the codes of (家人代管), oldest first. */
    dependentsOf: async (guardianId: string): Promise<PersonRow[]> => repo.dependentsOf(store.db, guardianId),
    /** One of the resident's dependents, or undefined (someone else's, or no such person). */
    dependent: async (guardianId: string, personId: string): Promise<PersonRow | undefined> => repo.dependent(store.db, guardianId, personId),

    /**
     * A person without a phone whose code the resident keeps: in the resident's grid and household, unless the resident
     * keeps `max` already (409). Audited as dependent.added against the new person.
     */
    async addDependent (guardian: Session, input: { name: string, idNumber: string }, max: number): Promise<{ personId: string, name: string }> {
      const fullName = checkPersonName(input.name)
      const idNumber = checkIdNumber(input.idNumber)
      const idx = pii.index('idNumber', idNumber)
      return conflictOnRace(store.tx(async (db) => {
        // Two requests of one resident at once must not both find 4 and add a 5th and a 6th.
        await store.lock(db, `dependents:${guardian.sub}`)
        const me = await repo.byId(db, guardian.sub)
        if (me === undefined) throw new NotFound('personId: your account no longer exists')
        if (me.nameEnc === null || me.idNumberEnc === null) throw new ProfileRequired('profile: set your name and ID number first (PUT /v1/me/profile)')
        if ((await repo.dependentsOf(db, me.id)).length >= max) throw new Conflict(`dependents: at most ${max} dependents; release one first (DELETE /v1/me/dependents/{personId})`)
        if (await repo.byIdNumberIdx(db, idx) !== undefined) throw new Conflict(REGISTERED)
        const id = randomId()
        const now = config.now()
        await repo.insert(db, {
          id, nameEnc: pii.encrypt(fullName), idNumberEnc: pii.encrypt(idNumber), idNumberIdx: idx, phoneEnc: null, phoneIdx: null,
          gridId: me.gridId, householdId: me.householdId, guardianId: me.id, createdBy: 'self', createdAt: now, updatedAt: now
        })
        await audit.append(db, { actor: actorName(guardian), role: guardian.role, action: 'dependent.added', target: id })
        return { personId: id, name: fullName }
      }), { idNumber: REGISTERED, phone: PHONE_TAKEN })
    },

    /** The resident stops keeping this person's code (the person stays registered); 404 for anyone not theirs. */
    async releaseDependent (guardian: Session, personId: string): Promise<void> {
      await store.tx(async (db) => {
        if (await repo.dependent(db, guardian.sub, personId) === undefined) throw new NotFound(`personId: no dependent ${personId}`)
        await repo.update(db, personId, { guardianId: null, updatedAt: config.now() })
        await audit.append(db, { actor: actorName(guardian), role: guardian.role, action: 'dependent.released', target: personId })
      })
    },

    /**
     * The person, when the caller's reach includes their grid (people with no grid: only callers who reach everything).
     * An unknown person → 404; a person outside the reach → the same 404, audited as <action>.out_of_scope.
     */
    async inReach (actor: Session, personId: string, action: string, purpose: string | null = null): Promise<PersonRow> {
      const person = await get(personId)
      if (person === undefined) throw new NotFound(`personId: no person ${personId}`)
      if (!(await areas.seesGrid(actor, person.gridId))) {
        return areas.refuse(actor, { action, target: personId, purpose, message: `personId: no person ${personId}` })
      }
      return person
    },

    /**
     * Of these people, the ones inside the caller's reach (all of them for a caller who reaches everything): what a
     * scoped officer's or tracer's lists (appeals, cases) keep.
     */
    async inReachOf (actor: Session, personIds: string[]): Promise<Set<string>> {
      const reach = await areas.reach(actor)
      if (reach.all) return new Set(personIds)
      const grids = await repo.gridsOf([...new Set(personIds)])
      return new Set(personIds.filter((id) => { const g = grids.get(id); return g !== undefined && g !== null && reach.gridIds.has(g) }))
    },

    /** At a resident's login by phone (inside the caller's transaction): their person id, a new person at the first. */
    async residentOf (db: Db, phone: string, phoneIdx: string): Promise<string> {
      const existing = await repo.byPhoneIdx(db, phoneIdx)
      if (existing !== undefined) return existing.id
      const id = randomId()
      const now = config.now()
      await repo.insert(db, {
        id, nameEnc: null, idNumberEnc: null, idNumberIdx: null, phoneEnc: pii.encrypt(phone), phoneIdx,
        gridId: null, householdId: null, guardianId: null, createdBy: 'self', createdAt: now, updatedAt: now
      })
      return id
    },

    /** A resident sets their name and ID number (audited as profile.updated: the person only, never what was set). */
    async setProfile (actor: Session, input: { name: string, idNumber: string, gridId?: string, householdId?: string }) {
      const personId = actor.sub
      const fullName = checkPersonName(input.name)
      const idNumber = checkIdNumber(input.idNumber)
      const idx = pii.index('idNumber', idNumber)
      const before = await repo.byId(store.db, personId)
      if (before === undefined) throw new NotFound('personId: your account no longer exists')
      const { gridId, householdId } = await placeOf(actor, input, 'profile.updated', before)
      return conflictOnRace(store.tx(async (db) => {
        const me = await repo.byId(db, personId)
        if (me === undefined) throw new NotFound('personId: your account no longer exists')
        const holder = await repo.byIdNumberIdx(db, idx)
        if (holder !== undefined && holder.id !== personId) throw new Conflict(BOUND)
        await repo.update(db, personId, { nameEnc: pii.encrypt(fullName), idNumberEnc: pii.encrypt(idNumber), idNumberIdx: idx, gridId, householdId, updatedAt: config.now() })
        await audit.append(db, { actor: actorName(actor), role: actor.role, action: 'profile.updated', target: personId })
        return { personId, name: fullName, gridId, ...(householdId === null ? {} : { householdId }) }
      }), { idNumber: BOUND, phone: PHONE_TAKEN })
    },

    /**
     * An officer takes an ID number away from the account holding it (bound by the wrong phone), so that its rightful
     * holder can bind it. The account keeps its phone and name; without an ID number its code needs a profile again.
     */
    async unbindIdNumber (actor: Session, personId: string, reason: string): Promise<{ personId: string, idNumberBound: false }> {
      return store.tx(async (db) => {
        const person = await repo.byId(db, personId)
        if (person === undefined) throw new NotFound(`personId: no person ${personId}`)
        if (person.idNumberIdx === null) throw new Conflict('personId: this person has no ID number bound')
        await repo.update(db, personId, { idNumberEnc: null, idNumberIdx: null, updatedAt: config.now() })
        await audit.append(db, { actor: actorName(actor), role: actor.role, action: 'person.id_number_unbound', target: personId, purpose: reason })
        return { personId, idNumberBound: false as const }
      })
    },

    /** Grid workers register people who have no smartphone. */
    async register (actor: Session, input: { name: string, idNumber: string, gridId?: string, householdId?: string, phone?: string }) {
      const fullName = checkPersonName(input.name)
      const idNumber = checkIdNumber(input.idNumber)
      const idx = pii.index('idNumber', idNumber)
      if (input.gridId === undefined && input.householdId === undefined) throw new Validation('body.gridId: is required (or body.householdId, whose grid the person then joins)')
      // Outside the caller's reach (a grid worker's grids, a scoped officer's areas): 404 like an unknown grid, audited.
      if (input.gridId !== undefined && !(await areas.seesGrid(actor, input.gridId))) {
        return areas.refuse(actor, { action: 'person.register', target: input.gridId, message: `body.gridId: no grid ${input.gridId} among the grids you reach` })
      }
      const { gridId, householdId } = await placeOf(actor, input, 'person.register', { gridId: null, householdId: null })
      const now = config.now()
      const phone = input.phone === undefined ? undefined : normalizePhone(input.phone)
      return conflictOnRace(store.tx(async (db) => {
        if (await repo.byIdNumberIdx(db, idx) !== undefined) throw new Conflict(REGISTERED)
        if (phone !== undefined && await repo.byPhoneIdx(db, pii.index('phone', phone)) !== undefined) throw new Conflict(PHONE_TAKEN)
        const id = randomId()
        await repo.insert(db, {
          id, nameEnc: pii.encrypt(fullName), idNumberEnc: pii.encrypt(idNumber), idNumberIdx: idx,
          phoneEnc: phone === undefined ? null : pii.encrypt(phone), phoneIdx: phone === undefined ? null : pii.index('phone', phone),
          gridId, householdId, guardianId: null, createdBy: actorName(actor), createdAt: now, updatedAt: now
        })
        await audit.append(db, { actor: actorName(actor), role: actor.role, action: 'person.register', target: id })
        return { personId: id, name: fullName, gridId, ...(householdId === null ? {} : { householdId }) }
      }), { idNumber: REGISTERED, phone: PHONE_TAKEN })
    },

    /**
     * GET /v1/people: the person with this ID number as far as the caller's reach goes, audited with the purpose,
     * found or not. A grid worker finds only people of their own grids, a tracer or officer scoped to areas only people
     * of the grids below them: anyone else is answered as not found (the person's existence is not revealed) and audited
     * as identity.lookup_out_of_scope against that person.
     */
    async lookup (actor: Session, rawIdNumber: string, purpose: string): Promise<PersonRow | undefined> {
      const idNumber = checkIdNumber(rawIdNumber)
      const person = await repo.byIdNumberIdx(store.db, pii.index('idNumber', idNumber))
      const inScope = person === undefined || await areas.seesGrid(actor, person.gridId)
      await audit.record({ actor: actorName(actor), role: actor.role, action: inScope ? 'identity.lookup' : 'identity.lookup_out_of_scope', target: person?.id ?? null, purpose })
      return inScope ? person : undefined
    },

    /**
     * The person with this ID number, if any; every call is audited, found or not, with the person as target (it shows
     * in their access log): identity.lookup for a search, identity.scan for an ID card typed in at a checkpoint.
     * An invalid number throws GP_INVALID_ID_NUMBER and is not audited (it names nobody).
     */
    async findByIdNumber (actor: Session, rawIdNumber: string, purpose: string | undefined, action: 'identity.lookup' | 'identity.scan' = 'identity.lookup'): Promise<PersonRow | undefined> {
      const idNumber = checkIdNumber(rawIdNumber)
      const person = await repo.byIdNumberIdx(store.db, pii.index('idNumber', idNumber))
      await audit.record({ actor: actorName(actor), role: actor.role, action, target: person?.id ?? null, purpose: purpose ?? null })
      return person
    }
  }
}
export type PeopleService = ReturnType<typeof createPeopleService>

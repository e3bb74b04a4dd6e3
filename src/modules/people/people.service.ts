// People rules: profiles, residents created at their first login, registration without a phone, identity lookups (audited).
import { setImmediate as nextTurn } from 'node:timers/promises'
import type { Config } from '../../config.ts'
import type { Db, GridpassDb } from '../../db/index.ts'
import { Conflict, Forbidden, InvalidIdNumber, NotFound, Validation } from '../../errors.ts'
import { validateIdNumber } from '../../lib/id-number.ts'
import { checkName } from '../../lib/person-name.ts'
import { randomId } from '../../lib/ids.ts'
import { normalizePhone } from '../../lib/phone.ts'
import type { Pii } from '../../lib/pii.ts'
import type { AuditLog } from '../../plugins/audit.ts'
import type { Users } from '../../plugins/users.ts'
import { actorName, type Session } from '../../types.ts'
import type { GridsService } from '../grids/index.ts'
import { uniqueColumn, type PeopleRepository, type PersonRow } from './people.repository.ts'

export type { PersonRow }

/** Names decrypted per turn of the event loop (an export may name tens of thousands of contacts). */
const NAMES_PER_TURN = 500

interface Deps { repo: PeopleRepository, store: GridpassDb, pii: Pii, audit: AuditLog, config: Config, grids: GridsService, users: Users }

export function createPeopleService ({ repo, store, pii, audit, config, grids, users }: Deps) {
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
  const name = (p: PersonRow): string | null => (p.nameEnc === null ? null : pii.decrypt(p.nameEnc))
  const get = async (personId: string): Promise<PersonRow | undefined> => repo.byId(store.db, personId)

  return {
    /** The decrypted full name, or null before the profile is set. */
    name,
    hasProfile: (p: PersonRow): boolean => p.nameEnc !== null && p.idNumberEnc !== null,
    get,
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
    async setProfile (actor: Session, input: { name: string, idNumber: string, gridId?: string }) {
      const personId = actor.sub
      const fullName = checkPersonName(input.name)
      const idNumber = checkIdNumber(input.idNumber)
      const idx = pii.index('idNumber', idNumber)
      return conflictOnRace(store.tx(async (db) => {
        const me = await repo.byId(db, personId)
        if (me === undefined) throw new NotFound('personId: your account no longer exists')
        const holder = await repo.byIdNumberIdx(db, idx)
        if (holder !== undefined && holder.id !== personId) throw new Conflict(BOUND)
        await checkGrid(db, input.gridId)
        const gridId = input.gridId ?? me.gridId
        await repo.update(db, personId, { nameEnc: pii.encrypt(fullName), idNumberEnc: pii.encrypt(idNumber), idNumberIdx: idx, gridId, updatedAt: config.now() })
        await audit.append(db, { actor: actorName(actor), role: actor.role, action: 'profile.updated', target: personId })
        return { personId, name: fullName, gridId }
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
    async register (actor: Session, input: { name: string, idNumber: string, gridId: string, phone?: string }) {
      const fullName = checkPersonName(input.name)
      const idNumber = checkIdNumber(input.idNumber)
      const idx = pii.index('idNumber', idNumber)
      if (actor.role === 'gridworker' && !(await users.scope(actor.sub)).gridIds.has(input.gridId)) {
        throw new Forbidden(`gridId: you are not assigned to grid ${input.gridId}`)
      }
      const now = config.now()
      const phone = input.phone === undefined ? undefined : normalizePhone(input.phone)
      return conflictOnRace(store.tx(async (db) => {
        await checkGrid(db, input.gridId)
        if (await repo.byIdNumberIdx(db, idx) !== undefined) throw new Conflict(REGISTERED)
        if (phone !== undefined && await repo.byPhoneIdx(db, pii.index('phone', phone)) !== undefined) throw new Conflict(PHONE_TAKEN)
        const id = randomId()
        await repo.insert(db, {
          id, nameEnc: pii.encrypt(fullName), idNumberEnc: pii.encrypt(idNumber), idNumberIdx: idx,
          phoneEnc: phone === undefined ? null : pii.encrypt(phone), phoneIdx: phone === undefined ? null : pii.index('phone', phone),
          gridId: input.gridId, householdId: null, guardianId: null, createdBy: actorName(actor), createdAt: now, updatedAt: now
        })
        await audit.append(db, { actor: actorName(actor), role: actor.role, action: 'person.register', target: id })
        return { personId: id, name: fullName, gridId: input.gridId }
      }), { idNumber: REGISTERED, phone: PHONE_TAKEN })
    },

    /**
     * GET /v1/people: the person with this ID number as far as the caller's scope reaches, audited with the purpose,
     * found or not. A grid worker finds only people of their own grids: anyone else is answered as not found (the
     * person's existence is not revealed) and audited as identity.lookup_out_of_scope against that person. Tracers,
     * officers and admins find anyone (the accounts have no area scope yet).
     */
    async lookup (actor: Session, rawIdNumber: string, purpose: string): Promise<PersonRow | undefined> {
      const idNumber = checkIdNumber(rawIdNumber)
      const person = await repo.byIdNumberIdx(store.db, pii.index('idNumber', idNumber))
      const inScope = person === undefined || actor.role !== 'gridworker' ||
        (person.gridId !== null && (await users.scope(actor.sub)).gridIds.has(person.gridId))
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

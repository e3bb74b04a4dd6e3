// People rules: profiles, registration without a phone, identity lookups (audited).
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../db/index.ts'
import { Conflict, Forbidden, InvalidIdNumber, NotFound, Validation } from '../../errors.ts'
import { validateIdNumber } from '../../lib/id-number.ts'
import { randomId } from '../../lib/ids.ts'
import { normalizePhone } from '../../lib/phone.ts'
import { actorName, type Session } from '../../types.ts'
import { createAuthService } from '../auth/auth.service.ts'
import { createStatusService } from '../status/status.service.ts'
import { createPeopleRepository, uniqueColumn, type PersonRow } from './people.repository.ts'

export function createPeopleService (app: FastifyInstance) {
  const { store, pii, audit, config } = app
  const repo = createPeopleRepository({ store })
  const status = createStatusService(app)
  const auth = createAuthService(app)

  const checkIdNumber = (raw: string): string => {
    const result = validateIdNumber(raw, config.now())
    if (!result.ok) throw new InvalidIdNumber(`idNumber: ${result.why}`)
    return result.value
  }
  const checkGrid = async (db: Db, gridId: string | undefined): Promise<void> => {
    if (gridId !== undefined && !(await repo.gridExists(db, gridId))) throw new Validation(`body.gridId: unknown grid ${gridId}`)
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

  return {
    name,
    async setProfile (personId: string, input: { name: string, idNumber: string, gridId?: string }) {
      const idNumber = checkIdNumber(input.idNumber)
      const idx = pii.index('idNumber', idNumber)
      return conflictOnRace(store.tx(async (db) => {
        const me = await repo.byId(db, personId)
        if (me === undefined) throw new NotFound('personId: your account no longer exists')
        const holder = await repo.byIdNumberIdx(db, idx)
        if (holder !== undefined && holder.id !== personId) throw new Conflict(BOUND)
        await checkGrid(db, input.gridId)
        const gridId = input.gridId ?? me.gridId
        await repo.update(db, personId, { nameEnc: pii.encrypt(input.name), idNumberEnc: pii.encrypt(idNumber), idNumberIdx: idx, gridId, updatedAt: config.now() })
        return { personId, name: input.name, gridId }
      }), { idNumber: BOUND, phone: PHONE_TAKEN })
    },

    /** Grid workers register people who have no smartphone. */
    async register (actor: Session, input: { name: string, idNumber: string, gridId: string, phone?: string }) {
      const idNumber = checkIdNumber(input.idNumber)
      const idx = pii.index('idNumber', idNumber)
      if (actor.role === 'gridworker') {
        const scope = await auth.userScope(actor.sub)
        if (scope === undefined || !scope.gridIds.includes(input.gridId)) throw new Forbidden(`gridId: you are not assigned to grid ${input.gridId}`)
      }
      const now = config.now()
      const phone = input.phone === undefined ? undefined : normalizePhone(input.phone)
      return conflictOnRace(store.tx(async (db) => {
        await checkGrid(db, input.gridId)
        if (await repo.byIdNumberIdx(db, idx) !== undefined) throw new Conflict(REGISTERED)
        if (phone !== undefined && await repo.byPhoneIdx(db, pii.index('phone', phone)) !== undefined) throw new Conflict(PHONE_TAKEN)
        const id = randomId()
        await repo.insert(db, {
          id, nameEnc: pii.encrypt(input.name), idNumberEnc: pii.encrypt(idNumber), idNumberIdx: idx,
          phoneEnc: phone === undefined ? null : pii.encrypt(phone), phoneIdx: phone === undefined ? null : pii.index('phone', phone),
          gridId: input.gridId, createdBy: actorName(actor), createdAt: now, updatedAt: now
        })
        await audit.append(db, { actor: actorName(actor), role: actor.role, action: 'person.register', target: id })
        return { personId: id, name: input.name, gridId: input.gridId }
      }), { idNumber: REGISTERED, phone: PHONE_TAKEN })
    },

    async lookup (actor: Session, rawIdNumber: string, purpose: string | undefined) {
      const idNumber = checkIdNumber(rawIdNumber)
      const person = await repo.byIdNumberIdx(store.db, pii.index('idNumber', idNumber))
      await audit.record({ actor: actorName(actor), role: actor.role, action: 'identity.lookup', target: person?.id ?? null, purpose: purpose ?? null })
      if (person === undefined) return []
      const ev = await status.evaluate(person.id)
      return [{ personId: person.id, name: name(person), gridId: person.gridId, color: ev.color }]
    }
  }
}

// What a checked register changes: each row matched by its ID number and household address against the database, read
// a chunk at a time outside any transaction; the plan holds every new row already encrypted, so the write is short.
import { setImmediate as nextTurn } from 'node:timers/promises'
import type { GridpassDb } from '../../db/index.ts'
import { randomId } from '../../lib/ids.ts'
import type { Pii } from '../../lib/pii.ts'
import { BATCH, type HouseholdRow, type ImportsRepository, type PersonRow, type PersonSnapshot } from './imports.repository.ts'
import type { CleanRow, RowError } from './imports.rows.ts'
import type { RegisterField } from './register-csv.ts'

/** Rows handled between two turns of the event loop (HMACs and AES-GCM: a few ms of work, short even on a loaded machine). */
export const ROWS_PER_TURN = 250

export interface Plan {
  households: HouseholdRow[]
  people: PersonRow[]
  updates: Array<{ id: string, values: Partial<PersonRow> }>
  /** Every matched person as read: the write checks that none changed since. */
  matched: PersonSnapshot[]
  /** Every matched household: the write checks that each still exists. */
  matchedHouseholds: string[]
}

interface Input {
  rows: CleanRow[]
  /** The columns' names as the file gives them, for the messages. */
  labels: Record<RegisterField, string>
  /** Who the new rows are created by ('import:<username>'). */
  createdBy: string
  now: number
  /** The grids the importer reaches (all: every grid). */
  reach: { all: boolean, gridIds: ReadonlySet<string> }
  /** Called after each chunk with the rows handled so far. */
  onDone: (n: number) => void
  /** A refused row; returns false once no more are wanted (the 100 listed). */
  refuse: (e: RowError) => boolean
}

async function inChunks<T> (keys: string[], read: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = []
  for (let i = 0; i < keys.length; i += BATCH) {
    out.push(...await read(keys.slice(i, i + BATCH)))
    await nextTurn()
  }
  return out
}

interface Deps {
  repo: ImportsRepository
  store: GridpassDb
  pii: Pii
  /** The households module's rule: the blind index of an address of a grid (households.address_idx). */
  addressIndex: (gridId: string, address: string) => string
}

export async function planImport ({ repo, store, pii, addressIndex }: Deps, input: Input): Promise<Plan | null> {
  const { rows } = input
  // The blind indexes, computed once per row (and once per household).
  const idIdx: string[] = []
  const phoneIdx: Array<string | null> = []
  const homeIdx: string[] = []
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as CleanRow
    idIdx.push(pii.index('idNumber', r.idNumber))
    phoneIdx.push(r.phone === null ? null : pii.index('phone', r.phone))
    homeIdx.push(addressIndex(r.gridId, r.address))
    if (i % ROWS_PER_TURN === ROWS_PER_TURN - 1) await nextTurn()
  }

  const byId = new Map((await inChunks(idIdx, (c) => repo.peopleByIdNumberIdx(store.db, c))).map((p) => [p.idNumberIdx as string, p]))
  const phones = [...new Set(phoneIdx.filter((p): p is string => p !== null))]
  const phoneOwner = new Map((await inChunks(phones, (c) => repo.peopleByPhoneIdx(store.db, c))).map((p) => [p.phoneIdx as string, p.id]))
  const homes = new Map((await inChunks([...new Set(homeIdx)], (c) => repo.householdsByAddressIdx(store.db, c))).map((h) => [h.addressIdx, h.id]))
  const matchedHouseholds = [...homes.values()]

  const plan: Plan = { households: [], people: [], updates: [], matched: [], matchedHouseholds }
  let failed = false
  const refuse = (e: RowError): boolean => { failed = true; return input.refuse(e) }
  const { createdBy, now, reach, labels: label } = input
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as CleanRow
    let householdId = homes.get(homeIdx[i] as string)
    if (householdId === undefined) {
      householdId = randomId()
      homes.set(homeIdx[i] as string, householdId)
      if (!failed) {
        plan.households.push({ id: householdId, gridId: r.gridId, addressEnc: pii.encrypt(r.address), addressIdx: homeIdx[i] as string, phoneEnc: null, createdBy, createdAt: now, updatedAt: now })
      }
    }
    const person = byId.get(idIdx[i] as string)
    const phone = phoneIdx[i] as string | null
    const owner = phone === null ? undefined : phoneOwner.get(phone)
    if (owner !== undefined && owner !== person?.id) {
      if (!refuse({ row: r.row, column: label.phone, message: `${label.phone}: this phone belongs to another person already registered` })) return null
      continue
    }
    if (person === undefined) {
      if (!failed) {
        plan.people.push({
          id: randomId(), nameEnc: pii.encrypt(r.name), idNumberEnc: pii.encrypt(r.idNumber), idNumberIdx: idIdx[i] as string,
          phoneEnc: r.phone === null ? null : pii.encrypt(r.phone), phoneIdx: phone, gridId: r.gridId, householdId, guardianId: null,
          createdBy, createdAt: now, updatedAt: now
        })
      }
    } else if (person.householdId !== null && person.householdId !== householdId) {
      if (!refuse({ row: r.row, column: label.idNumber, message: `${label.idNumber}: this person is already registered in another household (another address or grid); move them in the households page, then import again` })) return null
    } else if (person.gridId !== null && !reach.all && !reach.gridIds.has(person.gridId)) {
      if (!refuse({ row: r.row, column: label.idNumber, message: `${label.idNumber}: this person is registered in a grid outside your area; ask an officer whose area covers both grids` })) return null
    } else if (!failed) {
      plan.matched.push(person)
      const values: Partial<PersonRow> = {}
      if (person.nameEnc === null || pii.decrypt(person.nameEnc) !== r.name) values.nameEnc = pii.encrypt(r.name)
      // An empty phone cell keeps the phone on record: a register without phones does not erase them.
      if (phone !== null && person.phoneIdx !== phone) Object.assign(values, { phoneEnc: pii.encrypt(r.phone as string), phoneIdx: phone })
      if (person.gridId !== r.gridId) values.gridId = r.gridId
      if (person.householdId !== householdId) values.householdId = householdId
      if (Object.keys(values).length > 0) plan.updates.push({ id: person.id, values: { ...values, updatedAt: now } })
    }
    if (i % ROWS_PER_TURN === ROWS_PER_TURN - 1) {
      input.onDone(i + 1)
      await nextTurn()
    }
  }
  input.onDone(rows.length)
  return failed ? null : plan
}

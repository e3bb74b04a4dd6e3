// A register's header and rows checked one by one (pure): each field tidied or refused with the column named.
import { checkAddress } from '../../lib/address.ts'
import { validateIdNumber } from '../../lib/id-number.ts'
import { checkName } from '../../lib/person-name.ts'
import { PHONE_PATTERN, normalizePhone } from '../../lib/phone.ts'
import { REGISTER_FIELDS, REGISTER_HEADER_EN, REGISTER_HEADER_ZH, type RegisterField } from './register-csv.ts'

/** One refused cell or row, as the 422 lists it. Messages name rows and columns, never the personal data in them. */
export interface RowError { row: number, column: string | null, message: string }

/** Where each field sits in the file's rows, and the name its column has there (for the messages). */
export interface Layout { at: Record<RegisterField, number>, label: Record<RegisterField, string>, width: number }

const FIELD_OF = new Map<string, RegisterField>(REGISTER_FIELDS.flatMap((f) => [[REGISTER_HEADER_ZH[f], f], [REGISTER_HEADER_EN[f], f]]))
const EXPECTED = `${REGISTER_FIELDS.map((f) => REGISTER_HEADER_ZH[f]).join(',')} (or ${REGISTER_FIELDS.map((f) => REGISTER_HEADER_EN[f]).join(',')})`

/** The header row: the five columns, each once, in any order, by their Chinese or English names. */
export function readHeader (fields: string[]): { layout: Layout } | { errors: RowError[] } {
  const errors: RowError[] = []
  const at: Partial<Record<RegisterField, number>> = {}
  const label: Partial<Record<RegisterField, string>> = {}
  fields.forEach((name, i) => {
    const field = FIELD_OF.get(name)
    const shown = name.slice(0, 40)
    if (field === undefined) errors.push({ row: 0, column: shown, message: `header: unknown column "${shown}"; the header is ${EXPECTED}, in any order` })
    else if (at[field] !== undefined) errors.push({ row: 0, column: shown, message: `header: column "${shown}" is given twice` })
    else { at[field] = i; label[field] = name }
  })
  for (const f of REGISTER_FIELDS) {
    if (at[f] === undefined) errors.push({ row: 0, column: REGISTER_HEADER_ZH[f], message: `header: the column ${REGISTER_HEADER_ZH[f]} (${REGISTER_HEADER_EN[f]}) is missing; the header is ${EXPECTED}, in any order` })
  }
  if (errors.length > 0) return { errors }
  return { layout: { at: at as Record<RegisterField, number>, label: label as Record<RegisterField, string>, width: fields.length } }
}

/** A row whose every field passed: tidied values. */
export interface CleanRow {
  row: number
  name: string
  idNumber: string
  phone: string | null
  gridId: string
  address: string
}

const PHONE = new RegExp(PHONE_PATTERN)
const GRID_ID = /^[A-Za-z0-9_.:-]{1,64}$/

/** The row tidied, or its errors (one per refused cell). Rules across rows (duplicates, the database) are the service's. */
export function checkRow (row: number, fields: string[], layout: Layout, nowMs: number): CleanRow | RowError[] {
  if (fields.length !== layout.width) {
    return [{ row, column: null, message: `row ${row} has ${fields.length} fields; the header has ${layout.width} (a missing or extra comma?)` }]
  }
  const errors: RowError[] = []
  const cell = (f: RegisterField): string => fields[layout.at[f]] as string
  const fail = (f: RegisterField, why: string): void => { errors.push({ row, column: layout.label[f], message: `${layout.label[f]}: ${why}` }) }

  const name = checkName(cell('name'))
  if (!name.ok) fail('name', name.why)
  const idNumber = validateIdNumber(cell('idNumber'), nowMs)
  if (!idNumber.ok) fail('idNumber', cell('idNumber') === '' ? 'is required' : `is not a valid ID number: ${idNumber.why}`)
  const rawPhone = cell('phone').replace(/[\s-]/g, '')
  if (rawPhone !== '' && !PHONE.test(rawPhone)) fail('phone', 'must be a mainland mobile number: 11 digits starting with 1, optionally +86 (or empty: no phone)')
  const gridId = cell('gridId')
  if (gridId === '') fail('gridId', 'is required')
  else if (!GRID_ID.test(gridId)) fail('gridId', 'is not a grid id (letters, digits and _ . : -, at most 64)')
  const address = checkAddress(cell('address'))
  if (!address.ok) fail('address', address.why)

  if (errors.length > 0 || !name.ok || !idNumber.ok || !address.ok) return errors
  return { row, name: name.value, idNumber: idNumber.value, phone: rawPhone === '' ? null : normalizePhone(rawPhone), gridId, address: address.value }
}

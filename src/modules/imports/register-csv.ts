// The register file's columns (Chinese and English headers) and formatRegisterCsv: a register CSV from rows (the seed's).
import iconv from 'iconv-lite'

/** The five fields of a register row, in the order the files are written. */
export const REGISTER_FIELDS = ['name', 'idNumber', 'phone', 'gridId', 'address'] as const
export type RegisterField = typeof REGISTER_FIELDS[number]

/** The header a police or street register carries (一标三实), one name per field. */
export const REGISTER_HEADER_ZH: Readonly<Record<RegisterField, string>> = { name: '姓名', idNumber: '身份证号', phone: '手机号', gridId: '网格', address: '住址' }
/** The same columns as a program writes them. */
export const REGISTER_HEADER_EN: Readonly<Record<RegisterField, string>> = { name: 'name', idNumber: 'idNumber', phone: 'phone', gridId: 'gridId', address: 'address' }

export interface RegisterRow {
  name: string
  idNumber: string
  /** Empty or absent: no phone (the elderly, children). */
  phone?: string | null
  gridId: string
  address: string
}

const quote = (value: string): string => (/[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value)

/**
 * A register file as text: the header, then one line per row, CRLF as spreadsheets write them. Fields holding a comma,
 * a quote, a line break or edge spaces are quoted. Values are written as given (no formula guard: the file is for
 * POST /v1/imports/residents, which would keep a guard's apostrophe as part of the name).
 */
export function formatRegisterCsv (rows: Iterable<RegisterRow>, header: 'zh' | 'en' = 'zh'): string {
  const names = header === 'zh' ? REGISTER_HEADER_ZH : REGISTER_HEADER_EN
  const lines = [REGISTER_FIELDS.map((f) => names[f]).join(',')]
  for (const row of rows) lines.push(REGISTER_FIELDS.map((f) => quote(row[f] ?? '')).join(','))
  return lines.join('\r\n') + '\r\n'
}

/** The same file as the bytes a spreadsheet saves on Chinese Windows (GBK; send it with `Content-Type: text/csv; charset=gbk`). */
export function formatRegisterCsvGbk (rows: Iterable<RegisterRow>, header: 'zh' | 'en' = 'zh'): Buffer {
  return iconv.encode(formatRegisterCsv(rows, header), 'gbk')
}

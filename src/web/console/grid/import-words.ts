// The register import's refusals in the page's words: the server lists each refused row with the column as the file
// names it and an English sentence; the console shows the row, the column by its Chinese header name (or its English
// one on the English page) and what is wrong, chosen by the sentence's kind, never the sentence itself.

export interface RowError { row: number, column: string | null, message: string }
export interface Said { key: string, params: Record<string, string | number> }

/** Both header spellings the import accepts, by field. */
const FIELD_OF: Record<string, string> = {
  姓名: 'name', name: 'name', 身份证号: 'idNumber', idNumber: 'idNumber', 手机号: 'phone', phone: 'phone', 网格: 'gridId', gridId: 'gridId', 住址: 'address', address: 'address'
}

/** The column's field (name, idNumber…) when it is one of the five, else undefined (an unknown header column). */
export const fieldOf = (column: string | null): string | undefined => column === null ? undefined : FIELD_OF[column]

/** Whole-file and header sentences, then cell sentences after "<column>: ". */
const WHOLE: Array<[RegExp, string, (m: RegExpExecArray) => Record<string, string | number>]> = [
  [/^header: unknown column "(.*)"/, 'unknownColumn', (m) => ({ col: m[1] as string })],
  [/^header: column "(.*)" is given twice/, 'twice', (m) => ({ col: m[1] as string })],
  [/^header: the column (\S+) .*is missing/, 'missing', (m) => ({ col: m[1] as string })],
  [/^row \d+ has (\d+) fields; the header has (\d+)/, 'fields', (m) => ({ n: Number(m[1]), m: Number(m[2]) })],
  [/^the file has more than (\d+) rows/, 'tooMany', (m) => ({ n: Number(m[1]).toLocaleString() })],
  [/^the file is empty/, 'empty', () => ({})],
  [/^the file has a header but no rows/, 'noRows', () => ({})]
]
const CELL: Array<[RegExp, string, (m: RegExpExecArray) => Record<string, string | number>]> = [
  [/^is required/, 'required', () => ({})],
  [/^is not a valid ID number: must be 18 characters/, 'idLength', () => ({})],
  [/^is not a valid ID number: holds no valid date of birth/, 'idBirth', () => ({})],
  [/^is not a valid ID number: check digit/, 'idCheck', () => ({})],
  [/^is not a valid ID number/, 'idInvalid', () => ({})],
  [/^must be a mainland mobile number/, 'phone', () => ({})],
  [/^is not a grid id/, 'gridId', () => ({})],
  [/^no grid (.+) in your area/, 'gridUnknown', (m) => ({ grid: m[1] as string })],
  [/^the same ID number as row (\d+)/, 'dupId', (m) => ({ row: Number(m[1]) })],
  [/^the same phone as row (\d+)/, 'dupPhone', (m) => ({ row: Number(m[1]) })],
  [/belongs to another person/, 'phoneTaken', () => ({})],
  [/already registered in another household/, 'otherHousehold', () => ({})],
  [/registered in a grid outside your area/, 'outsideArea', () => ({})],
  [/contains a broken character/, 'broken', () => ({})],
  [/contains an invisible or control character/, 'invisible', () => ({})],
  [/^is blank/, 'blank', () => ({})],
  [/combining marks/, 'marks', () => ({})],
  [/^is (\d+) characters long; at most (\d+)/, 'tooLong', (m) => ({ n: Number(m[1]), max: Number(m[2]) })]
]

/** What is wrong, as a message key under imp.e and its parameters. */
export function sayImportError (e: RowError): Said {
  for (const [re, key, params] of WHOLE) {
    const m = re.exec(e.message)
    if (m !== null) return { key: `imp.e.${key}`, params: params(m) }
  }
  const prefix = e.column === null ? '' : `${e.column}: `
  const why = e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message
  for (const [re, key, params] of CELL) {
    const m = re.exec(why)
    if (m !== null) return { key: `imp.e.${key}`, params: params(m) }
  }
  return { key: 'imp.e.other', params: {} }
}

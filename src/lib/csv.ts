// CSV cells and lines for every export (trails, contacts, screenings): RFC 4180 quoting with a formula guard.
export type CsvCell = string | number | boolean | null

/**
 * Formula starts a spreadsheet would run: = + - @, their full-width forms ＝ ＋ － ＠ (a Chinese input method types
 * these, and spreadsheets with East Asian input settings read them as the ASCII ones), a leading tab or CR.
 */
export const FORMULA_START = /^[=+\-@\uFF1D\uFF0B\uFF0D\uFF20\t\r]/

/** One CSV cell: text that would run as a formula gets a leading ', then quoting when it holds a comma, quote or line break. */
export function csvCell (value: CsvCell): string {
  if (value === null) return ''
  let s = String(value)
  if (typeof value === 'string' && FORMULA_START.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

/** One CSV line, CRLF-terminated. */
export const csvLine = (cells: CsvCell[]): string => cells.map(csvCell).join(',') + '\r\n'

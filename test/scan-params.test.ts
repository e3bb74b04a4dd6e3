// A scan's parameters for the SQLite scan thread's insert are written out field by field (src/db/scan-queries.ts):
// they must follow the statement's own column list, or scans would be stored with their fields swapped.
import t from 'tap'
import { SQLITE_SCAN_WRITES, sqliteScanParams, type ScanRow } from '../src/db/scan-queries.ts'

const camel = (c: string): string => c.replace(/_([a-z])/g, (_, x: string) => x.toUpperCase())

t.test('sqliteScanParams: the insert\'s columns in order, then the id for the refused-id guard', async (t) => {
  const columns = (/^INSERT INTO scans \(([^)]+)\)/.exec(SQLITE_SCAN_WRITES.scan)?.[1] ?? '').split(', ').map(camel)
  t.equal(columns.length, 17, 'the statement names 17 columns')
  t.equal((SQLITE_SCAN_WRITES.scan.match(/\?/g) ?? []).length, columns.length + 1, '… and takes one parameter more: the id again')
  // Every field a different value, so a swap of any two shows.
  const full = Object.fromEntries(columns.map((c, i) => [c, `${c}-${i}`])) as unknown as ScanRow
  full.scannedAt = 1_700_000_000_001
  full.receivedAt = 1_700_000_000_002
  for (const offline of [true, false]) {
    const row = { ...full, offline }
    t.same(sqliteScanParams(row), [...columns.map((c) => (c === 'offline' ? (offline ? 1 : 0) : row[c as keyof ScanRow])), row.id], `every field in its column (offline ${String(offline)})`)
  }
  const sparse: ScanRow = { ...full, offline: false }
  for (const c of ['direction', 'plate', 'reason', 'jti', 'flags'] as const) delete sparse[c]
  const params = sqliteScanParams(sparse)
  t.same(['direction', 'plate', 'reason', 'jti', 'flags'].map((c) => params[columns.indexOf(c)]), [null, null, null, null, null], 'fields left out are NULL, not undefined')
})

// Walks the whole audit log in seq order and names the first row whose hash, link or seq is wrong.
import type { GridpassDb } from '../../db/index.ts'
import { createAuditRepository } from '../../plugins/audit.repository.ts'
import { GENESIS, chainHash } from '../../plugins/audit.ts'

export type ChainReport =
  | { ok: true, entries: number, lastSeq: number }
  | { ok: false, seq: number, why: string, checked: number }

/** Pages keep memory flat on a log of millions of rows. */
export async function verifyChain (store: GridpassDb, pageSize = 5000): Promise<ChainReport> {
  const repo = createAuditRepository(store)
  let expectedSeq = 1
  let prevHash = GENESIS
  let checked = 0
  for (;;) {
    const rows = await repo.after(expectedSeq - 1, pageSize)
    for (const raw of rows) {
      // PostgreSQL bigint columns are numbers by the schema; coerce anyway so a driver change cannot fake a break.
      const row = { ...raw, seq: Number(raw.seq), at: Number(raw.at) }
      if (row.seq !== expectedSeq) {
        const missing = expectedSeq === row.seq - 1 ? `seq ${expectedSeq} is missing` : `seqs ${expectedSeq}-${row.seq - 1} are missing`
        return { ok: false, seq: row.seq, why: `${missing} (a deleted row)`, checked }
      }
      if (row.prevHash !== prevHash) return { ok: false, seq: row.seq, why: 'prevHash does not match the hash of the entry before it', checked }
      if (chainHash(row) !== row.hash) return { ok: false, seq: row.seq, why: 'hash does not match the entry contents (a changed row)', checked }
      prevHash = row.hash
      expectedSeq++
      checked++
    }
    if (rows.length < pageSize) break
  }
  return { ok: true, entries: checked, lastSeq: expectedSeq - 1 }
}

export function describeReport (report: ChainReport): string {
  return report.ok
    ? `audit chain ok: ${report.entries} entries, last seq ${report.lastSeq}`
    : `audit chain broken at seq ${report.seq}: ${report.why}`
}

// Walks the whole audit log in seq order and names the first missing or altered seq: by the chain itself (every
// prevHash the hash before it, every hash the entry's plain SHA-256 before audit.chain_keyed and its HMAC under
// audit.key from there on) and by the anchors written outside the database (every anchored seq present with the
// anchored hash, the last anchored seq not cut off).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { GridpassDb } from '../../db/index.ts'
import { createAuditRepository } from '../../plugins/audit.repository.ts'
import type { AnchorLine } from '../../plugins/audit-anchor.ts'
import { GENESIS, chainHash, isKeyedMarker, keyedHash } from '../../plugins/audit.ts'

export type ChainReport =
  | { ok: true, entries: number, lastSeq: number, keyedFrom: number, anchors: number, lastAnchoredSeq: number | null }
  | { ok: false, seq: number, why: string, checked: number }

export interface VerifyOptions {
  /** audit.key from the keys folder. */
  key: Buffer
  /** The anchor file's lines (readAnchors); none: the chain alone is checked. */
  anchors?: AnchorLine[]
  /** Pages keep memory flat on a log of millions of rows. */
  pageSize?: number
}

/** audit.key from a keys folder (32 bytes, base64). */
export function readAuditKey (keysDir: string): Buffer {
  const path = join(keysDir, 'audit.key')
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64')
  if (key.length !== 32) throw new Error(`${path} must hold 32 bytes in base64`)
  return key
}

/** The anchor file's lines; a line that is not an anchor is an error naming it (the file is evidence too). */
export function readAnchors (file: string): AnchorLine[] {
  const text = readFileSync(file, 'utf8')
  const anchors: AnchorLine[] = []
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return
    let line: Partial<AnchorLine>
    try {
      line = JSON.parse(raw) as Partial<AnchorLine>
    } catch {
      throw new Error(`${file} line ${i + 1} is not an audit anchor (not JSON)`)
    }
    if (!Number.isSafeInteger(line.seq) || (line.seq as number) < 1 || typeof line.hash !== 'string' || !/^[0-9a-f]{64}$/.test(line.hash) || typeof line.at !== 'string') {
      throw new Error(`${file} line ${i + 1} is not an audit anchor ({"seq","hash","at","copy"})`)
    }
    anchors.push({ seq: line.seq as number, hash: line.hash, at: line.at, copy: typeof line.copy === 'string' ? line.copy : '' })
  })
  return anchors
}

const short = (hash: string): string => `${hash.slice(0, 12)}…`

export async function verifyChain (store: GridpassDb, { key, anchors = [], pageSize = 5000 }: VerifyOptions): Promise<ChainReport> {
  const repo = createAuditRepository(store)
  // By seq, the first anchor of each; two anchors of one seq with different hashes are themselves a rewrite.
  const anchored = new Map<number, AnchorLine>()
  let lastAnchor: AnchorLine | null = null
  for (const a of anchors) {
    const seen = anchored.get(a.seq)
    if (seen === undefined) anchored.set(a.seq, a)
    else if (seen.hash !== a.hash) {
      return { ok: false, seq: a.seq, why: `altered (the anchor of ${seen.at} recorded hash ${short(seen.hash)}, the anchor of ${a.at} ${short(a.hash)}: the chain was rewritten between them)`, checked: 0 }
    }
    if (lastAnchor === null || a.seq > lastAnchor.seq) lastAnchor = a
  }

  let expectedSeq = 1
  let prevHash = GENESIS
  let keyedFrom: number | null = null
  let checked = 0
  for (;;) {
    const rows = await repo.after(expectedSeq - 1, pageSize)
    for (const raw of rows) {
      // PostgreSQL bigint columns are numbers by the schema; coerce anyway so a driver change cannot fake a break.
      const row = { ...raw, seq: Number(raw.seq), at: Number(raw.at) }
      if (row.seq !== expectedSeq) {
        const gap = row.seq - 1 === expectedSeq ? `seq ${expectedSeq} was deleted` : `seqs ${expectedSeq}-${row.seq - 1} were deleted`
        return { ok: false, seq: expectedSeq, why: `missing (${gap}; the log goes on at seq ${row.seq})`, checked }
      }
      if (row.prevHash !== prevHash) return { ok: false, seq: row.seq, why: `altered (its prevHash is not the hash of seq ${row.seq - 1})`, checked }
      if (keyedFrom === null && isKeyedMarker(row)) keyedFrom = row.seq
      if (keyedFrom !== null) {
        if (keyedHash(row, key) !== row.hash) {
          const hint = row.seq === keyedFrom ? ', or audit.key is not the key this log was written with' : ''
          return { ok: false, seq: row.seq, why: `altered (its hash is not the HMAC of its contents under audit.key${hint})`, checked }
        }
      } else if (chainHash(row) !== row.hash) {
        return { ok: false, seq: row.seq, why: 'altered (its hash is not the SHA-256 of its contents)', checked }
      }
      const anchor = anchored.get(row.seq)
      if (anchor !== undefined && anchor.hash !== row.hash) {
        return { ok: false, seq: row.seq, why: `altered (the anchor of ${anchor.at} recorded hash ${short(anchor.hash)}, the log holds ${short(row.hash)}: an entry up to here was rewritten and the chain recomputed)`, checked }
      }
      prevHash = row.hash
      expectedSeq++
      checked++
    }
    if (rows.length < pageSize) break
  }
  const lastSeq = expectedSeq - 1
  if (lastAnchor !== null && lastAnchor.seq > lastSeq) {
    return { ok: false, seq: lastSeq + 1, why: `missing (the log was cut after seq ${lastSeq}; the anchor of ${lastAnchor.at} recorded seq ${lastAnchor.seq})`, checked }
  }
  if (keyedFrom === null) {
    return { ok: false, seq: lastSeq + 1, why: `missing (no audit.chain_keyed entry after seq ${lastSeq}: the service writes one at its first start, so the keyed part of the log was cut)`, checked }
  }
  return { ok: true, entries: checked, lastSeq, keyedFrom, anchors: anchored.size, lastAnchoredSeq: lastAnchor?.seq ?? null }
}

export function describeReport (report: ChainReport): string {
  if (!report.ok) return `audit chain broken at seq ${report.seq}: ${report.why}`
  const anchors = report.lastAnchoredSeq === null ? 'no anchor checked' : `${report.anchors} anchored seqs match, the last ${report.lastAnchoredSeq}`
  return `audit chain ok: ${report.entries} entries, last seq ${report.lastSeq}, keyed from seq ${report.keyedFrom}; ${anchors}`
}

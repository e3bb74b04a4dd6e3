// The audit module's rules: the admin's filtered reading of the log, and audit:verify's check of the whole chain and
// this copy's anchor file, on demand (the same verifyChain as `npm run audit:verify`).
import { existsSync } from 'node:fs'
import type { GridpassDb } from '../../db/index.ts'
import type { AnchorLine } from '../../plugins/audit-anchor.ts'
import { createAuditQueries, type AuditFilter } from './audit.repository.ts'
import { readAnchors, verifyChain } from './audit.verify.ts'

export interface VerifyAnswer {
  ok: boolean
  checked: number
  firstBadSeq: number | null
  why: string | null
  lastSeq: number | null
  keyedFrom: number | null
  anchorFileRead: boolean
  anchors: number
  lastAnchoredSeq: number | null
}

export function createAuditService ({ store, key, anchorFile }: { store: GridpassDb, key: Buffer, anchorFile: string }) {
  const queries = createAuditQueries(store)
  return {
    page: (limit: number, before: number | undefined, filter: AuditFilter) => queries.page(limit, before, filter),
    /** The anchors are read before the chain is walked, so that every anchored seq is already in the log walked. */
    async verify (): Promise<VerifyAnswer> {
      let anchors: AnchorLine[] | undefined
      let unreadable: string | null = null
      if (existsSync(anchorFile)) {
        try {
          anchors = readAnchors(anchorFile)
        } catch (err) {
          unreadable = err instanceof Error ? err.message.replace(anchorFile, 'the anchor file') : 'the anchor file cannot be read'
        }
      }
      const report = await verifyChain(store, { key, anchors: anchors ?? [] })
      const anchorFileRead = anchors !== undefined
      if (!report.ok) {
        return { ok: false, checked: report.checked, firstBadSeq: report.seq, why: report.why, lastSeq: null, keyedFrom: null, anchorFileRead, anchors: 0, lastAnchoredSeq: null }
      }
      if (unreadable !== null) {
        // The anchors are evidence too: a file that is not anchors is a failure, as it is for npm run audit:verify.
        return { ok: false, checked: report.entries, firstBadSeq: null, why: unreadable, lastSeq: report.lastSeq, keyedFrom: report.keyedFrom, anchorFileRead: false, anchors: 0, lastAnchoredSeq: null }
      }
      return { ok: true, checked: report.entries, firstBadSeq: null, why: null, lastSeq: report.lastSeq, keyedFrom: report.keyedFrom, anchorFileRead, anchors: report.anchors, lastAnchoredSeq: report.lastAnchoredSeq }
    }
  }
}
export type AuditService = ReturnType<typeof createAuditService>

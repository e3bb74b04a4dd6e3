// The retention purge: scans, security events and declarations older than GRIDPASS_RETENTION_DAYS, and paper cards past
// their expiry, in short chunks.
import { setImmediate as nextTurn } from 'node:timers/promises'
import type { FastifyBaseLogger } from 'fastify'
import { Counter, type Registry } from 'prom-client'
import type { Config } from '../../config.ts'
import type { Db, GridpassDb } from '../../db/index.ts'
import type { AuditLog } from '../../plugins/audit.ts'
import type { CheckpointsService } from '../checkpoints/index.ts'
import type { CodesService } from '../codes/index.ts'
import type { DashboardService } from '../dashboard/index.ts'
import type { ScansService } from '../scans/index.ts'
import type { StatusService } from '../status/index.ts'

const DAY = 86_400_000
/**
 * Rows per delete transaction. SQLite has one writer and the scan thread commits on its own connection: a short
 * transaction per chunk lets scans in between, where one big DELETE would hold them behind it for seconds.
 */
export const CHUNK = 2000

export type PurgeKind = 'scans' | 'securityEvents' | 'declarations' | 'paperCards'
const METRIC_KIND: Record<PurgeKind, string> = { scans: 'scans', securityEvents: 'security_events', declarations: 'declarations', paperCards: 'paper_cards' }

export interface PurgeReport {
  /** Rows older than this (ISO time) were deleted; a row exactly at it is kept. Paper cards go when they expire instead. */
  cutoff: string
  retentionDays: number
  deleted: Record<PurgeKind, number>
  /** false when the run stopped early (the app closed, or a statement failed). */
  complete: boolean
}

interface Deps {
  store: GridpassDb
  scans: ScansService
  status: StatusService
  checkpoints: CheckpointsService
  codes: CodesService
  dashboard: DashboardService
  audit: AuditLog
  config: Config
  log: FastifyBaseLogger
  metrics: Registry
}

export function createRetentionService ({ store, scans, status, checkpoints, codes, dashboard, audit, config, log, metrics }: Deps) {
  const purged = new Counter({ name: 'gridpass_retention_purged_rows_total', help: 'Rows deleted by the retention purge, by kind', labelNames: ['kind'], registers: [metrics] })
  for (const kind of [...Object.values(METRIC_KIND), 'scan_hours']) purged.inc({ kind }, 0)

  let stopping = false
  let closed = false
  let current: Promise<PurgeReport> | null = null

  /** Deletes chunk after chunk until select finds none; false when asked to stop first. */
  async function drain (report: PurgeReport, kind: PurgeKind, select: () => Promise<string[]>, remove: (db: Db, ids: string[]) => Promise<number>): Promise<boolean> {
    for (;;) {
      if (stopping) return false
      // The read runs outside the transaction: the write lock is held only for the delete of known ids.
      const ids = await select()
      if (ids.length === 0) return true
      const n = await store.tx(async (db) => remove(db, ids))
      report.deleted[kind] += n
      purged.inc({ kind: METRIC_KIND[kind] }, n)
      // better-sqlite3 answers synchronously: without a turn of the event loop between chunks, requests would wait.
      await nextTurn()
      if (ids.length < CHUNK) return true
    }
  }

  async function purge (): Promise<PurgeReport> {
    const retentionDays = config.retentionDays
    const now = config.now()
    const cutoff = now - retentionDays * DAY
    const report: PurgeReport = { cutoff: new Date(cutoff).toISOString(), retentionDays, deleted: { scans: 0, securityEvents: 0, declarations: 0, paperCards: 0 }, complete: false }
    let complete = true
    let failure: unknown
    try {
      for (const checkpointId of await checkpoints.ids()) {
        complete = await drain(report, 'scans', async () => scans.oldScans(checkpointId, cutoff, CHUNK), async (db, ids) => scans.deleteScans(db, ids, cutoff))
        if (!complete) break
      }
      // The dashboard's scans per hour go with the scans they counted (one short statement: ~1,000 rows a day). Counted
      // in the metric, not in the report: its rows hold no personal data.
      if (complete) purged.inc({ kind: 'scan_hours' }, await store.tx(async (db) => dashboard.purgeHours(db, cutoff)))
      complete &&= await drain(report, 'securityEvents', async () => scans.oldSecurityEvents(cutoff, CHUNK), async (db, ids) => scans.deleteSecurityEvents(db, ids, cutoff))
      complete &&= await drain(report, 'declarations', async () => status.oldDeclarations(cutoff, CHUNK), async (db, ids) => status.deleteDeclarations(db, ids, cutoff))
      // A card past its expiry verifies nowhere: the status list has no use for it, whatever the retention period.
      complete &&= await drain(report, 'paperCards', async () => codes.expiredCards(now, CHUNK), async (db, ids) => codes.deleteCards(db, ids, now))
    } catch (err) {
      failure = err
      complete = false
    }
    report.complete = complete
    // Counts and the cutoff only: no checkpoint, person or scan id reaches the audit log. Written for an empty run
    // too, so operators see that the job runs.
    const entry = { actor: 'system', role: 'system', action: 'retention.purge', target: null, purpose: JSON.stringify(report) }
    if (failure !== undefined) {
      await audit.record(entry).catch(() => undefined)
      throw failure
    }
    await audit.record(entry)
    log.info({ retention: report }, 'retention purge done')
    return report
  }

  return {
    /** Purges now; waits for a run already going, so the report is of a run that started after the call. */
    async run (): Promise<PurgeReport> {
      if (closed || stopping) throw new Error('retention: the app is closing')
      const before = current
      const next = (async () => { await before?.catch(() => undefined); return purge() })()
      current = next
      const clear = (): void => { if (current === next) current = null }
      next.then(clear, clear)
      return next
    },
    busy: (): boolean => current !== null,
    /** Stops a run between two chunks (its report says complete: false) and waits for it: the database closes next. */
    async stop (): Promise<void> {
      stopping = true
      await current?.catch(() => undefined)
      closed = true
    }
  }
}
export type RetentionService = ReturnType<typeof createRetentionService>

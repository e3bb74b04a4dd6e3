// Checkpoint verification: judge a scanned code by the server's colour now (or at the offline scan time), record it once.
import { hash } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import { Counter, type Registry } from 'prom-client'
import type { Config } from '../../config.ts'
import { type EntryBrief, type PersonBrief, type ScanQueries, type ScanWrite, type SecurityRow, type StoredScan, type Sighting as StoredSighting } from '../../db/scan-queries.ts'
import { Conflict, Forbidden, InvalidIdNumber, NotFound, Validation } from '../../errors.ts'
import { CODE_TYP, openCode, prepareCode, type DenyReason } from '../../lib/code-verifier.ts'
import type { Es256 } from '../../lib/es256-thread.ts'
import type { Keyring } from '../../lib/keyring.ts'
import { counterSeries } from '../../lib/metric-series.ts'
import type { Pii } from '../../lib/pii.ts'
import type { Users } from '../../plugins/users.ts'
import type { Session } from '../../types.ts'
import type { Checkpoint, CheckpointsService } from '../checkpoints/index.ts'
import type { PeopleService } from '../people/index.ts'
import type { ColorName, StatusService } from '../status/index.ts'
import { judgeBatch } from './scans.batch.ts'
import type { ScansRepository } from './scans.repository.ts'
import { createScanWriter, type ScanRow } from './scan-writer.ts'
import { impossible, type FraudFlag, type Sighting } from './fraud.ts'

export type { ScanRow, StoredScan }

export const OFFLINE_WINDOW_MS = 7 * 86_400_000

export type Reason = DenyReason | 'unknown_person' | 'color_yellow' | 'color_red' | 'clock_out_of_range'

export interface ScanInput {
  id: string
  token: string
  checkpointId: string
  scannedAt?: string
  direction?: 'in' | 'out' | 'pass'
  plate?: string
}

/** POST /v1/scans/id: a person without a code shows an ID card and the volunteer types the number. */
export interface IdScanInput {
  id: string
  idNumber: string
  checkpointId: string
  direction?: 'in' | 'out' | 'pass'
  plate?: string
}

export type ScanKind = 'live' | 'paper' | 'id'

export interface ScanAnswer {
  id: string
  decision: 'allow' | 'deny'
  color: ColorName | null
  personId: string | null
  displayName: string | null
  reason: Reason | null
  recorded: boolean
  duplicate: boolean
  offline: boolean
  kind: ScanKind | null
  /** Fraud signals; the decision still follows the rules. */
  flags?: FraudFlag[]
}

export type Source = 'scan' | 'batch' | 'image' | 'id'

// One-shot: about half the cost of createHash().update().digest() for a token's few hundred bytes (two per scan).
const sha256 = (s: string): string => hash('sha256', s, 'base64url')
export const requestHashOf = (token: string, checkpointId: string): string => sha256(JSON.stringify([token, checkpointId]))

interface Deps {
  queries: ScanQueries
  repo: ScansRepository
  checkpoints: CheckpointsService
  status: StatusService
  people: PeopleService
  users: Users
  keyring: Keyring
  /** Where codes' signatures are checked: the service's ES256 thread. */
  es256?: Es256
  pii: Pii
  config: Config
  log: FastifyBaseLogger
  metrics: Registry
}

export function createScansService ({ queries, repo, checkpoints, status, people, users, keyring, es256, pii, config, log, metrics }: Deps) {
  // An offline scan older than the retention horizon is refused, not recorded: its first copy may already have been
  // purged, and recording a re-sent copy would put it in the trail twice over its life. Equal to the 7-day window
  // unless GRIDPASS_RETENTION_DAYS is shorter.
  const offlineWindowMs = Math.min(OFFLINE_WINDOW_MS, config.retentionDays * 86_400_000)
  const writer = createScanWriter(queries)

  const scanSeries = counterSeries<{ decision: string, reason: string, source: string }>({ name: 'gridpass_scans_total', help: 'Scans answered, by decision and reason', labelNames: ['decision', 'reason', 'source'], registers: [metrics] })
  const fraudCount = new Counter({ name: 'gridpass_scan_fraud_flags_total', help: 'Scans flagged as impossible travel', labelNames: ['flag'], registers: [metrics] })

  // The masked name shown at the gate ('张*'), from memory by its ciphertext: the full name never enters the scan path.
  const maskedName = people.maskedName

  /** From the account's cached scope (a plain value on the hot path; a promise only when it must be read). */
  function mayScanAt (actor: Session, checkpointId: string): boolean | Promise<boolean> {
    if (actor.role === 'admin') return true
    if (actor.role !== 'volunteer') return false
    const scope = users.scope(actor.sub)
    return scope instanceof Promise ? scope.then((s) => s.checkpointIds.has(checkpointId)) : scope.checkpointIds.has(checkpointId)
  }

  /** The checkpoint a scan is taken at, and that this user may scan there: no await when both are in memory. */
  async function checkScanner (actor: Session, checkpointId: string): Promise<Checkpoint> {
    const cp = checkpoints.cached(checkpointId) ?? await checkpoints.get(checkpointId)
    if (cp === undefined) throw new NotFound(`checkpointId: no checkpoint ${checkpointId}`)
    const may = mayScanAt(actor, checkpointId)
    if (!(may instanceof Promise ? await may : may)) throw new Forbidden(`checkpointId: you are not assigned to checkpoint ${checkpointId}`)
    return cp
  }

  /** The first answer under this id, when it was for the same request (by ID card: `byId`); another request's → 409. */
  async function previous (id: string, requestHash: string, byId = false): Promise<ScanAnswer | null> {
    const scan = await queries.scanById(id)
    if (scan !== undefined) {
      if (scan.requestHash !== requestHash || scan.source === 'checkin' || (scan.source === 'id') !== byId) {
        throw new Conflict(`id: scan ${id} was already recorded with another ${byId ? 'ID number' : 'token'} or checkpoint`)
      }
      const person = await queries.person(scan.personId)
      return {
        id, decision: scan.decision as 'allow' | 'deny', color: scan.color as ColorName, personId: scan.personId,
        displayName: maskedName(person?.nameEnc ?? null),
        reason: scan.reason as Reason | null, recorded: true, duplicate: true, offline: scan.offline, kind: scan.kind as ScanKind,
        ...(scan.flags !== null ? { flags: JSON.parse(scan.flags) as FraudFlag[] } : {})
      }
    }
    const event = await queries.securityById(id)
    if (event !== undefined) {
      if (event.requestHash !== requestHash || (event.source === 'id') !== byId) throw new Conflict(`id: scan ${id} was already answered for another ${byId ? 'ID number' : 'token'} or checkpoint`)
      return { id, decision: 'deny', color: null, personId: null, displayName: null, reason: event.reason as Reason, recorded: false, duplicate: true, offline: event.source === 'batch', kind: byId ? 'id' : null }
    }
    return null
  }

  /**
   * The person seen elsewhere around this time, farther than travel allows; the same code when that sighting carried
   * this jti (a code belongs to one person). `around` is the lookup's: the sightings within SIGHTING_WINDOW_MS of the
   * scan, the nearest before and after it. Only those count: if a farther one
   * were impossible, some pair of neighbours between them would be, and was flagged when it was recorded.
   */
  async function fraudFlags (around: StoredSighting[], jti: string | null, here: Sighting): Promise<FraudFlag[]> {
    if (here.lat === null || here.lon === null) return []
    let code = false
    let person = false
    for (const r of around) {
      // Checkpoints are nearly always cached: only a miss costs an await.
      const cp = checkpoints.cached(r.checkpointId) ?? await checkpoints.get(r.checkpointId)
      if (!impossible(here, { checkpointId: r.checkpointId, at: r.scannedAt, lat: cp?.lat ?? null, lon: cp?.lon ?? null })) continue
      person = true
      if (jti !== null && r.jti === jti) code = true
    }
    const flags: FraudFlag[] = []
    if (code) flags.push('code_impossible_travel')
    if (person) flags.push('person_impossible_travel')
    return flags
  }

  /**
   * A single (online) scan's scannedAt may differ from the server's clock by the allowed skew at most: a scan taken
   * while offline is sent by POST /v1/scans/batch, where it is judged as of its scannedAt within the offline window.
   */
  function checkOnlineScannedAt (value: string, receivedAt: number): void {
    const skewMs = config.clockSkewSeconds * 1000
    const diff = Date.parse(value) - receivedAt
    if (Math.abs(diff) <= skewMs) return
    throw new Validation(`body.scannedAt: ${value} is ${Math.round(Math.abs(diff) / 1000)} s ${diff > 0 ? 'ahead of' : 'behind'} the server's clock ` +
      `(${new Date(receivedAt).toISOString()}); a single scan is recorded now and may differ by at most ${config.clockSkewSeconds} s. ` +
      'Send scans taken offline by POST /v1/scans/batch.')
  }

  /** A refused scan's row in the security log (no personal data: the token only as its hash and length). */
  const refusalRow = (actor: Session, input: { id: string, checkpointId: string, token: string }, source: Source, reason: Reason, requestHash: string, at: number): SecurityRow =>
    ({ id: input.id, at, checkpointId: input.checkpointId, actorId: actor.sub, source, reason, requestHash, tokenHash: sha256(input.token), tokenLength: input.token.length })

  /** The answer to a refused scan once its security-log row is written (counted and logged here). */
  function refused (input: { id: string, checkpointId: string }, source: Source, reason: Reason, offline: boolean): ScanAnswer {
    scanSeries({ decision: 'deny', reason, source }).inc()
    log.info({ scanId: input.id, checkpointId: input.checkpointId, reason }, 'scan refused')
    return { id: input.id, decision: 'deny', color: null, personId: null, displayName: null, reason, recorded: false, duplicate: false, offline, kind: null }
  }

  /**
   * Judges one scan. Throws GP_* errors for 403/404/409; a bad token is an answer, not an error. Once `stop` is aborted
   * (a batch whose other item failed with a 5xx) nothing more is written for it: it throws the abort's reason instead.
   */
  async function judge (actor: Session, input: ScanInput, source: Source, stop?: AbortSignal): Promise<ScanAnswer> {
    const receivedAt = config.now()
    const requestHash = requestHashOf(input.token, input.checkpointId)
    const cp = await checkScanner(actor, input.checkpointId)
    // No look-up of the id first: the scan is judged, and the write tells whether the id was free. Only a
    // retry pays for reading the first answer (and the 409 check), not every new scan.

    const offline = source === 'batch' && input.scannedAt !== undefined
    // An online scan is recorded at the server's receive time: a device clock (or a volunteer) cannot plant encounters
    // in another year, where they would feed contact tracing and escape retention. Its scannedAt is only checked.
    if (!offline && input.scannedAt !== undefined) checkOnlineScannedAt(input.scannedAt, receivedAt)
    const scannedAt = offline ? Date.parse(input.scannedAt as string) : receivedAt
    const at = scannedAt
    const deny = async (reason: Reason): Promise<ScanAnswer> => {
      stop?.throwIfAborted()
      const inserted = await writer.write({ kind: 'security', row: refusalRow(actor, input, source, reason, requestHash, receivedAt) })
      if (!inserted) return (await previous(input.id, requestHash)) as ScanAnswer
      return refused(input, source, reason, offline)
    }

    if (offline && (scannedAt < receivedAt - offlineWindowMs || scannedAt > receivedAt + config.clockSkewSeconds * 1000)) return deny('clock_out_of_range')
    const opts = { keys: keyring.verifiers, issuer: config.issuer, typ: CODE_TYP, skewSeconds: config.clockSkewSeconds, at, es256 }
    // A single scan on a SQLite file: the scan thread checks the signature and, when it holds, writes the scan (or the
    // refusal its claims make) in the same hop. A forged code is refused after, through the writer: one more hop for
    // that rare case, and no refusal row (nor token hash) made for every valid scan. Offline batches keep the ES256
    // thread: their checks run there while the scan thread commits.
    const signedWrite = queries.writeIfSigned
    if (signedWrite !== undefined && source !== 'batch') {
      const code = prepareCode(input.token, opts)
      if ('reason' in code) return deny(code.reason)
      const { person, entries, around } = await queries.lookup(code.claims.sub, scannedAt)
      const how = { source, kind: code.claims.knd, jti: code.claims.jti, at, scannedAt, receivedAt, offline, requestHash }
      // What is written when the signature holds: the scan, or the refusal its claims or the unknown person make.
      const reason: Reason | null = code.after ?? (person === undefined ? 'unknown_person' : null)
      const known = reason === null && person !== undefined ? await judgedKnown(actor, cp, input, { person, entries, around }, how) : null
      const ifValid: ScanWrite = known !== null ? { kind: 'scan', row: known.row } : { kind: 'security', row: refusalRow(actor, input, source, reason as Reason, requestHash, receivedAt) }
      const { valid, inserted } = await signedWrite({ input: code.signingInput, signature: code.signature, key: code.publicKey, kid: code.kid }, ifValid)
      if (!valid) return deny('bad_signature')
      if (!inserted) return (await previous(input.id, requestHash)) as ScanAnswer
      return known !== null ? recorded(known) : refused(input, source, reason as Reason, offline)
    }
    const code = openCode(input.token, opts)
    if (code.unverified === null) return deny((await code.verified).reason)
    // One round trip for the person, their status entries and their sightings around the scan time, asked for while
    // the signature is being checked (both wait on other threads); its answer is used only if the signature holds.
    const lookup = queries.lookup(code.unverified.sub, scannedAt)
    // Marked handled at once: should the read fail while the verify is still running, that must not count as an
    // unhandled rejection (which ends the process); the failure reaches the request when it awaits the read below.
    lookup.catch(() => {})
    const verified = await code.verified
    if (!verified.ok) return deny(verified.reason)
    const { claims } = verified
    const { person, entries, around } = await lookup
    if (person === undefined) return deny('unknown_person')
    return recordKnown(actor, cp, input, { person, entries, around }, { source, kind: claims.knd, jti: claims.jti, at, scannedAt, receivedAt, offline, requestHash, stop })
  }

  type Looked = { person: PersonBrief, entries: EntryBrief[], around: StoredSighting[] }
  interface How { source: Source, kind: ScanKind, jti: string | null, at: number, scannedAt: number, receivedAt: number, offline: boolean, requestHash: string }
  interface Known { row: ScanRow, person: PersonBrief, flags: FraudFlag[] }

  /**
   * A scan of a known person, judged by the server's colour at `at` (the token's `col` may be stale, paper codes and ID
   * cards carry none) and flagged for impossible travel: its row in the trail.
   */
  async function judgedKnown (actor: Session, cp: Checkpoint, input: { id: string, direction?: 'in' | 'out' | 'pass', plate?: string }, { person, entries, around }: Looked, how: How): Promise<Known> {
    const { source, kind, jti, at, scannedAt, receivedAt, offline, requestHash } = how
    const color = status.colorAt(entries, at)
    const decision = color === 'green' ? 'allow' : 'deny'
    const reason: Reason | null = color === 'green' ? null : color === 'yellow' ? 'color_yellow' : 'color_red'
    const flags = await fraudFlags(around, jti, { checkpointId: cp.id, at: scannedAt, lat: cp.lat, lon: cp.lon })
    const row: ScanRow = {
      id: input.id, personId: person.id, checkpointId: cp.id, actorId: actor.sub, source, kind,
      scannedAt, receivedAt, direction: input.direction ?? null, plate: input.plate ?? null,
      color, decision, reason, jti, offline, requestHash, flags: flags.length > 0 ? JSON.stringify(flags) : null
    }
    return { row, person, flags }
  }

  /** The answer to a known person's scan once its row is in the trail (counted and logged here). */
  function recorded ({ row, person, flags }: Known): ScanAnswer {
    const reason = row.reason as Reason | null
    scanSeries({ decision: row.decision, reason: reason ?? 'none', source: row.source }).inc()
    for (const flag of flags) fraudCount.inc({ flag })
    if (flags.length > 0) log.warn({ scanId: row.id, checkpointId: row.checkpointId, flags }, 'scan flagged')
    return {
      id: row.id, decision: row.decision as 'allow' | 'deny', color: row.color as ColorName, personId: person.id,
      displayName: maskedName(person.nameEnc),
      reason, recorded: true, duplicate: false, offline: row.offline === true, kind: row.kind as ScanKind, ...(flags.length > 0 ? { flags } : {})
    }
  }

  /** A known person's scan by the ES256 thread's verdict (or an ID card): judged, recorded once, answered after the commit. */
  async function recordKnown (actor: Session, cp: Checkpoint, input: { id: string, direction?: 'in' | 'out' | 'pass', plate?: string }, looked: Looked, how: How & { stop?: AbortSignal }): Promise<ScanAnswer> {
    const known = await judgedKnown(actor, cp, input, looked, how)
    how.stop?.throwIfAborted()
    const inserted = await writer.write({ kind: 'scan', row: known.row })
    if (!inserted) return (await previous(input.id, how.requestHash, how.source === 'id')) as ScanAnswer
    return recorded(known)
  }

  /**
   * POST /v1/scans/id: the person is found by the ID number the volunteer typed (people.findByIdNumber, audited as
   * identity.scan in the person's access log), then judged and recorded like a scan. An unknown or invalid number is
   * a deny (unknown_person) kept only in the security log, like a token that fails verification. The ID number itself
   * is stored nowhere and never logged: the request hash and the security event hold keyed MACs of it.
   */
  async function judgeId (actor: Session, input: IdScanInput): Promise<ScanAnswer> {
    const receivedAt = config.now()
    const cp = await checkScanner(actor, input.checkpointId)
    const idMac = pii.mac(`id-scan:${input.idNumber}`)
    const requestHash = sha256(JSON.stringify(['id', idMac, input.checkpointId, input.direction ?? null, input.plate ?? null]))
    // A retry gets the first answer without a second look-up (nor a second audit entry).
    const before = await previous(input.id, requestHash, true)
    if (before !== null) return before

    let found: Awaited<ReturnType<PeopleService['findByIdNumber']>>
    try {
      found = await people.findByIdNumber(actor, input.idNumber, `ID card at checkpoint ${cp.name} (${cp.id})`, 'identity.scan')
    } catch (err) {
      if (!(err instanceof InvalidIdNumber)) throw err
      found = undefined
    }
    if (found === undefined) {
      const inserted = await writer.write({
        kind: 'security',
        row: { id: input.id, at: receivedAt, checkpointId: cp.id, actorId: actor.sub, source: 'id', reason: 'unknown_person', requestHash, tokenHash: idMac, tokenLength: input.idNumber.length }
      })
      if (!inserted) return (await previous(input.id, requestHash, true)) as ScanAnswer
      scanSeries({ decision: 'deny', reason: 'unknown_person', source: 'id' }).inc()
      log.info({ scanId: input.id, checkpointId: cp.id, reason: 'unknown_person' }, 'scan refused')
      return { id: input.id, decision: 'deny', color: null, personId: null, displayName: null, reason: 'unknown_person', recorded: false, duplicate: false, offline: false, kind: 'id' }
    }
    const { person, entries, around } = await queries.lookup(found.id, receivedAt)
    if (person === undefined) throw new NotFound('idNumber: the person was removed while being looked up')
    return recordKnown(actor, cp, input, { person, entries, around }, { source: 'id', kind: 'id', jti: null, at: receivedAt, scannedAt: receivedAt, receivedAt, offline: false, requestHash })
  }

  return {
    /** Starts the scan thread (SQLite): a schema it cannot prepare its statements on stops the start. */
    ready: queries.ready,
    /** Waits for every queued write, then stops the scan thread. */
    async close (): Promise<void> { await writer.drain(); await queries.close() },
    judge,
    judgeBatch: async (actor: Session, items: unknown[]) => judgeBatch(judge, actor, items),
    judgeId,
    /** judge's checkpoint and assignment checks alone: the image path refuses with them before its costly decode. */
    checkScanner: async (actor: Session, checkpointId: string): Promise<void> => { await checkScanner(actor, checkpointId) },
    /** Records a row in the trail (a resident's check-in); resolves after the commit, false when its id was taken. */
    record: async (row: ScanRow): Promise<boolean> => writer.write({ kind: 'scan', row }),
    /** What is stored under a scan id: the scan, or whether a refused scan (a security event) holds it. */
    async stored (id: string): Promise<{ scan: StoredScan | undefined, refused: boolean }> {
      const scan = await queries.scanById(id)
      return { scan, refused: scan === undefined && (await queries.securityById(id)) !== undefined }
    },
    requestHash: requestHashOf,
    /** Retention: scans and refused scans older than the cutoff, a chunk of ids at a time. */
    oldScans: repo.oldScans,
    deleteScans: repo.deleteScans,
    oldSecurityEvents: repo.oldSecurityEvents,
    deleteSecurityEvents: repo.deleteSecurityEvents
  }
}
export type ScansService = ReturnType<typeof createScansService>

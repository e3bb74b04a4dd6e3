// Place codes (场所码, "scan, not show") and the residents' check-ins they lead to, recorded in the same trail as scans.
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../../config.ts'
import { Conflict, Forbidden, NotFound, ProfileRequired, Validation } from '../../errors.ts'
import { signCompact } from '../../lib/jws.ts'
import type { Keyring } from '../../lib/keyring.ts'
import type { AuditLog } from '../../plugins/audit.ts'
import type { Users } from '../../plugins/users.ts'
import { actorName, type Session } from '../../types.ts'
import type { Checkpoint, CheckpointsService } from '../checkpoints/index.ts'
import type { PeopleService } from '../people/index.ts'
import type { ScanRow, ScansService } from '../scans/index.ts'
import type { ColorName, StatusService } from '../status/index.ts'
import { placeCardSvg } from './place-card.ts'
import { PLACE_TYP, unverifiedCheckpointOf, verifyPlace } from './place-verifier.ts'

/**
 * A place code is printed and stuck on a wall, so it lives a year. It verifies against the keys the
 * JWKS publishes: after a key rotation the retired key stays there 28 days (the paper-code horizon),
 * so place codes must be reprinted within 28 days of a rotation. Reprinting is cheap; keeping retired
 * private-key material around for a year to spare it is not worth the exposure.
 */
export const PLACE_CODE_SECONDS = 365 * 24 * 3600

/** What a place code's QR holds: the check-in page's address with the token after '#' (never sent to a server by a browser). */
export const placeUrlOf = (publicUrl: string, token: string): string => `${publicUrl}/h5/checkin#${token}`

export interface CheckinInput { id: string, placeToken: string, direction?: 'in' | 'out' | 'pass' }
export interface CheckinAnswer {
  id: string
  decision: 'allow' | 'deny'
  color: ColorName
  reason: 'color_yellow' | 'color_red' | null
  checkpointId: string
  checkpointName: string
  at: string
  duplicate: boolean
}

const reasonOf = (color: ColorName): CheckinAnswer['reason'] => color === 'green' ? null : color === 'yellow' ? 'color_yellow' : 'color_red'

interface Deps {
  checkpoints: CheckpointsService
  people: PeopleService
  status: StatusService
  scans: ScansService
  users: Users
  audit: AuditLog
  keyring: Keyring
  config: Config
  log: FastifyBaseLogger
}

export function createPlacesService ({ checkpoints, people, status, scans, users, audit, keyring, config, log }: Deps) {
  /** The answer already given for this id, when it is this resident's check-in with the same token. */
  async function previous (actor: Session, id: string, requestHash: string): Promise<CheckinAnswer | null> {
    const { scan, refused } = await scans.stored(id)
    if (scan === undefined) {
      if (refused) throw new Conflict(`id: ${id} was already used for another request`)
      return null
    }
    if (scan.requestHash !== requestHash || scan.actorId !== actor.sub || scan.source !== 'checkin') throw new Conflict(`id: check-in ${id} was already recorded with another placeToken`)
    const cp = await checkpoints.get(scan.checkpointId)
    const color = scan.color as ColorName
    return {
      id, decision: scan.decision as 'allow' | 'deny', color, reason: reasonOf(color), checkpointId: scan.checkpointId,
      checkpointName: cp?.name ?? '', at: new Date(scan.scannedAt).toISOString(), duplicate: true
    }
  }

  /** Signs a place code for a checkpoint: admins for any, grid workers only for checkpoints in their grids. Audited. */
  async function placeCode (actor: Session, checkpointId: string, action: 'place_code.issue' | 'place_code.print'): Promise<{ token: string, url: string, expiresAt: number, checkpoint: Checkpoint }> {
    const cp = await checkpoints.get(checkpointId)
    if (cp === undefined) throw new NotFound(`id: no checkpoint ${checkpointId}`)
    if (actor.role === 'gridworker') {
      if (cp.gridId === null || !(await users.scope(actor.sub)).gridIds.has(cp.gridId)) throw new Forbidden(`id: checkpoint ${checkpointId} is not in one of your grids`)
    }
    const iat = Math.floor(config.now() / 1000)
    const exp = iat + PLACE_CODE_SECONDS
    const key = keyring.active
    // Member order is fixed: verifiers re-serialise and compare byte for byte.
    const token = await signCompact({ alg: 'ES256', kid: key.kid, typ: PLACE_TYP }, { iss: config.issuer, cp: cp.id, iat, exp }, key.privateKey)
    await audit.record({ actor: actorName(actor), role: actor.role, action, target: cp.id })
    return { token, url: placeUrlOf(config.publicUrl, token), expiresAt: exp * 1000, checkpoint: cp }
  }

  return {
    placeCode,

    /**
     * The printable card of a fresh place code (audited as place_code.print). Its QR holds the check-in page's URL with
     * the token, so that any phone camera opens the page; the page passes the token on, the server takes only the token.
     */
    async placeCard (actor: Session, checkpointId: string): Promise<string> {
      const code = await placeCode(actor, checkpointId, 'place_code.print')
      return placeCardSvg(code.url, code.checkpoint.name, code.checkpoint.kind, code.expiresAt, config.issuer)
    },

    /** A resident scanned a place code: judged by their colour now, recorded in their trail like a volunteer's scan. */
    async checkin (actor: Session, input: CheckinInput): Promise<CheckinAnswer> {
      const now = config.now()
      const person = await people.get(actor.sub)
      if (person === undefined || !people.hasProfile(person)) throw new ProfileRequired('profile: set your name and ID number first (PUT /v1/me/profile)')

      // Idempotency first: a retry of an answered check-in gets the first answer even if the code has expired since.
      const claimedCp = unverifiedCheckpointOf(input.placeToken)
      const requestHash = scans.requestHash(input.placeToken, claimedCp ?? '')
      const before = await previous(actor, input.id, requestHash)
      if (before !== null) return before

      const verified = await verifyPlace(input.placeToken, { keys: keyring.verifiers, issuer: config.issuer, skewSeconds: config.clockSkewSeconds, at: now })
      if (!verified.ok) {
        log.info({ checkinId: input.id, reason: verified.reason }, 'place token refused')
        throw new Validation(`body.placeToken: not a valid place code (${verified.reason})`)
      }
      const cp = await checkpoints.get(verified.claims.cp)
      if (cp === undefined) throw new NotFound(`body.placeToken: no checkpoint ${verified.claims.cp}`)

      const color = await status.colorOf(person.id, now)
      const decision = color === 'green' ? 'allow' : 'deny'
      const reason = reasonOf(color)
      const row: ScanRow = {
        id: input.id, personId: person.id, checkpointId: cp.id, actorId: person.id, source: 'checkin', kind: 'place',
        scannedAt: now, receivedAt: now, direction: input.direction ?? null, plate: null,
        color, decision, reason, jti: null, offline: false, requestHash, flags: null
      }
      // Answered only after the commit, like every scan.
      const inserted = await scans.record(row)
      if (!inserted) {
        const raced = await previous(actor, input.id, requestHash)
        if (raced === null) throw new Conflict(`id: ${input.id} was already used for another request`)
        return raced
      }
      return { id: input.id, decision, color, reason, checkpointId: cp.id, checkpointName: cp.name, at: new Date(now).toISOString(), duplicate: false }
    }
  }
}
export type PlacesService = ReturnType<typeof createPlacesService>

// Health-code tokens exactly as API.md defines them: compact JWS, ES256, typ gp-code+jwt, signed off the event loop;
// the paper cards issued, which the status list names by card id.
import QRCode from 'qrcode'
import type { Config } from '../../config.ts'
import type { Db, GridpassDb } from '../../db/index.ts'
import { NotFound, ProfileRequired } from '../../errors.ts'
import { CODE_TYP, COLOR_CLAIM } from '../../lib/code-verifier.ts'
import { cardIdOf } from '../../lib/code-format.ts'
import { randomId } from '../../lib/ids.ts'
import { signCompact } from '../../lib/jws.ts'
import type { Es256 } from '../../lib/es256-thread.ts'
import { PAPER_CODE_SECONDS, type Keyring } from '../../lib/keyring.ts'
import type { AuditLog } from '../../plugins/audit.ts'
import { actorName, type Session } from '../../types.ts'
import type { AreasService } from '../areas/index.ts'
import type { PeopleService } from '../people/index.ts'
import type { ColorName, StatusService } from '../status/index.ts'
import type { CodesRepository } from './codes.repository.ts'
import { paperCardSvg } from './paper-card.ts'

export interface IssuedCode { token: string, color: ColorName, issuedAt: number, expiresAt: number }

interface Deps { repo: CodesRepository, store: GridpassDb, people: PeopleService, status: StatusService, areas: AreasService, audit: AuditLog, keyring: Keyring, es256?: Es256, config: Config }

const PROFILE_REQUIRED = 'profile: set your name and ID number first (PUT /v1/me/profile)'

export function createCodesService ({ repo, store, people, status, areas, audit, keyring, es256, config }: Deps) {

  async function sign (personId: string, color: ColorName, kind: 'live' | 'paper'): Promise<IssuedCode & { jti: string }> {
    const iat = Math.floor(config.now() / 1000)
    const exp = iat + (kind === 'live' ? config.codeTtlSeconds : PAPER_CODE_SECONDS)
    const key = keyring.active
    const jti = randomId()
    // Member order is fixed: verifiers re-serialise and compare byte for byte.
    const token = await signCompact(
      { alg: 'ES256', kid: key.kid, typ: CODE_TYP },
      { iss: config.issuer, sub: personId, col: COLOR_CLAIM[color], knd: kind, iat, exp, jti },
      key.privateKey,
      es256
    )
    return { token, color, issuedAt: iat * 1000, expiresAt: exp * 1000, jti }
  }

  /** The person, if the caller reaches their grid (staff; a resident asks for themselves): else 404, out of reach audited. */
  async function personWithProfile (personId: string, staff?: { actor: Session, action: string }) {
    const person = await people.brief(personId)
    const unknown = `personId: no person ${personId}`
    if (person === undefined) throw new NotFound(unknown)
    if (staff !== undefined && !(await areas.seesGrid(staff.actor, person.gridId))) await areas.refuse(staff.actor, { action: staff.action, target: personId, message: unknown })
    if (!people.hasProfile(person)) throw new ProfileRequired(PROFILE_REQUIRED)
    return person
  }

  /**
   * What a live code needs: the person (with a profile) and the colour alone (no reasons decrypted). SQLite: both from
   * memory. PostgreSQL: both in one round trip.
   */
  async function liveInputs (personId: string): Promise<{ nameEnc: string | null, color: ColorName }> {
    if (repo.liveInputs === undefined) {
      const person = await personWithProfile(personId)
      return { nameEnc: person.nameEnc, color: await status.colorOf(personId, config.now()) }
    }
    const found = await repo.liveInputs(personId)
    if (found === undefined) throw new NotFound(`personId: no person ${personId}`)
    if (!people.hasProfile(found.person)) throw new ProfileRequired(PROFILE_REQUIRED)
    return { nameEnc: found.person.nameEnc, color: status.colorAt(found.entries, config.now()) }
  }

  /**
   * A 28-day code for someone without a phone; verifiers always take its colour from the server, offline scanners from
   * the status list, which names the card by its id: the card is recorded with the audit entry, before it is handed out.
   */
  async function paper (actor: Session, personId: string, action: 'paper_code.issue' | 'paper_code.print'): Promise<IssuedCode & { displayName: string | null, gridId: string | null }> {
    const person = await personWithProfile(personId, { actor, action })
    const color = await status.colorOf(personId, config.now())
    const { jti, ...code } = await sign(personId, color, 'paper')
    const cardId = await cardIdOf(jti)
    await store.tx(async (db) => {
      await repo.insertCard(db, { cardId, personId, issuedAt: code.issuedAt, expiresAt: code.expiresAt })
      await audit.append(db, { actor: actorName(actor), role: actor.role, action, target: personId })
    })
    return { ...code, displayName: people.maskedName(person.nameEnc), gridId: person.gridId }
  }

  return {
    /** A fresh live code, and whose it is, masked (张*): the page shows it under the colour, the QR never holds it. */
    async live (personId: string): Promise<IssuedCode & { displayName: string }> {
      const { nameEnc, color } = await liveInputs(personId)
      // A profile always has a name (checked above), so the masked form exists.
      return { ...await sign(personId, color, 'live'), displayName: people.maskedName(nameEnc) ?? '*' }
    },

    paper,

    /** The printable card of a fresh paper code, with the masked name and the grid (audited as paper_code.print). */
    async paperCard (actor: Session, personId: string): Promise<string> {
      const code = await paper(actor, personId, 'paper_code.print')
      const grid = code.gridId === null ? null : { id: code.gridId, name: (await areas.get(code.gridId))?.name ?? code.gridId }
      return paperCardSvg(code.token, code.displayName, code.expiresAt, config.issuer, grid)
    },

    /**
     * The paper cards of these people that a verifier still accepts at `at` (not past exp plus the clock-skew
     * tolerance): the status list's entries.
     */
    cardsOf: async (personIds: string[], at: number): Promise<Array<{ cardId: string, personId: string }>> =>
      repo.cardsOf(personIds, at - config.clockSkewSeconds * 1000),
    /** Retention: cards no verifier accepts any more at `at`, a chunk of ids at a time, and their delete. */
    expiredCards: async (at: number, limit: number): Promise<string[]> => repo.expiredCards(at - config.clockSkewSeconds * 1000, limit),
    deleteCards: async (db: Db, cardIds: string[], at: number): Promise<number> => repo.deleteCards(db, cardIds, at - config.clockSkewSeconds * 1000),

    /** Every public key that may still verify an unexpired code. */
    jwks: () => ({ keys: [...keyring.verifiers.values()].map((k) => k.publicJwk) }),

    qrSvg: async (token: string): Promise<string> => QRCode.toString(token, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 }),
    qrPng: async (token: string): Promise<Buffer> => QRCode.toBuffer(token, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 6 })
  }
}
export type CodesService = ReturnType<typeof createCodesService>

// Health-code tokens exactly as API.md defines them: compact JWS, ES256, typ gp-code+jwt, signed off the event loop.
import type { FastifyInstance } from 'fastify'
import QRCode from 'qrcode'
import { Forbidden, NotFound, ProfileRequired } from '../../errors.ts'
import { randomId } from '../../lib/ids.ts'
import { signCompact } from '../../lib/jws.ts'
import { PAPER_CODE_SECONDS } from '../../lib/keyring.ts'
import { maskName } from '../../lib/mask.ts'
import { actorName, type Session } from '../../types.ts'
import { createAuthService } from '../auth/auth.service.ts'
import { createPeopleRepository } from '../people/people.repository.ts'
import { createStatusService } from '../status/status.service.ts'
import type { ColorName } from '../status/status.rules.ts'

export const COLOR_CLAIM: Record<ColorName, 'g' | 'y' | 'r'> = { green: 'g', yellow: 'y', red: 'r' }
export const CODE_TYP = 'gp-code+jwt'

export interface IssuedCode { token: string, color: ColorName, issuedAt: number, expiresAt: number }

export function createCodesService (app: FastifyInstance) {
  const { store, keyring, config, audit, pii } = app
  const people = createPeopleRepository({ store })
  const status = createStatusService(app)
  const auth = createAuthService(app)

  async function sign (personId: string, color: ColorName, kind: 'live' | 'paper'): Promise<IssuedCode> {
    const iat = Math.floor(config.now() / 1000)
    const exp = iat + (kind === 'live' ? config.codeTtlSeconds : PAPER_CODE_SECONDS)
    const key = keyring.active
    // Member order is fixed: verifiers re-serialise and compare byte for byte.
    const token = await signCompact(
      { alg: 'ES256', kid: key.kid, typ: CODE_TYP },
      { iss: config.issuer, sub: personId, col: COLOR_CLAIM[color], knd: kind, iat, exp, jti: randomId() },
      key.privateKey
    )
    return { token, color, issuedAt: iat * 1000, expiresAt: exp * 1000 }
  }

  async function personWithProfile (personId: string) {
    const person = await people.byId(store.db, personId)
    if (person === undefined) throw new NotFound(`personId: no person ${personId}`)
    if (person.nameEnc === null || person.idNumberEnc === null) throw new ProfileRequired('profile: set your name and ID number first (PUT /v1/me/profile)')
    return person
  }

  async function checkScope (actor: Session, gridId: string | null): Promise<void> {
    if (actor.role !== 'gridworker') return
    const scope = await auth.userScope(actor.sub)
    if (scope === undefined || gridId === null || !scope.gridIds.includes(gridId)) throw new Forbidden('personId: this person is not in one of your grids')
  }

  return {
    async live (personId: string): Promise<IssuedCode> {
      await personWithProfile(personId)
      const { color } = await status.evaluate(personId)
      return sign(personId, color, 'live')
    },

    /** A 28-day code for someone without a phone; verifiers always take its colour from the server. */
    async paper (actor: Session, personId: string, action: 'paper_code.issue' | 'paper_code.print'): Promise<IssuedCode & { displayName: string | null }> {
      const person = await personWithProfile(personId)
      await checkScope(actor, person.gridId)
      const { color } = await status.evaluate(personId)
      const code = await sign(personId, color, 'paper')
      await audit.record({ actor: actorName(actor), role: actor.role, action, target: personId })
      return { ...code, displayName: maskName(pii.decrypt(person.nameEnc as string)) }
    },

    qrSvg: async (token: string): Promise<string> => QRCode.toString(token, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 }),
    qrPng: async (token: string): Promise<Buffer> => QRCode.toBuffer(token, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 6 })
  }
}

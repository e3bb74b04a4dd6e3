// Verifies a place-code token (场所码): the same canonical pre-check as health codes, then ES256, then exactly its claims.
import { verifyEs256 } from '../../lib/jws.ts'
import { precheck, type VerifyOptions } from '../../lib/code-verifier.ts'

export const PLACE_TYP = 'gp-place+jwt'

export interface PlaceClaims { iss: string, cp: string, iat: number, exp: number }
export type PlaceReason = 'malformed' | 'alg_not_allowed' | 'unknown_key' | 'bad_signature' | 'wrong_type' | 'wrong_issuer' | 'expired' | 'not_yet_valid'
export type PlaceVerified = { ok: true, claims: PlaceClaims, kid: string } | { ok: false, reason: PlaceReason }

const HEADER_KEYS = ['alg', 'kid', 'typ']
const CLAIM_KEYS = ['iss', 'cp', 'iat', 'exp']
const exactly = (o: Record<string, unknown>, keys: string[]): boolean => {
  const have = Object.keys(o)
  return have.length === keys.length && keys.every((k) => have.includes(k))
}

/** Only what decides, never personal data: the claim `cp` is read before the signature only to key idempotency. */
export function unverifiedCheckpointOf (token: string): string | null {
  const split = precheck(token)
  return split !== null && typeof split.payload.cp === 'string' ? split.payload.cp : null
}

export async function verifyPlace (token: string, opts: Omit<VerifyOptions, 'typ'>): Promise<PlaceVerified> {
  const split = precheck(token)
  if (split === null) return { ok: false, reason: 'malformed' }
  const { header, payload } = split
  // Only alg, kid and typ in the header: an embedded jwk, jku, x5u, crit or b64 is refused.
  if (header.alg !== 'ES256') return { ok: false, reason: typeof header.alg === 'string' ? 'alg_not_allowed' : 'malformed' }
  if (!exactly(header, HEADER_KEYS) || typeof header.kid !== 'string' || typeof header.typ !== 'string') return { ok: false, reason: 'malformed' }
  // A health code (sub, col, knd, jti) has other members: it fails here or, signed as it is, at typ below.
  if (!exactly(payload, CLAIM_KEYS)) return { ok: false, reason: header.typ === PLACE_TYP ? 'malformed' : 'wrong_type' }
  const { iss, cp, iat, exp } = payload
  if (typeof iss !== 'string' || typeof cp !== 'string' || cp.length === 0 || cp.length > 64) return { ok: false, reason: 'malformed' }
  if (!Number.isSafeInteger(iat) || !Number.isSafeInteger(exp) || (exp as number) <= (iat as number)) return { ok: false, reason: 'malformed' }
  const key = opts.keys.get(header.kid)
  if (key === undefined) return { ok: false, reason: 'unknown_key' }
  if (!(await verifyEs256(split.signingInput, split.signature, key.publicKey))) return { ok: false, reason: 'bad_signature' }
  if (header.typ !== PLACE_TYP) return { ok: false, reason: 'wrong_type' }
  if (iss !== opts.issuer) return { ok: false, reason: 'wrong_issuer' }
  const at = Math.floor(opts.at / 1000)
  if ((iat as number) > at + opts.skewSeconds) return { ok: false, reason: 'not_yet_valid' }
  if ((exp as number) + opts.skewSeconds <= at) return { ok: false, reason: 'expired' }
  return { ok: true, claims: { iss, cp, iat: iat as number, exp: exp as number }, kid: header.kid }
}

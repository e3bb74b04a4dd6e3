// Verifies a place-code token (场所码): the same canonical pre-check as health codes, then ES256, then exactly its claims.
import { verifyEs256 } from '../../lib/jws.ts'
import { precheck, type VerifyOptions } from '../../lib/code-verifier.ts'
import { PLACE_TYP, checkAfterSignature, checkHeader, hasExactly } from '../../lib/code-format.ts'

export { PLACE_TYP }

export interface PlaceClaims { iss: string, cp: string, iat: number, exp: number }
export type PlaceReason = 'malformed' | 'alg_not_allowed' | 'unknown_key' | 'bad_signature' | 'wrong_type' | 'wrong_issuer' | 'expired' | 'not_yet_valid'
export type PlaceVerified = { ok: true, claims: PlaceClaims, kid: string } | { ok: false, reason: PlaceReason }

const CLAIM_KEYS = ['iss', 'cp', 'iat', 'exp']

/** Only what decides, never personal data: the claim `cp` is read before the signature only to key idempotency. */
export function unverifiedCheckpointOf (token: string): string | null {
  const split = precheck(token)
  return split !== null && typeof split.payload.cp === 'string' ? split.payload.cp : null
}

export async function verifyPlace (token: string, opts: Omit<VerifyOptions, 'typ'>): Promise<PlaceVerified> {
  const split = precheck(token)
  if (split === null) return { ok: false, reason: 'malformed' }
  const { payload } = split
  const header = checkHeader(split.header)
  if ('reason' in header) return { ok: false, reason: header.reason }
  // A health code (sub, col, knd, jti) has other members: it fails here or, signed as it is, at typ below.
  if (!hasExactly(payload, CLAIM_KEYS)) return { ok: false, reason: header.typ === PLACE_TYP ? 'malformed' : 'wrong_type' }
  const { iss, cp, iat, exp } = payload
  if (typeof iss !== 'string' || typeof cp !== 'string' || cp.length === 0 || cp.length > 64) return { ok: false, reason: 'malformed' }
  if (!Number.isSafeInteger(iat) || !Number.isSafeInteger(exp) || (exp as number) <= (iat as number)) return { ok: false, reason: 'malformed' }
  const key = opts.keys.get(header.kid)
  if (key === undefined) return { ok: false, reason: 'unknown_key' }
  if (!(await verifyEs256(Buffer.from(split.signingInput), split.signature, key.publicKey))) return { ok: false, reason: 'bad_signature' }
  const claims = { iss, cp, iat: iat as number, exp: exp as number }
  const refusal = checkAfterSignature(header.typ, claims, { ...opts, typ: PLACE_TYP })
  if (refusal !== null) return { ok: false, reason: refusal }
  return { ok: true, claims, kid: header.kid }
}

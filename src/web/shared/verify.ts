// The scanner's own verifier: src/lib/code-format.ts (the very checks the server makes) with ES256 through WebCrypto
// against the cached public key set, so a code is judged with no network as the server would judge it.
import {
  CODE_TYP, PLACE_TYP, STATUS_LIST_TYP, cardIdOf, checkAfterSignature, checkHeader, claimsOf, hasExactly, precheck,
  type CodeClaims, type DenyReason
} from '../../lib/code-format.ts'

export interface PublicJwk { kty: string, crv: string, x: string, y: string, kid: string, alg?: string, use?: string }
export type KeySet = Map<string, CryptoKey>

const encoder = new TextEncoder()

export async function importKeySet (keys: PublicJwk[]): Promise<KeySet> {
  const set: KeySet = new Map()
  for (const jwk of keys) {
    if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.kid !== 'string') continue
    const key = await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, ext: true }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify'])
    set.set(jwk.kid, key)
  }
  return set
}

/** An r||s (IEEE P1363) ES256 signature over `input`; never throws for a bad one. */
export async function verifyEs256 (input: Uint8Array, signature: Uint8Array, key: CryptoKey): Promise<boolean> {
  if (signature.length !== 64) return false
  try {
    return await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, signature as Uint8Array<ArrayBuffer>, input as Uint8Array<ArrayBuffer>)
  } catch {
    return false
  }
}

export type LocalVerdict = { ok: true, claims: CodeClaims, kid: string } | { ok: false, reason: DenyReason }

export interface LocalOptions { keys: KeySet, issuer: string, skewSeconds: number, at: number }

/** A health code exactly as the server's openCode checks it: same pre-check, same order of refusals. */
export async function verifyCodeLocally (token: string, opts: LocalOptions): Promise<LocalVerdict> {
  const split = precheck(token)
  if (split === null) return { ok: false, reason: 'malformed' }
  const header = checkHeader(split.header)
  if ('reason' in header) return { ok: false, reason: header.reason }
  const claims = claimsOf(split.payload)
  if (claims === null) return { ok: false, reason: 'malformed' }
  const key = opts.keys.get(header.kid)
  if (key === undefined) return { ok: false, reason: 'unknown_key' }
  if (!(await verifyEs256(encoder.encode(split.signingInput), split.signature, key))) return { ok: false, reason: 'bad_signature' }
  const refusal = checkAfterSignature(header.typ, claims, { issuer: opts.issuer, typ: CODE_TYP, skewSeconds: opts.skewSeconds, at: opts.at })
  return refusal === null ? { ok: true, claims, kid: header.kid } : { ok: false, reason: refusal }
}

export interface StatusListPayload { iss: string, iat: number, exp: number, paper: Record<string, 'y' | 'r'> }

/** The signed status list, or null when its signature, type or shape is not right. */
export async function verifyStatusList (token: string, keys: KeySet): Promise<StatusListPayload | null> {
  const split = precheck(token)
  if (split === null) return null
  const header = checkHeader(split.header)
  if ('reason' in header || header.typ !== STATUS_LIST_TYP) return null
  const key = keys.get(header.kid)
  if (key === undefined || !(await verifyEs256(encoder.encode(split.signingInput), split.signature, key))) return null
  const p = split.payload
  if (!hasExactly(p, ['iss', 'iat', 'exp', 'paper']) || typeof p.iss !== 'string' || !Number.isSafeInteger(p.iat) || !Number.isSafeInteger(p.exp)) return null
  if (p.paper === null || typeof p.paper !== 'object' || Array.isArray(p.paper)) return null
  for (const v of Object.values(p.paper)) if (v !== 'y' && v !== 'r') return null
  return p as unknown as StatusListPayload
}

export type Classified =
  | { kind: 'code', token: string }
  | { kind: 'place' }
  | { kind: 'other' }

/**
 * What a QR holds, before any judgement: a gridpass health code (queued and judged, even when forged or expired),
 * a place code (a volunteer scanned the wrong thing), or something else entirely (a URL, a payment code).
 */
export function classify (text: string): Classified {
  const trimmed = text.trim()
  if (/\/h5\/checkin#/.test(trimmed)) return { kind: 'place' }
  const split = precheck(trimmed)
  if (split === null) return { kind: 'other' }
  if (split.header.typ === PLACE_TYP) return { kind: 'place' }
  // A canonical JWS whose payload has the health code's members is ours to judge, whatever its signature says.
  if (split.header.typ === CODE_TYP || claimsOf(split.payload) !== null) return { kind: 'code', token: trimmed }
  return { kind: 'other' }
}

/** The place token of a check-in URL's fragment, or of a bare token; null for anything else (a bad %-escape too). */
export function placeTokenOf (text: string): string | null {
  const trimmed = text.trim()
  const raw = /\/h5\/checkin#/.test(trimmed) ? trimmed.slice(trimmed.indexOf('#') + 1) : trimmed
  let token: string
  try { token = decodeURIComponent(raw) } catch { return null }
  const split = precheck(token)
  return split !== null && split.header.typ === PLACE_TYP ? token : null
}

export type Colour = 'green' | 'yellow' | 'red'
const COLOUR: Record<'g' | 'y' | 'r', Colour> = { g: 'green', y: 'yellow', r: 'red' }

export interface OfflineJudgement {
  decision: 'allow' | 'deny'
  color: Colour | null
  reason: DenyReason | 'color_yellow' | 'color_red' | null
  kind: 'live' | 'paper' | null
  /** Whether the colour came from the status list (paper) or the code itself (live). */
  colourFrom: 'code' | 'list' | null
}

/**
 * The offline verdict: a live code by its own signed colour (it is at most one code lifetime old), a paper code by
 * the signed status list (not listed: green), exactly as API.md tells offline scanners to judge.
 */
export async function judgeOffline (verdict: LocalVerdict, list: StatusListPayload | null): Promise<OfflineJudgement> {
  if (!verdict.ok) return { decision: 'deny', color: null, reason: verdict.reason, kind: null, colourFrom: null }
  const { claims } = verdict
  let col: 'g' | 'y' | 'r' = claims.col
  let colourFrom: OfflineJudgement['colourFrom'] = 'code'
  if (claims.knd === 'paper') {
    col = list?.paper[await cardIdOf(claims.jti)] ?? 'g'
    colourFrom = 'list'
  }
  const color = COLOUR[col]
  if (color === 'green') return { decision: 'allow', color, reason: null, kind: claims.knd, colourFrom }
  return { decision: 'deny', color, reason: color === 'yellow' ? 'color_yellow' : 'color_red', kind: claims.knd, colourFrom }
}

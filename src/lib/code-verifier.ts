// The health-code token format (shared/API.md) and its verifier: a strict canonical pre-check before any crypto, then
// ES256, then the claims. The same pre-check serves place codes.
import { isUtf8 } from 'node:buffer'
import type { KeyObject } from 'node:crypto'
import { verifyEs256 } from './jws.ts'

/** The `typ` of a health code's protected header. */
export const CODE_TYP = 'gp-code+jwt'
/** A colour as the token's `col` claim carries it. */
export const COLOR_CLAIM = { green: 'g', yellow: 'y', red: 'r' } as const
export const MAX_TOKEN_BYTES = 1024
export type DenyReason = 'malformed' | 'alg_not_allowed' | 'unknown_key' | 'bad_signature' | 'wrong_type' | 'wrong_issuer' | 'expired' | 'not_yet_valid'

export interface CodeClaims { iss: string, sub: string, col: 'g' | 'y' | 'r', knd: 'live' | 'paper', iat: number, exp: number, jti: string }
export type Verified = { ok: true, claims: CodeClaims, kid: string } | { ok: false, reason: DenyReason }

const B64URL = /^[A-Za-z0-9_-]+$/
const HEADER_KEYS = ['alg', 'kid', 'typ']
const CLAIM_KEYS = ['iss', 'sub', 'col', 'knd', 'iat', 'exp', 'jti']

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const SEXTET = new Map([...ALPHABET].map((c, i) => [c.charCodeAt(0), i]))

/**
 * Decodes one segment only when it is canonical base64url, i.e. re-encoding the bytes would give the same text:
 * the alphabet only, no padding, a length that is not 1 more than a multiple of 4, and the bits of the last character
 * that carry no data all zero (4 of them after 2 characters of a group, 2 after 3). Checked without re-encoding.
 */
export function canonicalSegment (segment: string): Buffer | null {
  const rem = segment.length % 4
  if (segment.length === 0 || rem === 1 || !B64URL.test(segment)) return null
  if (rem !== 0 && ((SEXTET.get(segment.charCodeAt(segment.length - 1)) as number) & (rem === 2 ? 0x0f : 0x03)) !== 0) return null
  return Buffer.from(segment, 'base64url')
}

/** Parses a JSON object whose text is byte-identical to its own re-serialisation (no whitespace, no duplicate members). */
export function canonicalJson (bytes: Buffer): Record<string, unknown> | null {
  // Valid UTF-8 only: a decoder would silently replace anything else, so the text would not be these bytes.
  if (!isUtf8(bytes)) return null
  const text = bytes.toString('utf8')
  let value: unknown
  try { value = JSON.parse(text) } catch { return null }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null
  return JSON.stringify(value) === text ? value as Record<string, unknown> : null
}

export interface SplitToken { header: Record<string, unknown>, payload: Record<string, unknown>, signingInput: Buffer, signature: Buffer }

/** Everything that can be checked without a key. */
export function precheck (token: string): SplitToken | null {
  if (typeof token !== 'string' || Buffer.byteLength(token) > MAX_TOKEN_BYTES) return null
  const parts = token.split('.')
  if (parts.length !== 3) return null
  const [h, p, s] = parts as [string, string, string]
  const headerBytes = canonicalSegment(h)
  const payloadBytes = canonicalSegment(p)
  // An empty signature is the canonical encoding of zero bytes (an unsecured "alg":"none" JWS ends in '.'):
  // the header then names the refusal (alg_not_allowed), and verifyEs256 refuses anything but 64 bytes.
  const signature = s === '' ? Buffer.alloc(0) : canonicalSegment(s)
  if (headerBytes === null || payloadBytes === null || signature === null) return null
  const header = canonicalJson(headerBytes)
  const payload = canonicalJson(payloadBytes)
  if (header === null || payload === null) return null
  return { header, payload, signingInput: Buffer.from(`${h}.${p}`), signature }
}

function claimsOf (payload: Record<string, unknown>): CodeClaims | null {
  const keys = Object.keys(payload)
  if (keys.length !== CLAIM_KEYS.length || !CLAIM_KEYS.every((k) => keys.includes(k))) return null
  const { iss, sub, col, knd, iat, exp, jti } = payload
  if (typeof iss !== 'string' || typeof sub !== 'string' || !/^[A-Za-z0-9_-]{16,64}$/.test(sub)) return null
  if (col !== 'g' && col !== 'y' && col !== 'r') return null
  if (knd !== 'live' && knd !== 'paper') return null
  if (!Number.isSafeInteger(iat) || !Number.isSafeInteger(exp) || (exp as number) <= (iat as number)) return null
  if (typeof jti !== 'string' || jti.length < 12 || jti.length > 64) return null
  return { iss, sub, col, knd, iat: iat as number, exp: exp as number, jti }
}

export interface VerifyOptions {
  keys: Map<string, { publicKey: KeyObject }>
  issuer: string
  typ: string
  skewSeconds: number
  /** Milliseconds: now for online scans, the scan time for offline ones. */
  at: number
}

type Refused = Extract<Verified, { ok: false }>

/**
 * A code after the checks that need no key. When it passed them, `unverified` holds the claims as the token states
 * them and `verified` the signature check under way. Those claims are NOT verified: they are only for work that is
 * thrown away unless `verified` says ok (the scan path reads the person meanwhile, so the two waits overlap).
 */
export type OpenedCode = { unverified: null, verified: Promise<Refused> } | { unverified: CodeClaims, verified: Promise<Verified> }

export function openCode (token: string, opts: VerifyOptions): OpenedCode {
  const refused = (reason: DenyReason): OpenedCode => ({ unverified: null, verified: Promise.resolve({ ok: false, reason }) })
  const split = precheck(token)
  if (split === null) return refused('malformed')
  const { header, payload } = split
  const headerKeys = Object.keys(header)
  // Only alg, kid and typ: an embedded jwk, a jku or x5u, crit or b64 are refused outright.
  if (header.alg !== 'ES256') return refused(typeof header.alg === 'string' ? 'alg_not_allowed' : 'malformed')
  if (headerKeys.length !== HEADER_KEYS.length || !HEADER_KEYS.every((k) => headerKeys.includes(k)) || typeof header.kid !== 'string' || typeof header.typ !== 'string') return refused('malformed')
  const claims = claimsOf(payload)
  if (claims === null) return refused('malformed')
  const key = opts.keys.get(header.kid)
  if (key === undefined) return refused('unknown_key')
  const { kid, typ } = header
  const verified = verifyEs256(split.signingInput, split.signature, key.publicKey).then((ok): Verified => {
    if (!ok) return { ok: false, reason: 'bad_signature' }
    if (typ !== opts.typ) return { ok: false, reason: 'wrong_type' }
    if (claims.iss !== opts.issuer) return { ok: false, reason: 'wrong_issuer' }
    const at = Math.floor(opts.at / 1000)
    if (claims.iat > at + opts.skewSeconds) return { ok: false, reason: 'not_yet_valid' }
    if (claims.exp + opts.skewSeconds <= at) return { ok: false, reason: 'expired' }
    return { ok: true, claims, kid }
  })
  return { unverified: claims, verified }
}

export async function verifyCode (token: string, opts: VerifyOptions): Promise<Verified> {
  return await openCode(token, opts).verified
}

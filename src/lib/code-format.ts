// The signed token formats of shared/API.md (health code, place code, status list) and every check that needs no key,
// in plain TypeScript with no Node import: the server and the scanner page run this same file.

/** The `typ` of a health code's protected header. */
export const CODE_TYP = 'gp-code+jwt'
/** The `typ` of a place code (场所码). */
export const PLACE_TYP = 'gp-place+jwt'
/** The `typ` of the signed status list. */
export const STATUS_LIST_TYP = 'gp-status+jwt'
/** A colour as the token's `col` claim carries it. */
export const COLOR_CLAIM = { green: 'g', yellow: 'y', red: 'r' } as const
export const MAX_TOKEN_BYTES = 1024
export type DenyReason = 'malformed' | 'alg_not_allowed' | 'unknown_key' | 'bad_signature' | 'wrong_type' | 'wrong_issuer' | 'expired' | 'not_yet_valid'

export interface CodeClaims { iss: string, sub: string, col: 'g' | 'y' | 'r', knd: 'live' | 'paper', iat: number, exp: number, jti: string }

/** How a platform turns base64url text into bytes and bytes into UTF-8 text; the default is plain JS (the browser). */
export interface Codec {
  /** Bytes of a segment already known to be canonical base64url. */
  b64: (segment: string) => Uint8Array
  /** The text of UTF-8 bytes, or null when they are not valid UTF-8. */
  utf8: (bytes: Uint8Array) => string | null
  /** Length in bytes of the UTF-8 encoding of a string. */
  byteLength: (text: string) => number
}

const B64URL = /^[A-Za-z0-9_-]+$/
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const SEXTET = new Int8Array(128).fill(-1)
for (let i = 0; i < ALPHABET.length; i++) SEXTET[ALPHABET.charCodeAt(i)] = i

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const utf8Encoder = new TextEncoder()

export const jsCodec: Codec = {
  b64 (segment) {
    const out = new Uint8Array(Math.floor(segment.length * 3 / 4))
    let bits = 0; let acc = 0; let o = 0
    for (let i = 0; i < segment.length; i++) {
      acc = (acc << 6) | SEXTET[segment.charCodeAt(i)]!
      bits += 6
      if (bits >= 8) { bits -= 8; out[o++] = (acc >> bits) & 0xff }
    }
    return out
  },
  utf8 (bytes) { try { return fatalUtf8.decode(bytes) } catch { return null } },
  byteLength: (text) => utf8Encoder.encode(text).length
}

export function base64url (bytes: Uint8Array): string {
  let out = ''
  let i = 0
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!
  }
  if (i < bytes.length) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8)
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]!
    if (i + 1 < bytes.length) out += ALPHABET[(n >> 6) & 63]!
  }
  return out
}

/**
 * Decodes one segment only when it is canonical base64url, i.e. re-encoding the bytes would give the same text:
 * the alphabet only, no padding, a length that is not 1 more than a multiple of 4, and the bits of the last character
 * that carry no data all zero (4 of them after 2 characters of a group, 2 after 3). Checked without re-encoding.
 */
export function canonicalSegment (segment: string, codec: Codec = jsCodec): Uint8Array | null {
  const rem = segment.length % 4
  if (segment.length === 0 || rem === 1 || !B64URL.test(segment)) return null
  if (rem !== 0 && (SEXTET[segment.charCodeAt(segment.length - 1)]! & (rem === 2 ? 0x0f : 0x03)) !== 0) return null
  return codec.b64(segment)
}

/** Parses a JSON object whose text is byte-identical to its own re-serialisation (no whitespace, no duplicate members). */
export function canonicalJson (bytes: Uint8Array, codec: Codec = jsCodec): Record<string, unknown> | null {
  // Valid UTF-8 only: a decoder would silently replace anything else, so the text would not be these bytes.
  const text = codec.utf8(bytes)
  if (text === null) return null
  let value: unknown
  try { value = JSON.parse(text) } catch { return null }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null
  return JSON.stringify(value) === text ? value as Record<string, unknown> : null
}

export interface SplitToken { header: Record<string, unknown>, payload: Record<string, unknown>, signingInput: string, signature: Uint8Array }

// A header segment is the same in every token of a key and kind: each distinct one is decoded and checked once, kept
// frozen (read, never changed) up to HEADERS_KEPT of them. Only canonical ones are kept; others are decoded each time.
const HEADERS_KEPT = 32
const headers = new Map<string, Readonly<Record<string, unknown>>>()
function canonicalHeader (segment: string, codec: Codec): Record<string, unknown> | null {
  const known = headers.get(segment)
  if (known !== undefined) return known
  const bytes = canonicalSegment(segment, codec)
  const header = bytes === null ? null : canonicalJson(bytes, codec)
  if (header !== null && headers.size < HEADERS_KEPT) headers.set(segment, Object.freeze(header))
  return header
}

/** Everything that can be checked without a key: three canonical segments, each of the first two a canonical JSON object. */
export function precheck (token: string, codec: Codec = jsCodec): SplitToken | null {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_BYTES || codec.byteLength(token) > MAX_TOKEN_BYTES) return null
  const parts = token.split('.')
  if (parts.length !== 3) return null
  const [h, p, s] = parts as [string, string, string]
  const payloadBytes = canonicalSegment(p, codec)
  // An empty signature is the canonical encoding of zero bytes (an unsecured "alg":"none" JWS ends in '.'):
  // the header then names the refusal (alg_not_allowed), and the ES256 check refuses anything but 64 bytes.
  const signature = s === '' ? new Uint8Array(0) : canonicalSegment(s, codec)
  if (payloadBytes === null || signature === null) return null
  const header = canonicalHeader(h, codec)
  const payload = header === null ? null : canonicalJson(payloadBytes, codec)
  if (header === null || payload === null) return null
  return { header, payload, signingInput: `${h}.${p}`, signature }
}

const HEADER_KEYS = ['alg', 'kid', 'typ']
const CLAIM_KEYS = ['iss', 'sub', 'col', 'knd', 'iat', 'exp', 'jti']

export function hasExactly (o: Record<string, unknown>, keys: readonly string[]): boolean {
  const have = Object.keys(o)
  return have.length === keys.length && keys.every((k) => have.includes(k))
}

/** The header of any of our tokens: exactly alg ES256, kid and typ. An embedded jwk, a jku or x5u, crit or b64 is refused. */
export function checkHeader (header: Record<string, unknown>): { kid: string, typ: string } | { reason: 'alg_not_allowed' | 'malformed' } {
  if (header.alg !== 'ES256') return { reason: typeof header.alg === 'string' ? 'alg_not_allowed' : 'malformed' }
  if (!hasExactly(header, HEADER_KEYS) || typeof header.kid !== 'string' || typeof header.typ !== 'string') return { reason: 'malformed' }
  return { kid: header.kid, typ: header.typ }
}

/** The claims of a health code, exactly these members of exactly these types, or null. */
export function claimsOf (payload: Record<string, unknown>): CodeClaims | null {
  if (!hasExactly(payload, CLAIM_KEYS)) return null
  const { iss, sub, col, knd, iat, exp, jti } = payload
  if (typeof iss !== 'string' || typeof sub !== 'string' || !/^[A-Za-z0-9_-]{16,64}$/.test(sub)) return null
  if (col !== 'g' && col !== 'y' && col !== 'r') return null
  if (knd !== 'live' && knd !== 'paper') return null
  if (!Number.isSafeInteger(iat) || !Number.isSafeInteger(exp) || (exp as number) <= (iat as number)) return null
  if (typeof jti !== 'string' || jti.length < 12 || jti.length > 64) return null
  return { iss, sub, col, knd, iat: iat as number, exp: exp as number, jti }
}

export interface ClaimChecks {
  issuer: string
  typ: string
  skewSeconds: number
  /** Milliseconds: now for online scans, the scan time for offline ones. */
  at: number
}

/** The checks made after the signature verified, in the order the server reports them. */
export function checkAfterSignature (typ: string, claims: { iss: string, iat: number, exp: number }, opts: ClaimChecks): DenyReason | null {
  if (typ !== opts.typ) return 'wrong_type'
  if (claims.iss !== opts.issuer) return 'wrong_issuer'
  const at = Math.floor(opts.at / 1000)
  if (claims.iat > at + opts.skewSeconds) return 'not_yet_valid'
  if (claims.exp + opts.skewSeconds <= at) return 'expired'
  return null
}

/**
 * A paper card's id in the status list: base64url of the first 12 bytes of SHA-256 of its `jti`
 * (API.md). It names no person, and only someone holding the card can compute it.
 */
export async function cardIdOf (jti: string): Promise<string> {
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', utf8Encoder.encode(jti)))
  return base64url(digest.subarray(0, 12))
}

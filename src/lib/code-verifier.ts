// The health-code token format (shared/API.md) and its verifier: a strict canonical pre-check before any crypto, then
// ES256, then the claims. The same pre-check serves place codes.
import { isUtf8 } from 'node:buffer'
import type { KeyObject } from 'node:crypto'
import { poolEs256, type Es256 } from './es256-thread.ts'
import {
  checkAfterSignature, checkHeader, claimsOf, precheck as precheckWith,
  type Codec, type CodeClaims, type DenyReason, type SplitToken
} from './code-format.ts'

export { CODE_TYP, COLOR_CLAIM, MAX_TOKEN_BYTES, canonicalJson, canonicalSegment } from './code-format.ts'
export type { CodeClaims, DenyReason, SplitToken } from './code-format.ts'
export type Verified = { ok: true, claims: CodeClaims, kid: string } | { ok: false, reason: DenyReason }

/** Node's native base64url and UTF-8 (the scan hot path); the checks themselves are code-format's, shared with the pages. */
export const nodeCodec: Codec = {
  b64: (segment) => Buffer.from(segment, 'base64url'),
  utf8: (bytes) => isUtf8(bytes) ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8') : null,
  byteLength: (text) => Buffer.byteLength(text)
}

/** Everything that can be checked without a key. */
export const precheck = (token: string): SplitToken | null => precheckWith(token, nodeCodec)

export interface VerifyOptions {
  keys: Map<string, { publicKey: KeyObject }>
  issuer: string
  typ: string
  skewSeconds: number
  /** Milliseconds: now for online scans, the scan time for offline ones. */
  at: number
  /** Where the signature is checked (default: libuv's pool; the scan path passes the service's ES256 thread). */
  es256?: Es256
}

type Refused = Extract<Verified, { ok: false }>

/**
 * A code after the checks that need no key. When it passed them, `unverified` holds the claims as the token states
 * them and `verified` the signature check under way. Those claims are NOT verified: they are only for work that is
 * thrown away unless `verified` says ok (the scan path reads the person meanwhile, so the two waits overlap).
 */
export type OpenedCode = { unverified: null, verified: Promise<Refused> } | { unverified: CodeClaims, verified: Promise<Verified> }

/**
 * A code after every check that needs no signature, with what the signature check needs: `after` is what its claims
 * fail (expired, another issuer…) once the signature holds, null when nothing. A bad signature outranks `after`.
 */
export type PreparedCode = { reason: DenyReason } | {
  claims: CodeClaims
  kid: string
  signingInput: string
  signature: Uint8Array
  publicKey: KeyObject
  after: DenyReason | null
}

export function prepareCode (token: string, opts: Omit<VerifyOptions, 'es256'>): PreparedCode {
  const split = precheck(token)
  if (split === null) return { reason: 'malformed' }
  const header = checkHeader(split.header)
  if ('reason' in header) return { reason: header.reason }
  const claims = claimsOf(split.payload)
  if (claims === null) return { reason: 'malformed' }
  const key = opts.keys.get(header.kid)
  if (key === undefined) return { reason: 'unknown_key' }
  return { claims, kid: header.kid, signingInput: split.signingInput, signature: split.signature, publicKey: key.publicKey, after: checkAfterSignature(header.typ, claims, opts) }
}

export function openCode (token: string, opts: VerifyOptions): OpenedCode {
  const code = prepareCode(token, opts)
  if ('reason' in code) return { unverified: null, verified: Promise.resolve({ ok: false, reason: code.reason }) }
  const { claims, kid, after } = code
  const verified = (opts.es256 ?? poolEs256).verify(code.signingInput, code.signature, code.publicKey, kid).then((ok): Verified => {
    if (!ok) return { ok: false, reason: 'bad_signature' }
    return after === null ? { ok: true, claims, kid } : { ok: false, reason: after }
  })
  return { unverified: claims, verified }
}

export async function verifyCode (token: string, opts: VerifyOptions): Promise<Verified> {
  return await openCode(token, opts).verified
}

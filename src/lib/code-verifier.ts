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

export function openCode (token: string, opts: VerifyOptions): OpenedCode {
  const refused = (reason: DenyReason): OpenedCode => ({ unverified: null, verified: Promise.resolve({ ok: false, reason }) })
  const split = precheck(token)
  if (split === null) return refused('malformed')
  const header = checkHeader(split.header)
  if ('reason' in header) return refused(header.reason)
  const claims = claimsOf(split.payload)
  if (claims === null) return refused('malformed')
  const key = opts.keys.get(header.kid)
  if (key === undefined) return refused('unknown_key')
  const { kid, typ } = header
  const verified = (opts.es256 ?? poolEs256).verify(split.signingInput, split.signature, key.publicKey, kid).then((ok): Verified => {
    if (!ok) return { ok: false, reason: 'bad_signature' }
    const refusal = checkAfterSignature(typ, claims, opts)
    return refusal === null ? { ok: true, claims, kid } : { ok: false, reason: refusal }
  })
  return { unverified: claims, verified }
}

export async function verifyCode (token: string, opts: VerifyOptions): Promise<Verified> {
  return await openCode(token, opts).verified
}

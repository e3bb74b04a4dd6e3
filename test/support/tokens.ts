// Forging compact JWS tokens for hostile-input tests: raw base64url, ES256 (r||s) and HS256 signing with node:crypto, the service's own key.
import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

export const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url')
export const fromB64url = (segment: string): Buffer => Buffer.from(segment, 'base64url')

/** A segment from a JSON value (canonical: JSON.stringify, member order as given). */
export const jsonSegment = (value: unknown): string => b64url(JSON.stringify(value))

/** ES256 over `input`, IEEE P1363 (r||s, 64 bytes): the JWS form. */
export const es256 = (input: string, key: KeyObject): Buffer => sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
export const hs256 = (input: string, secret: string | Buffer): Buffer => createHmac('sha256', secret).update(input).digest()

export type Signer = (input: string) => Buffer

/** header.payload.signature where header and payload are raw JSON texts (so whitespace, duplicates, anything). */
export function forgeRaw (headerText: string, payloadText: string, signer: Signer): string {
  const input = `${b64url(headerText)}.${b64url(payloadText)}`
  return `${input}.${b64url(signer(input))}`
}

export const forge = (header: Record<string, unknown>, payload: Record<string, unknown>, signer: Signer): string =>
  forgeRaw(JSON.stringify(header), JSON.stringify(payload), signer)

export function decode (token: string): { header: Record<string, unknown>, payload: Record<string, unknown>, parts: [string, string, string] } {
  const parts = token.split('.') as [string, string, string]
  return { header: JSON.parse(fromB64url(parts[0]).toString()), payload: JSON.parse(fromB64url(parts[1]).toString()), parts }
}

/** Replaces the payload keeping the old signature (a payload changed under it). */
export function swapPayload (token: string, payload: Record<string, unknown>): string {
  const [h, , s] = token.split('.') as [string, string, string]
  return `${h}.${jsonSegment(payload)}.${s}`
}

/**
 * Sets unused low bits in the last character of a segment: it decodes to the same bytes,
 * but it is not the canonical encoding. Only for segments whose length % 4 is 2 or 3.
 */
export function nonCanonicalTail (segment: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  const unused = segment.length % 4 === 2 ? 4 : segment.length % 4 === 3 ? 2 : 0
  if (unused === 0) throw new Error(`segment of length ${segment.length} has no unused bits`)
  const last = alphabet.indexOf(segment.at(-1) as string)
  const mutated = segment.slice(0, -1) + alphabet[last | 1]
  if (!fromB64url(mutated).equals(fromB64url(segment))) throw new Error('mutation changed the decoded bytes')
  return mutated
}

export interface ServiceKey { kid: string, privateKey: KeyObject, publicKey: KeyObject, publicJwk: Record<string, string>, publicPem: string }

/** The service's active signing key, read from keysDir/signing/*.json the way the keyring writes it. */
export function serviceKey (keysDir: string): ServiceKey {
  const dir = join(keysDir, 'signing')
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { retiredAt: string | null, jwk: Record<string, string> })
    .filter((f) => f.retiredAt === null)
  if (files.length !== 1) throw new Error(`expected one active signing key in ${dir}, found ${files.length}`)
  const jwk = (files[0] as { jwk: Record<string, string> }).jwk
  const privateKey = createPrivateKey({ key: jwk as never, format: 'jwk' })
  const publicKey = createPublicKey(privateKey)
  const publicJwk = { kty: 'EC', crv: 'P-256', x: String(jwk.x), y: String(jwk.y), kid: String(jwk.kid), alg: 'ES256', use: 'sig' }
  return { kid: String(jwk.kid), privateKey, publicKey, publicJwk, publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString() }
}

/** A fresh P-256 key pair an attacker controls. */
export function attackerKey (): { privateKey: KeyObject, publicKey: KeyObject, publicJwk: Record<string, string> } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, string>
  return { privateKey, publicKey, publicJwk: { kty: 'EC', crv: 'P-256', x: String(jwk.x), y: String(jwk.y) } }
}

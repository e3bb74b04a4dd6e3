// Compact JWS with ES256 on node:crypto: cached KeyObjects, off the event loop (libuv's pool, or the ES256 thread).
import { verify, type KeyObject } from 'node:crypto'
import { poolEs256, type Es256 } from './es256-thread.ts'

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')

/** `es256`: where the signature is made (default: libuv's pool; the live-code path passes the service's ES256 thread). */
export async function signCompact (header: { kid: string } & Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject, es256: Es256 = poolEs256): Promise<string> {
  const input = `${b64(header)}.${b64(payload)}`
  const signature = await es256.sign(input, key, header.kid)
  return `${input}.${Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength).toString('base64url')}`
}

/** Verifies an r||s (IEEE P1363) ES256 signature over `input`. Never throws for a bad signature. */
export async function verifyEs256 (input: Uint8Array, signature: Uint8Array, key: KeyObject): Promise<boolean> {
  if (signature.length !== 64) return false
  return new Promise<boolean>((resolve) => {
    verify('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, signature, (err, ok) => { resolve(err === null && ok) })
  })
}

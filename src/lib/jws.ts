// Compact JWS with ES256 on node:crypto: cached KeyObjects, callback form (off the event loop).
import { sign, verify, type KeyObject } from 'node:crypto'

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')

export async function signCompact (header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject): Promise<string> {
  const input = `${b64(header)}.${b64(payload)}`
  const signature = await new Promise<Buffer>((resolve, reject) => {
    sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }, (err, sig) => { if (err) reject(err); else resolve(sig) })
  })
  return `${input}.${signature.toString('base64url')}`
}

/** Verifies an r||s (IEEE P1363) ES256 signature over `input`. Never throws for a bad signature. */
export async function verifyEs256 (input: Uint8Array, signature: Uint8Array, key: KeyObject): Promise<boolean> {
  if (signature.length !== 64) return false
  return new Promise<boolean>((resolve) => {
    verify('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, signature, (err, ok) => { resolve(err === null && ok) })
  })
}

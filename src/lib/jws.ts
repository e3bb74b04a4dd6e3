// Compact JWS with ES256 on node:crypto: cached KeyObjects, off the event loop (libuv's pool, or the ES256 thread).
import type { KeyObject } from 'node:crypto'
import { poolEs256, type Es256 } from './es256-thread.ts'

/** The pool's ES256 check, over bytes (place codes, the Wycheproof vectors). */
export { verifyEs256 } from './es256-thread.ts'

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')

/** `es256`: where the signature is made (default: libuv's pool; the live-code path passes the service's ES256 thread). */
export async function signCompact (header: { kid: string } & Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject, es256: Es256 = poolEs256): Promise<string> {
  const input = `${b64(header)}.${b64(payload)}`
  const signature = await es256.sign(input, key, header.kid)
  return `${input}.${Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength).toString('base64url')}`
}

// Personal data at rest: AES-256-GCM for the values, a keyed HMAC blind index to find them.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto'

export interface Pii {
  encrypt: (plain: string) => string
  decrypt: (stored: string) => string
  /** Deterministic, keyed: equal inputs give equal indexes, nothing else can be learnt from it. */
  index: (kind: 'phone' | 'idNumber' | 'address', value: string) => string
  /** A keyed MAC for short secrets such as OTP codes. */
  mac: (value: string) => string
}

export function createPii (dataKey: Buffer): Pii {
  if (dataKey.length !== 32) throw new Error('the data-encryption key must be 32 bytes')
  const derive = (info: string): Buffer => Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), info, 32))
  const encKey = derive('gridpass pii aes-256-gcm v1')
  const idxKey = derive('gridpass pii blind index v1')
  const macKey = derive('gridpass otp mac v1')
  return {
    encrypt (plain) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', encKey, iv)
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`
    },
    decrypt (stored) {
      if (!stored.startsWith('v1.')) throw new Error('unknown ciphertext version')
      const raw = Buffer.from(stored.slice(3), 'base64url')
      const decipher = createDecipheriv('aes-256-gcm', encKey, raw.subarray(0, 12))
      decipher.setAuthTag(raw.subarray(12, 28))
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
    },
    index: (kind, value) => createHmac('sha256', idxKey).update(`${kind}:${value}`).digest('base64url'),
    mac: (value) => createHmac('sha256', macKey).update(value).digest('base64url')
  }
}

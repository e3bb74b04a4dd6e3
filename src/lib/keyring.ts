// Signing keys (ES256, private JWK files), the session secret and the data-encryption key, all in GRIDPASS_KEYS_DIR.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { calculateJwkThumbprint, type JWK } from 'jose'

/** The longest-lived thing a key signs: a paper code, 28 days. */
export const PAPER_CODE_SECONDS = 28 * 24 * 3600
/** Running copies re-read the keys every minute: a retired key may still sign for that long, so it is published a little longer. */
export const RELOAD_GRACE_SECONDS = 120

interface KeyFile { createdAt: string, retiredAt: string | null, jwk: JWK }

export interface SigningKey {
  kid: string
  createdAt: number
  retiredAt: number | null
  privateKey: KeyObject
  publicKey: KeyObject
  publicJwk: { kty: 'EC', crv: 'P-256', x: string, y: string, kid: string, alg: 'ES256', use: 'sig' }
}

export interface Keyring {
  active: SigningKey
  /** Every key that may still verify an unexpired token, by kid. */
  verifiers: Map<string, SigningKey>
  dataKey: Buffer
  sessionKey: Buffer
  /** Keys the audit log's hash chain (HMAC-SHA-256): without it, no one can rewrite the chain and recompute it. */
  auditKey: Buffer
}

const signingDir = (dir: string): string => join(dir, 'signing')

function writePrivate (path: string, content: string): void {
  const tmp = `${path}.tmp`
  writeFileSync(tmp, content, { mode: 0o600 })
  renameSync(tmp, path)
  chmodSync(path, 0o600)
}

async function newSigningKey (dir: string, now: number): Promise<string> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const jwk = privateKey.export({ format: 'jwk' }) as JWK
  const kid = await calculateJwkThumbprint({ kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y } as JWK, 'sha256')
  const file: KeyFile = { createdAt: new Date(now).toISOString(), retiredAt: null, jwk: { ...jwk, kid, alg: 'ES256', use: 'sig' } }
  mkdirSync(signingDir(dir), { recursive: true, mode: 0o700 })
  writePrivate(join(signingDir(dir), `es256-${kid}.json`), JSON.stringify(file, null, 2) + '\n')
  return kid
}

function readKeys (dir: string): Array<{ path: string, file: KeyFile }> {
  if (!existsSync(signingDir(dir))) return []
  return readdirSync(signingDir(dir))
    .filter((f) => f.startsWith('es256-') && f.endsWith('.json'))
    .map((f) => {
      const path = join(signingDir(dir), f)
      return { path, file: JSON.parse(readFileSync(path, 'utf8')) as KeyFile }
    })
}

/** Creates whatever is missing: a signing key, the session secret, the data key. Returns what it made. */
export async function ensureKeys (dir: string, now: number): Promise<string[]> {
  const made: string[] = []
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  if (!readKeys(dir).some((k) => k.file.retiredAt === null)) made.push(`signing key ${await newSigningKey(dir, now)}`)
  for (const name of ['data.key', 'session.key', 'audit.key']) {
    const path = join(dir, name)
    if (!existsSync(path)) {
      writePrivate(path, randomBytes(32).toString('base64') + '\n')
      made.push(name)
    }
  }
  return made
}

/** Retires the active key (it keeps verifying until every code it signed has expired) and makes a new one. */
export async function rotateKeys (dir: string, now: number): Promise<{ retired: string[], active: string }> {
  const retired: string[] = []
  for (const { path, file } of readKeys(dir)) {
    if (file.retiredAt !== null) continue
    file.retiredAt = new Date(now).toISOString()
    writePrivate(path, JSON.stringify(file, null, 2) + '\n')
    retired.push(String(file.jwk.kid))
  }
  return { retired, active: await newSigningKey(dir, now + 1) }
}

export function loadKeyring (dir: string, now: number, skewSeconds: number): Keyring {
  const keys: SigningKey[] = readKeys(dir).map(({ file }) => {
    const privateKey = createPrivateKey({ key: file.jwk as never, format: 'jwk' })
    const jwk = file.jwk
    return {
      kid: String(jwk.kid),
      createdAt: Date.parse(file.createdAt),
      retiredAt: file.retiredAt === null ? null : Date.parse(file.retiredAt),
      privateKey,
      publicKey: createPublicKey(privateKey),
      publicJwk: { kty: 'EC', crv: 'P-256', x: String(jwk.x), y: String(jwk.y), kid: String(jwk.kid), alg: 'ES256', use: 'sig' }
    }
  })
  const active = keys.filter((k) => k.retiredAt === null).sort((a, b) => b.createdAt - a.createdAt)[0]
  if (active === undefined) throw new Error(`no active signing key in ${signingDir(dir)}: run npm run keys:generate`)
  const horizon = (PAPER_CODE_SECONDS + RELOAD_GRACE_SECONDS + skewSeconds) * 1000
  const verifiers = new Map(keys.filter((k) => k.retiredAt === null || k.retiredAt + horizon > now).map((k) => [k.kid, k]))
  const readSecret = (name: string): Buffer => {
    const value = Buffer.from(readFileSync(join(dir, name), 'utf8').trim(), 'base64')
    if (value.length !== 32) throw new Error(`${join(dir, name)} must hold 32 bytes in base64`)
    return value
  }
  return { active, verifiers, dataKey: readSecret('data.key'), sessionKey: readSecret('session.key'), auditKey: readSecret('audit.key') }
}

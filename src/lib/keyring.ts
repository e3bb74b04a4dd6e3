// Signing keys (ES256, private JWK files), the session secret, the data-encryption key and the audit key, all in
// GRIDPASS_KEYS_DIR; their fingerprints (checked against the database's at start, src/plugins/keys.ts); their modes.
import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto'
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { calculateJwkThumbprint, type JWK } from 'jose'

/** The longest-lived thing a key signs: a paper code, 28 days. */
export const PAPER_CODE_SECONDS = 28 * 24 * 3600
/** Running copies re-read the keys every minute: a retired key may still sign for that long, so it is published a little longer. */
export const RELOAD_GRACE_SECONDS = 120
/** How often every copy re-reads the keys directory, so a rotation reaches all copies without a restart. */
export const KEY_RELOAD_SECONDS = 60
/** How long GET /.well-known/jwks.json may be cached (its Cache-Control max-age; the scanner page keeps it that long). */
export const JWKS_MAX_AGE_SECONDS = 300
/**
 * The least time between a rotation and the moment the new key starts signing: every copy must have re-read the
 * directory (60 s) and every scanner must have fetched the JWKS again (300 s) before a code signed with the new key
 * reaches them, whatever the clocks' skew; a minute more for luck.
 */
export const minPublishAheadSeconds = (skewSeconds: number): number => KEY_RELOAD_SECONDS + JWKS_MAX_AGE_SECONDS + skewSeconds + 60
/** npm run keys:rotate's default publish-ahead period (raised to minPublishAheadSeconds when the skew is large). */
export const PUBLISH_AHEAD_SECONDS = 600

/** The three secrets: each must stay the one the database was set up with (fingerprints in its settings table). */
export const SECRETS = ['data.key', 'session.key', 'audit.key'] as const
export type SecretName = typeof SECRETS[number]
/** Where the generated password of the first admin goes when GRIDPASS_ADMIN_PASSWORD is unset (mode 0600). */
export const INITIAL_ADMIN_PASSWORD_FILE = 'initial-admin-password.txt'

/**
 * A signing key file. `activatesAt`: when it starts signing (null: at once, as the first key does); until then it is
 * only published. `retiredAt`: when it stops signing (the next key's activation); it keeps verifying until every code
 * it signed has expired.
 */
interface KeyFile { createdAt: string, activatesAt?: string | null, retiredAt: string | null, jwk: JWK }

export interface SigningKey {
  kid: string
  createdAt: number
  /** When it starts signing; -Infinity for a key that signs at once. */
  activatesAt: number
  retiredAt: number | null
  privateKey: KeyObject
  publicKey: KeyObject
  publicJwk: { kty: 'EC', crv: 'P-256', x: string, y: string, kid: string, alg: 'ES256', use: 'sig' }
}

/**
 * The verifying keys by kid. For a kid it does not hold it asks `onUnknown` (the keys plugin re-reads the directory
 * then, at most every few seconds): another copy of the service may already sign with a key this one has not loaded yet.
 */
export class VerifierSet extends Map<string, SigningKey> {
  onUnknown: ((kid: string) => SigningKey | undefined) | null = null
  override get (kid: string): SigningKey | undefined {
    const key = super.get(kid)
    return key !== undefined || this.onUnknown === null ? key : this.onUnknown(kid)
  }

  /** The key of kid among those loaded, never re-reading the directory. */
  loaded (kid: string): SigningKey | undefined { return super.get(kid) }
}

export interface Keyring {
  /** The key that signs at this moment (the clock's now): follows the activation times written in the key files. */
  readonly active: SigningKey
  /** Every signing key loaded from the directory: the one signing, any waiting for its activation, retired ones still verifying. */
  keys: SigningKey[]
  /** Every key that may still verify an unexpired token (and the ones waiting to sign), by kid: the JWKS. */
  verifiers: VerifierSet
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

/** Writes a new file, 0600, all at once; false (and nothing written) when the file exists already (another copy made it). */
function createPrivate (path: string, content: string): boolean {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  writeFileSync(tmp, content, { mode: 0o600 })
  try {
    linkSync(tmp, path)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw err
  } finally {
    unlinkSync(tmp)
  }
}

async function newSigningKey (dir: string, now: number, activatesAt: number | null): Promise<string> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const jwk = privateKey.export({ format: 'jwk' }) as JWK
  const kid = await calculateJwkThumbprint({ kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y } as JWK, 'sha256')
  const file: KeyFile = {
    createdAt: new Date(now).toISOString(),
    activatesAt: activatesAt === null ? null : new Date(activatesAt).toISOString(),
    retiredAt: null,
    jwk: { ...jwk, kid, alg: 'ES256', use: 'sig' }
  }
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

/** Which of the three secrets are in the directory now (nothing is created). */
export function secretsPresent (dir: string): Set<SecretName> {
  return new Set(SECRETS.filter((name) => existsSync(join(dir, name))))
}

/**
 * Creates whatever is missing: a signing key, the secrets (all three, or only those named). Returns what it made.
 * A secret another process creates at the same moment is kept, never overwritten.
 */
export async function ensureKeys (dir: string, now: number, secrets: readonly SecretName[] = SECRETS): Promise<string[]> {
  const made: string[] = []
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  if (!readKeys(dir).some((k) => k.file.retiredAt === null)) made.push(`signing key ${await newSigningKey(dir, now, null)}`)
  for (const name of secrets) {
    const path = join(dir, name)
    if (!existsSync(path) && createPrivate(path, randomBytes(32).toString('base64') + '\n')) made.push(name)
  }
  return made
}

/**
 * Starts a rotation: a new signing key that signs from `activatesAt` on (default: now + PUBLISH_AHEAD_SECONDS; pass
 * `now` to switch at once, after a compromise). Until then it is only published in the JWKS; every key that would
 * still sign after that moment is retired at that moment (and keeps verifying until every code it signed has expired).
 */
export async function rotateKeys (dir: string, now: number, activatesAt: number = now + PUBLISH_AHEAD_SECONDS * 1000): Promise<{ retired: string[], active: string, activatesAt: number }> {
  if (activatesAt < now) throw new Error('a new key cannot start signing in the past')
  const retired: string[] = []
  for (const { path, file } of readKeys(dir)) {
    if (file.retiredAt !== null && Date.parse(file.retiredAt) <= activatesAt) continue
    file.retiredAt = new Date(activatesAt).toISOString()
    writePrivate(path, JSON.stringify(file, null, 2) + '\n')
    retired.push(String(file.jwk.kid))
  }
  return { retired, active: await newSigningKey(dir, now, activatesAt), activatesAt }
}

/**
 * The key that signs at time `at`: of the keys activated by then and not yet retired, the last one activated. Should
 * none be (a clock set before every key's activation), the earliest unretired one.
 */
export function signerAt (keys: readonly SigningKey[], at: number): SigningKey | undefined {
  let best: SigningKey | undefined
  for (const k of keys) {
    if (k.activatesAt > at || (k.retiredAt !== null && k.retiredAt <= at)) continue
    if (best === undefined || k.activatesAt > best.activatesAt || (k.activatesAt === best.activatesAt && k.createdAt > best.createdAt)) best = k
  }
  if (best !== undefined) return best
  return keys.filter((k) => k.retiredAt === null).sort((a, b) => a.activatesAt - b.activatesAt)[0]
}

/** The next moment after `at` when the signing key changes by the clock (a pending key activates), or null. */
export function nextSwitchAfter (keys: readonly SigningKey[], at: number): number | null {
  const times = keys.map((k) => k.activatesAt).filter((t) => t > at)
  return times.length === 0 ? null : Math.min(...times)
}

function readSecret (dir: string, name: SecretName): Buffer {
  const value = Buffer.from(readFileSync(join(dir, name), 'utf8').trim(), 'base64')
  if (value.length !== 32) throw new Error(`${join(dir, name)} must hold 32 bytes in base64`)
  return value
}

/** A keyed one-way value of a secret, safe to store in the database: it tells whether a key is the same, nothing more. */
export function fingerprintOf (secret: Buffer): string {
  return createHmac('sha256', secret).update('gridpass key fingerprint v1').digest('base64url')
}

/** The fingerprints of the secrets in the directory (those present). */
export function secretFingerprints (dir: string): Map<SecretName, string> {
  return new Map([...secretsPresent(dir)].map((name) => [name, fingerprintOf(readSecret(dir, name))]))
}

/**
 * `now`: the clock the signing key follows (a number: a fixed moment). The verifiers are the keys published at load
 * time; a copy re-reads the directory every minute (src/plugins/keys.ts).
 */
export function loadKeyring (dir: string, now: number | (() => number), skewSeconds: number): Keyring {
  const clock = typeof now === 'number' ? () => now : now
  const keys: SigningKey[] = readKeys(dir).map(({ file }) => {
    const privateKey = createPrivateKey({ key: file.jwk as never, format: 'jwk' })
    const jwk = file.jwk
    return {
      kid: String(jwk.kid),
      createdAt: Date.parse(file.createdAt),
      activatesAt: file.activatesAt === undefined || file.activatesAt === null ? -Infinity : Date.parse(file.activatesAt),
      retiredAt: file.retiredAt === null ? null : Date.parse(file.retiredAt),
      privateKey,
      publicKey: createPublicKey(privateKey),
      publicJwk: { kty: 'EC', crv: 'P-256', x: String(jwk.x), y: String(jwk.y), kid: String(jwk.kid), alg: 'ES256', use: 'sig' }
    }
  })
  const at = clock()
  if (signerAt(keys, at) === undefined) throw new Error(`no active signing key in ${signingDir(dir)}: run npm run keys:generate`)
  const horizon = (PAPER_CODE_SECONDS + RELOAD_GRACE_SECONDS + skewSeconds) * 1000
  const verifiers = new VerifierSet(keys.filter((k) => k.retiredAt === null || k.retiredAt + horizon > at).map((k) => [k.kid, k]))
  return {
    keys,
    get active (): SigningKey {
      // Checked at load: some key always qualifies (the fallback takes any unretired one).
      return signerAt(this.keys, clock()) as SigningKey
    },
    verifiers,
    dataKey: readSecret(dir, 'data.key'),
    sessionKey: readSecret(dir, 'session.key'),
    auditKey: readSecret(dir, 'audit.key')
  }
}

/** Modes of a path that let anyone but its owner read it (group or other bits), or null when it is missing. */
function looseBits (path: string, mode: number): number | null {
  try {
    return statSync(path).mode & 0o777 & ~mode
  } catch {
    return null
  }
}

/**
 * Makes the directory 0700 and every key file (and the initial admin password) 0600, whatever existed before.
 * Returns warnings for paths it could not tighten (a read-only mount, another owner) that are still readable by others.
 */
export function tightenKeyModes (dir: string): string[] {
  const paths: Array<[string, number]> = [[dir, 0o700]]
  if (existsSync(signingDir(dir))) {
    paths.push([signingDir(dir), 0o700])
    for (const f of readdirSync(signingDir(dir))) if (f.endsWith('.json')) paths.push([join(signingDir(dir), f), 0o600])
  }
  for (const name of [...SECRETS, INITIAL_ADMIN_PASSWORD_FILE]) {
    if (existsSync(join(dir, name))) paths.push([join(dir, name), 0o600])
  }
  const warnings: string[] = []
  for (const [path, mode] of paths) {
    try {
      chmodSync(path, mode)
    } catch (err) {
      const loose = looseBits(path, mode)
      if (loose !== null && loose !== 0) warnings.push(`${path}: cannot set mode ${mode.toString(8)} (${(err as NodeJS.ErrnoException).code ?? String(err)}); other users can read it`)
    }
  }
  return warnings
}

/** Writes the generated admin password to <dir>/initial-admin-password.txt, mode 0600; returns the file's path. */
export function writeInitialAdminPassword (dir: string, password: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const path = resolve(dir, INITIAL_ADMIN_PASSWORD_FILE)
  writePrivate(path, `${password}\n`)
  return path
}

// Checks the keys folder against the database (fingerprints), creates what a new installation lacks, tightens the
// modes, loads the keyring, and re-reads the signing keys every minute, on SIGHUP (src/server.ts) and on an unknown kid.
import { resolve } from 'node:path'
import fp from 'fastify-plugin'
import { ConfigError } from '../config.ts'
import {
  KEY_RELOAD_SECONDS, SECRETS, ensureKeys, loadKeyring, secretFingerprints, tightenKeyModes, type SecretName, type SigningKey
} from '../lib/keyring.ts'
import { createPii } from '../lib/pii.ts'
import { createEs256Thread, type Es256 } from '../lib/es256-thread.ts'
import { createKeysRepository } from './keys.repository.ts'

declare module 'fastify' {
  interface FastifyInstance {
    reloadKeys: () => void
    /** ES256 for the hot paths (scans verify, live codes sign): a thread of its own, in batches (src/lib/es256-thread.ts). */
    es256: Es256
  }
}

/** How often every copy re-reads the keys directory, so a rotation reaches all copies without a restart. */
export const KEY_RELOAD_MS = KEY_RELOAD_SECONDS * 1000
/** A kid this copy does not know makes it re-read the directory, at most this often. */
const UNKNOWN_KID_RELOAD_MS = 5_000

/** The keys folder does not belong to this database: the service must not start (src/server.ts prints the message). */
export class KeysRefused extends ConfigError {}

const n = (x: number): string => x.toLocaleString('en-US')
const plural = (x: number, one: string, many: string): string => `${n(x)} ${x === 1 ? one : many}`

/** What a wrong or missing secret breaks, for the refusal message. */
const STAKES: Record<SecretName, string> = {
  'data.key': 'With another data.key no stored name, ID number or phone can be read, and every phone and ID number would be bound to a second person.',
  'session.key': 'With another session.key every staff user and resident has to log in again.',
  'audit.key': 'With another audit.key npm run audit:verify can no longer prove the audit log unchanged.'
}

function refusal (keysDir: string, name: SecretName, problem: 'missing' | 'different'): KeysRefused {
  const where = `GRIDPASS_KEYS_DIR=${keysDir}`
  const what = problem === 'missing'
    ? `${where} has no ${name}, but this database was set up with one`
    : `${where} holds a ${name} that is not the one this database was set up with (its fingerprint differs)`
  const lost = name === 'data.key'
    ? 'There is no way around it: without its data.key the personal data is lost.'
    : `If it is lost for good, npm run keys:accept -- ${name} records the ${name} now in the folder (${problem === 'missing' ? 'run npm run keys:generate first to make one' : 'the one there'}).`
  return new KeysRefused(`${what}: restore the keys folder that belongs to this database from its backup (keys/README.md); if it is a volume, check that it is mounted. ${STAKES[name]} ${lost} The service did not start and changed nothing.`)
}

/**
 * Before anything is created: the secrets whose fingerprints the database holds must be there and match; an older
 * installation (people or staff users, no fingerprints yet) must have its data.key and session.key.
 */
function check (keysDir: string, stored: Map<string, string>, present: Map<SecretName, string>, census: { people: number, users: number } | null): void {
  for (const name of SECRETS) {
    const expected = stored.get(name)
    if (expected !== undefined) {
      const actual = present.get(name)
      if (actual === undefined) throw refusal(keysDir, name, 'missing')
      if (actual !== expected) throw refusal(keysDir, name, 'different')
      continue
    }
    if (census === null || (census.people === 0 && census.users === 0)) continue
    // An installation from before the fingerprints: its keys are the ones there now. audit.key is newer than it.
    if (name !== 'audit.key' && !present.has(name)) {
      throw new KeysRefused(`GRIDPASS_KEYS_DIR=${keysDir} has no ${name}, but the database holds ${plural(census.people, 'person', 'people')} and ${plural(census.users, 'staff user', 'staff users')}: restore the keys folder from its backup (keys/README.md); if it is a volume, check that it is mounted. ${STAKES[name]} The service did not start and changed nothing.`)
    }
  }
}

export default fp(async (app) => {
  const { clockSkewSeconds, now } = app.config
  const keysDir = resolve(app.config.keysDir)
  const { store } = app
  const repo = createKeysRepository(store)

  let made: string[]
  let recorded: string[]
  try {
    // One copy at a time, and nothing created before the check has seen what existed.
    ({ made, recorded } = await store.tx(async (db) => {
      await repo.lock(db)
      const stored = await repo.fingerprints(db)
      const census = SECRETS.every((name) => stored.has(name)) ? null : await repo.census(db)
      check(keysDir, stored, secretFingerprints(keysDir), census)
      const made = await ensureKeys(keysDir, now())
      const recorded: string[] = []
      for (const [name, value] of secretFingerprints(keysDir)) {
        if (stored.has(name)) continue
        await repo.recordFingerprint(db, name, value, now())
        recorded.push(name)
      }
      return { made, recorded }
    }))
  } catch (err) {
    // buildApp fails here, and no one will close the app: close the database it opened.
    await store.close()
    throw err
  }
  if (made.length > 0) app.log.warn({ keysDir, made }, 'created missing keys: back them up (keys/README.md)')
  if (recorded.length > 0) app.log.info({ keysDir, recorded }, 'recorded the fingerprints of the keys in the database')
  for (const warning of tightenKeyModes(keysDir)) app.log.warn({ keysDir }, warning)

  const keyring = loadKeyring(keysDir, now, clockSkewSeconds)
  app.decorate('keyring', keyring)
  app.decorate('pii', createPii(keyring.dataKey))
  const es256 = createEs256Thread()
  app.decorate('es256', es256)

  // Services hold a reference to the keyring: it is refreshed in place, and its `active` follows the clock, so
  // every copy switches to a new key at its activation time. The data, session and audit keys are read once.
  let lastUnknownReload = -Infinity
  const unknownKid = (kid: string): SigningKey | undefined => {
    const at = now()
    if (at >= lastUnknownReload && at - lastUnknownReload < UNKNOWN_KID_RELOAD_MS) return undefined
    lastUnknownReload = at
    reload()
    return keyring.verifiers.loaded(kid)
  }
  keyring.verifiers.onUnknown = unknownKid
  const reload = (): void => {
    try {
      const fresh = loadKeyring(keysDir, now, clockSkewSeconds)
      const known = new Set(keyring.keys.map((k) => k.kid))
      for (const k of fresh.keys) {
        if (known.has(k.kid)) continue
        const from = Number.isFinite(k.activatesAt) && k.activatesAt > now() ? new Date(k.activatesAt).toISOString() : 'now'
        app.log.info({ kid: k.kid, activatesAt: from }, 'loaded a new signing key: published now, signing from its activation time')
      }
      keyring.keys = fresh.keys
      fresh.verifiers.onUnknown = unknownKid
      keyring.verifiers = fresh.verifiers
    } catch (err) {
      app.log.error({ err }, 'could not reload keys; keeping the ones loaded')
    }
  }
  app.decorate('reloadKeys', reload)
  const timer = setInterval(reload, KEY_RELOAD_MS)
  timer.unref()
  // After the modules' own onClose hooks (Fastify runs them in reverse order): nothing signs or verifies by then.
  app.addHook('onClose', async () => { clearInterval(timer); await es256.close() })
}, { name: 'gp-keys', dependencies: ['gp-db'] })

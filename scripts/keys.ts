// Key management CLI: `generate` creates whatever keys are missing; `rotate` starts a two-phase rotation of the signing
// key; `accept` records a replaced session.key or audit.key (or data.key of a database without people) as this database's.
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig, type Config } from '../src/config.ts'
import { createDb } from '../src/db/index.ts'
import {
  PAPER_CODE_SECONDS, PUBLISH_AHEAD_SECONDS, SECRETS, ensureKeys, loadKeyring, minPublishAheadSeconds, rotateKeys, secretFingerprints,
  tightenKeyModes, type SecretName
} from '../src/lib/keyring.ts'
import { createKeysRepository } from '../src/plugins/keys.repository.ts'

const USAGE = `usage: tsx scripts/keys.ts generate
       tsx scripts/keys.ts rotate [--publish-ahead <minutes>] [--now]
       tsx scripts/keys.ts accept session.key|audit.key|data.key
  (npm run keys:generate, npm run keys:rotate [-- --now], npm run keys:accept -- <file>; the directory is GRIDPASS_KEYS_DIR, default ./keys)
  rotate: the new key is published at once and signs from <minutes> from now (default ${PUBLISH_AHEAD_SECONDS / 60}, the least
          every copy and scanner needs to fetch it first); --now: it signs at once (after a key has leaked)`
const RELOAD = 'Running copies load it within a minute (kill -HUP <pid> loads it at once, SIGHUP never stops the service); nothing to restart.'

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')

async function rotate (config: Config, dir: string, now: number, values: { now?: boolean, 'publish-ahead'?: string }): Promise<number> {
  const minSeconds = minPublishAheadSeconds(config.clockSkewSeconds)
  let aheadSeconds = Math.max(PUBLISH_AHEAD_SECONDS, minSeconds)
  if (values.now === true && values['publish-ahead'] !== undefined) {
    console.error(`keys: --now and --publish-ahead exclude each other\n${USAGE}`)
    return 1
  }
  if (values['publish-ahead'] !== undefined) {
    const minutes = Number(values['publish-ahead'])
    if (!Number.isFinite(minutes) || minutes * 60 < minSeconds) {
      console.error(`keys: --publish-ahead ${values['publish-ahead']}: give at least ${Math.ceil(minSeconds / 60)} minutes (every copy re-reads the keys each minute, scanners keep the JWKS 5 minutes, clocks differ by up to ${config.clockSkewSeconds} s); use --now to switch at once after a leak`)
      return 1
    }
    aheadSeconds = Math.round(minutes * 60)
  }
  try {
    loadKeyring(dir, now, config.clockSkewSeconds)
  } catch (err) {
    console.error(`keys: nothing to rotate in ${dir}: ${(err as Error).message}. A new installation makes its keys on its first start (or npm run keys:generate); an existing one must restore its keys folder from the backup (keys/README.md).`)
    return 1
  }
  const activatesAt = values.now === true ? now : now + aheadSeconds * 1000
  const { retired, active } = await rotateKeys(dir, now, activatesAt)
  tightenKeyModes(dir)
  for (const kid of retired) {
    console.log(`keys: signing key ${kid} signs until ${iso(activatesAt)}, then is retired (still listed in the JWKS and verifying for ${PAPER_CODE_SECONDS / 86_400} days + clock skew, until every code it signed has expired)`)
  }
  if (values.now === true) {
    console.log(`keys: new signing key ${active} signs now (--now)`)
    console.log(`keys: ${RELOAD} Until a copy reloads it signs with the old key; scanners holding the old JWKS (up to 5 minutes) have the server check codes signed with the new one.`)
  } else {
    console.log(`keys: new signing key ${active} is published now and signs from ${iso(activatesAt)} (in ${Math.round(aheadSeconds / 60)} minutes)`)
    console.log(`keys: ${RELOAD} Every copy switches to it at that time by its own clock.`)
  }
  return 0
}

/** Makes the database expect the secret now in the folder (it has been replaced for good). */
async function accept (config: Config, dir: string, name: string | undefined): Promise<number> {
  if (name === undefined || !(SECRETS as readonly string[]).includes(name)) {
    console.error(`keys: accept which file? one of ${SECRETS.join(', ')}\n${USAGE}`)
    return 1
  }
  const fingerprint = secretFingerprints(dir).get(name as SecretName)
  if (fingerprint === undefined) {
    console.error(`keys: ${dir} has no ${name}: restore it from the backup, or run npm run keys:generate to make a new one first`)
    return 1
  }
  const store = await createDb(config.databaseUrl)
  try {
    const repo = createKeysRepository(store)
    const outcome = await store.tx(async (db) => {
      await repo.lock(db)
      const { people } = await repo.census(db)
      if (name === 'data.key' && people > 0) return `refused: the database holds ${people.toLocaleString('en-US')} ${people === 1 ? 'person' : 'people'} whose names, ID numbers and phones only the original data.key can read; restore it from the keys folder's backup (keys/README.md)`
      await repo.replaceFingerprint(db, name, fingerprint, Date.now())
      return null
    })
    if (outcome !== null) { console.error(`keys: ${outcome}`); return 1 }
  } finally {
    await store.close()
  }
  console.log(`keys: this database now expects the ${name} in ${dir}; the service will start with it.`)
  if (name === 'session.key') console.log('keys: every staff user and resident has to log in again.')
  if (name === 'audit.key') console.log('keys: npm run audit:verify can no longer check the entries chained under the old audit.key.')
  return 0
}

async function main (args: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { now: { type: 'boolean' }, 'publish-ahead': { type: 'string' } } })
  } catch (err) {
    console.error(`keys: ${(err as Error).message}\n${USAGE}`)
    return 1
  }
  const [command, ...rest] = parsed.positionals
  const flags = Object.keys(parsed.values).length > 0
  const ok = (command === 'generate' && rest.length === 0 && !flags) || (command === 'rotate' && rest.length === 0) || (command === 'accept' && rest.length <= 1 && !flags)
  if (!ok) {
    console.error(`keys: ${args.length === 0 ? 'missing command' : `unknown arguments: ${args.join(' ')}`}\n${USAGE}`)
    return 1
  }
  let config
  try {
    config = loadConfig()
  } catch (err) {
    if (err instanceof ConfigError) { console.error(err.message); return 1 }
    throw err
  }
  const dir = resolve(config.keysDir)
  const now = Date.now()

  if (command === 'rotate') return rotate(config, dir, now, parsed.values)
  if (command === 'accept') return accept(config, dir, rest[0])

  const made = await ensureKeys(dir, now)
  tightenKeyModes(dir)
  if (made.length === 0) {
    console.log(`keys: nothing to do, ${dir} already has an active signing key, data.key, session.key and audit.key`)
    return 0
  }
  for (const item of made) console.log(`keys: created ${item} in ${dir}`)
  console.log('keys: back up this directory (data.key decrypts every stored name and ID number); never commit it.')
  console.log('keys: a database set up with other keys refuses these: the service will not start with them (restore that database\'s keys folder instead).')
  console.log(`keys: ${RELOAD}`)
  return 0
}

process.exitCode = await main(process.argv.slice(2))

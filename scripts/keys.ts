// Key management CLI: `generate` creates whatever keys are missing, `rotate` retires the signing key and makes a new one.
import { resolve } from 'node:path'
import { ConfigError, loadConfig } from '../src/config.ts'
import { PAPER_CODE_SECONDS, ensureKeys, rotateKeys } from '../src/lib/keyring.ts'

const USAGE = 'usage: tsx scripts/keys.ts generate|rotate   (npm run keys:generate, npm run keys:rotate; the directory is GRIDPASS_KEYS_DIR, default ./keys)'
// Running copies re-read the keys directory every minute, or at once on SIGHUP.
const RESTART = 'Running copies of the service sign with the new key within a minute; send them SIGHUP (kill -HUP <pid>) to switch at once.'

async function main (args: string[]): Promise<number> {
  const command = args[0]
  if (args.length !== 1 || (command !== 'generate' && command !== 'rotate')) {
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

  if (command === 'generate') {
    const made = await ensureKeys(dir, now)
    if (made.length === 0) {
      console.log(`keys: nothing to do, ${dir} already has an active signing key, data.key and session.key`)
      return 0
    }
    for (const item of made) console.log(`keys: created ${item} in ${dir}`)
    console.log('keys: back up this directory (data.key decrypts every stored name and ID number); never commit it.')
    console.log(`keys: ${RESTART}`)
    return 0
  }

  // Rotating needs the secrets too: make whatever is missing first, so the directory is always complete.
  const made = await ensureKeys(dir, now)
  for (const item of made) console.log(`keys: created missing ${item} in ${dir}`)
  if (made.some((item) => item.startsWith('signing key'))) {
    console.log('keys: there was no active signing key, so there was nothing to retire; the new one above is active.')
    console.log(`keys: ${RESTART}`)
    return 0
  }
  const { retired, active } = await rotateKeys(dir, now)
  for (const kid of retired) {
    console.log(`keys: retired signing key ${kid} (still listed in the JWKS and still verifying for ${PAPER_CODE_SECONDS / 86_400} days + clock skew, until every code it signed has expired)`)
  }
  console.log(`keys: new active signing key ${active}`)
  console.log(`keys: ${RESTART}`)
  return 0
}

process.exitCode = await main(process.argv.slice(2))

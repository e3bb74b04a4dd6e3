// Loads (and on first start creates) the signing keys, the session secret and the data-encryption key.
import fp from 'fastify-plugin'
import { ensureKeys, loadKeyring } from '../lib/keyring.ts'
import { createPii } from '../lib/pii.ts'

export default fp(async (app) => {
  const { keysDir, clockSkewSeconds, now } = app.config
  const made = await ensureKeys(keysDir, now())
  if (made.length > 0) app.log.warn({ keysDir, made }, 'created missing keys: back them up (keys/README.md)')
  const keyring = loadKeyring(keysDir, now(), clockSkewSeconds)
  app.decorate('keyring', keyring)
  app.decorate('pii', createPii(keyring.dataKey))
}, { name: 'gp-keys' })

// Loads (and on first start creates) the signing keys, the session secret and the data-encryption key.
import fp from 'fastify-plugin'
import { ensureKeys, loadKeyring } from '../lib/keyring.ts'
import { createPii } from '../lib/pii.ts'

declare module 'fastify' {
  interface FastifyInstance { reloadKeys: () => void }
}

/** How often every copy re-reads the keys directory, so a rotation reaches all copies without a restart. */
export const KEY_RELOAD_MS = 60_000

export default fp(async (app) => {
  const { keysDir, clockSkewSeconds, now } = app.config
  const made = await ensureKeys(keysDir, now())
  if (made.length > 0) app.log.warn({ keysDir, made }, 'created missing keys: back them up (keys/README.md)')
  const keyring = loadKeyring(keysDir, now(), clockSkewSeconds)
  app.decorate('keyring', keyring)
  app.decorate('pii', createPii(keyring.dataKey))

  // Services hold a reference to the keyring: it is refreshed in place. Only signing keys change;
  // the data and session keys are read once (changing them needs a restart and a migration).
  app.decorate('reloadKeys', () => {
    try {
      const fresh = loadKeyring(keysDir, now(), clockSkewSeconds)
      if (fresh.active.kid !== keyring.active.kid) app.log.info({ kid: fresh.active.kid }, 'signing with a new key')
      keyring.active = fresh.active
      keyring.verifiers = fresh.verifiers
    } catch (err) {
      app.log.error({ err }, 'could not reload keys; keeping the ones loaded')
    }
  })
  const timer = setInterval(app.reloadKeys, KEY_RELOAD_MS)
  timer.unref()
  app.addHook('onClose', async () => { clearInterval(timer) })
}, { name: 'gp-keys' })

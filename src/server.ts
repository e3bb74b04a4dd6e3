// Starts the service: load config, build the app, listen, shut down gracefully.
import closeWithGrace from 'close-with-grace'
import { ConfigError, loadConfig } from './config.ts'
import { buildApp } from './app.ts'

let config
try {
  config = loadConfig()
} catch (err) {
  if (err instanceof ConfigError) { console.error(err.message); process.exit(1) }
  throw err
}
const app = await buildApp(config)
closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err !== undefined) app.log.error({ err }, 'closing after an error')
  else app.log.info({ signal }, 'closing')
  await app.close()
})
// `kill -HUP` makes this copy re-read the keys directory at once (it also does every minute).
process.on('SIGHUP', () => { app.reloadKeys() })
await app.listen({ port: config.port, host: config.host })
const address = app.server.address()
const base = `http://${config.host}:${typeof address === 'object' && address !== null ? address.port : config.port}`

console.log(`\n  gridpass is running (${app.store.label})\n  pages:   ${base}/h5/\n  API doc: ${base}/docs\n  health:  ${base}/healthz\n`)

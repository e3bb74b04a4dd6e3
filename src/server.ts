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
let app
try {
  app = await buildApp(config)
} catch (err) {
  // A keys folder that does not belong to the database (src/plugins/keys.ts) is refused like a bad setting.
  if (err instanceof ConfigError) { console.error(`gridpass: refusing to start: ${err.message}`); process.exit(1) }
  throw err
}
// SIGHUP is not a reason to stop: it switches keys (below). close-with-grace would otherwise close on it too.
closeWithGrace({ delay: 10_000, skip: ['SIGHUP'] }, async ({ signal, err }) => {
  if (err !== undefined) app.log.error({ err }, 'closing after an error')
  else app.log.info({ signal }, 'closing')
  await app.close()
})
// `kill -HUP` makes this copy re-read the keys directory at once (it also does every minute).
process.on('SIGHUP', () => { app.reloadKeys() })
await app.listen({ port: config.port, host: config.host })
const address = app.server.address()
const base = `http://${config.host}:${typeof address === 'object' && address !== null ? address.port : config.port}`

// Login codes: say plainly where they go, and shout when they are handed out in API answers.
const sms = config.sms.sender === 'webhook' ? `sent to the SMS webhook at ${new URL(config.sms.webhookUrl ?? '').host}`
  : config.sms.sender === 'log' ? 'LOG ONLY: login codes are written to this log, no SMS is sent (GRIDPASS_SMS_SENDER=log, development only)'
    : 'NONE: no login code can be sent'
const devOtp = config.devOtp ? '\n  DEV OTP ON: login codes are returned in API answers as devCode; anyone can log in as any phone (GRIDPASS_DEV_OTP=true)' : ''
console.log(`\n  gridpass is running (${app.store.label})\n  pages:   ${base}/h5/\n  API doc: ${base}/docs\n  health:  ${base}/healthz\n  SMS:     ${sms}${devOtp}\n`)

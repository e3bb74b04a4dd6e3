// The only reader of process.env: one TypeBox schema gives the type and the validation.
import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { dirname, join } from 'node:path'
import { COMMIT_INTERVAL_MS } from './db/sqlite-thread.ts'

const EnvSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  DATABASE_URL: Type.String({ pattern: '^(file:|postgres://|postgresql://)', default: 'file:./data/gridpass.db' }),
  GRIDPASS_KEYS_DIR: Type.String({ minLength: 1, default: './keys' }),
  GRIDPASS_ISSUER: Type.String({ minLength: 1, maxLength: 100, default: 'gridpass' }),
  GRIDPASS_CODE_TTL_SECONDS: Type.Integer({ minimum: 10, maximum: 3600, default: 60 }),
  GRIDPASS_CLOCK_SKEW_SECONDS: Type.Integer({ minimum: 0, maximum: 600, default: 30 }),
  GRIDPASS_ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 10 })),
  GRIDPASS_DEV_OTP: Type.Optional(Type.Boolean()),
  GRIDPASS_RETENTION_DAYS: Type.Integer({ minimum: 1, maximum: 3650, default: 28 }),
  GRIDPASS_PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://[^/?#\\s]+(/[^?#\\s]*)?$', maxLength: 200 })),
  GRIDPASS_TRACING_MAX_ROWS: Type.Integer({ minimum: 1000, maximum: 100_000_000, default: 2_000_000 }),
  GRIDPASS_DB_LOCK_TIMEOUT_MS: Type.Integer({ minimum: 50, maximum: 60_000, default: 5000 }),
  GRIDPASS_TRUST_PROXY: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
  GRIDPASS_SMS_SENDER: Type.Optional(Type.Union([Type.Literal('webhook'), Type.Literal('log')])),
  GRIDPASS_SMS_WEBHOOK_URL: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 500 })),
  GRIDPASS_SMS_WEBHOOK_SECRET: Type.Optional(Type.String({ minLength: 16, maxLength: 500 })),
  GRIDPASS_SMS_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 5000 }),
  GRIDPASS_SMS_RETRIES: Type.Integer({ minimum: 0, maximum: 5, default: 2 }),
  GRIDPASS_FOUR_EYES_DAILY_REDS: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 100 }),
  GRIDPASS_AUDIT_ANCHOR_FILE: Type.Optional(Type.String({ minLength: 1 })),
  GRIDPASS_METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16, maxLength: 500 })),
  GRIDPASS_IMAGE_DECODE_MS: Type.Integer({ minimum: 500, maximum: 60_000, default: 8000 }),
  GRIDPASS_SCAN_CACHE_PEOPLE: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 200_000 }),
  GRIDPASS_COMMIT_INTERVAL_MS: Type.Integer({ minimum: 0, maximum: 50, default: COMMIT_INTERVAL_MS }),
  GRIDPASS_MIGRATE: Type.Boolean({ default: true }),
  LOG_LEVEL: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)), { default: 'info' }),
  NODE_ENV: Type.Optional(Type.String())
})

export interface Config {
  port: number
  host: string
  databaseUrl: string
  keysDir: string
  issuer: string
  codeTtlSeconds: number
  clockSkewSeconds: number
  adminPassword?: string
  devOtp: boolean
  retentionDays: number
  /** Where people reach the service (no trailing slash): printed into place codes as <publicUrl>/h5/checkin#<token>. */
  publicUrl: string
  /** The most presences one contacts call may read plus encounters it may find; more is 422 GP_TRACE_TOO_LARGE. */
  tracingMaxRows: number
  /** How long a write waits for another connection's lock; then the request is answered 503 GP_UNAVAILABLE. */
  dbLockTimeoutMs: number
  /** Fastify trustProxy: the proxies whose X-Forwarded-For is believed (addresses and CIDRs, or a hop count); false: none. */
  trustProxy: false | number | string[]
  /** Where login codes go: 'webhook' (the county's SMS gateway), 'log' (development only), none (refused in production). */
  sms: { sender: 'webhook' | 'log' | null, webhookUrl?: string, webhookSecret?: string, timeoutMs: number, retries: number }
  /** Past this many people turned red by one officer's changes in a day, a change needs a third person. */
  fourEyesDailyReds: number
  /** The append-only file the audit chain's head is written to, outside the database. */
  auditAnchorFile: string
  /** GET /metrics asks for this bearer token when set. */
  metricsToken?: string
  /** The longest one uploaded photo may keep the decoding thread (POST /v1/scans/image); then the thread is stopped. */
  imageDecodeMs: number
  /** On a SQLite file: the people whose scan inputs are kept in memory (src/db/scan-queries.ts); 0 keeps none. */
  scanCachePeople: number
  /** On SQLite, the least time between the starts of two of the scan thread's commit groups (src/db/sqlite-thread.ts). */
  commitIntervalMs: number
  /** Run pending migrations at start (false: a separate role runs `npm run migrate`; the service checks and refuses to start behind). */
  migrate: boolean
  logLevel: string
  production: boolean
  /** Milliseconds since the epoch. Tests replace it to drive every time-dependent rule. */
  now: () => number
  /** Tests switch the request log off; the service always logs. */
  logger: boolean
  /** Answer 503 GP_OVERLOADED while the event loop lags more than this (0: never). */
  maxEventLoopDelayMs: number
}

export class ConfigError extends Error {}

export function loadConfig (env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = {}
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = env[key]
    if (value === undefined || value === '') continue
    raw[key] = value
  }
  const converted = Value.Default(EnvSchema, Value.Convert(EnvSchema, raw)) as Static<typeof EnvSchema>
  const errors = [...Value.Errors(EnvSchema, converted)]
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.path.slice(1)}=${JSON.stringify(raw[e.path.slice(1)])}: ${e.message}`)
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}\nFix the environment variables above (see README, "Configuration").`)
  }
  const production = converted.NODE_ENV === 'production'
  // Login codes in API answers only when asked for by name: never by default.
  const devOtp = converted.GRIDPASS_DEV_OTP ?? false
  if (production && devOtp) {
    throw new ConfigError('GRIDPASS_DEV_OTP=true is refused when NODE_ENV=production: it would hand out login codes in API answers. Unset it.')
  }
  const trustProxy = parseTrustProxy(converted.GRIDPASS_TRUST_PROXY)
  const smsSender = converted.GRIDPASS_SMS_SENDER ?? (converted.GRIDPASS_SMS_WEBHOOK_URL !== undefined ? 'webhook' : production ? null : 'log')
  if (smsSender === 'webhook' && (converted.GRIDPASS_SMS_WEBHOOK_URL === undefined || converted.GRIDPASS_SMS_WEBHOOK_SECRET === undefined)) {
    throw new ConfigError('GRIDPASS_SMS_SENDER=webhook needs GRIDPASS_SMS_WEBHOOK_URL and GRIDPASS_SMS_WEBHOOK_SECRET (at least 16 characters; the gateway checks the signature with it).')
  }
  if (production && smsSender !== 'webhook') {
    throw new ConfigError('NODE_ENV=production needs an SMS sender, or no resident can log in: set GRIDPASS_SMS_WEBHOOK_URL and GRIDPASS_SMS_WEBHOOK_SECRET (docs/operations.md, "SMS"). The log-only sender is for development.')
  }
  return {
    port: converted.PORT,
    host: converted.HOST,
    databaseUrl: converted.DATABASE_URL,
    keysDir: converted.GRIDPASS_KEYS_DIR,
    issuer: converted.GRIDPASS_ISSUER,
    codeTtlSeconds: converted.GRIDPASS_CODE_TTL_SECONDS,
    clockSkewSeconds: converted.GRIDPASS_CLOCK_SKEW_SECONDS,
    adminPassword: converted.GRIDPASS_ADMIN_PASSWORD,
    devOtp,
    retentionDays: converted.GRIDPASS_RETENTION_DAYS,
    publicUrl: (converted.GRIDPASS_PUBLIC_URL ?? `http://${converted.HOST.includes(':') ? `[${converted.HOST}]` : converted.HOST}:${converted.PORT}`).replace(/\/+$/, ''),
    tracingMaxRows: converted.GRIDPASS_TRACING_MAX_ROWS,
    dbLockTimeoutMs: converted.GRIDPASS_DB_LOCK_TIMEOUT_MS,
    trustProxy,
    sms: {
      sender: smsSender,
      ...(converted.GRIDPASS_SMS_WEBHOOK_URL !== undefined ? { webhookUrl: converted.GRIDPASS_SMS_WEBHOOK_URL } : {}),
      ...(converted.GRIDPASS_SMS_WEBHOOK_SECRET !== undefined ? { webhookSecret: converted.GRIDPASS_SMS_WEBHOOK_SECRET } : {}),
      timeoutMs: converted.GRIDPASS_SMS_TIMEOUT_MS,
      retries: converted.GRIDPASS_SMS_RETRIES
    },
    fourEyesDailyReds: converted.GRIDPASS_FOUR_EYES_DAILY_REDS,
    // Unset: beside a SQLite file (./data/audit-anchor.log by default), else ./data/audit-anchor.log.
    auditAnchorFile: converted.GRIDPASS_AUDIT_ANCHOR_FILE ?? defaultAnchorFile(converted.DATABASE_URL),
    ...(converted.GRIDPASS_METRICS_TOKEN !== undefined ? { metricsToken: converted.GRIDPASS_METRICS_TOKEN } : {}),
    imageDecodeMs: converted.GRIDPASS_IMAGE_DECODE_MS,
    scanCachePeople: converted.GRIDPASS_SCAN_CACHE_PEOPLE,
    commitIntervalMs: converted.GRIDPASS_COMMIT_INTERVAL_MS,
    migrate: converted.GRIDPASS_MIGRATE,
    logLevel: converted.LOG_LEVEL,
    production,
    now: Date.now,
    logger: true,
    maxEventLoopDelayMs: 2000
  }
}

/** An anchor file of its own for each SQLite database: one written for another database would fail audit:verify. */
function defaultAnchorFile (databaseUrl: string): string {
  if (!databaseUrl.startsWith('file:') || databaseUrl === 'file::memory:') return './data/audit-anchor.log'
  return join(dirname(databaseUrl.slice('file:'.length)), 'audit-anchor.log')
}

/** GRIDPASS_TRUST_PROXY: unset → false; a number → that many hops; otherwise addresses and CIDRs, comma-separated. */
function parseTrustProxy (value: string | undefined): false | number | string[] {
  if (value === undefined) return false
  if (/^\d+$/.test(value)) return Number(value)
  const list = value.split(',').map((s) => s.trim()).filter((s) => s !== '')
  const bad = list.find((s) => !/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(s) && !['loopback', 'linklocal', 'uniquelocal'].includes(s))
  if (bad !== undefined || list.length === 0) {
    throw new ConfigError(`GRIDPASS_TRUST_PROXY=${JSON.stringify(value)}: give the reverse proxies' addresses or CIDRs, comma-separated (e.g. 127.0.0.1,10.0.0.0/8), or a hop count.`)
  }
  return list
}

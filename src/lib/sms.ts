// Where resident login codes go: the county's SMS gateway through a signed JSON webhook, or (development only) the log.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../config.ts'

export interface SmsMessage {
  /** E.164, e.g. +8613912345678. */
  phone: string
  code: string
  ttlSeconds: number
  purpose: 'login'
}

export interface SmsSender {
  readonly kind: 'webhook' | 'log'
  /** Resolves once the gateway has taken the message; throws SmsSendError otherwise. */
  send: (message: SmsMessage) => Promise<void>
}

/**
 * The message was not taken. delivered 'no': the gateway refused it or could not be reached (nothing went out);
 * 'unknown': an attempt timed out or broke off after the request left, so the gateway may have sent it.
 */
export class SmsSendError extends Error {
  constructor (message: string, readonly delivered: 'no' | 'unknown', readonly attempts: number) {
    super(message)
    this.name = 'SmsSendError'
  }
}

export const SIGNATURE_HEADER = 'x-gridpass-signature'
export const TIMESTAMP_HEADER = 'x-gridpass-timestamp'
export const DELIVERY_HEADER = 'x-gridpass-delivery'
/** How far a gateway should let a timestamp lie from its clock (seconds) before it refuses the request as a replay. */
export const REPLAY_WINDOW_SECONDS = 300

/** `sha256=<hex HMAC-SHA256(secret, timestamp + "." + rawBody)>`: the X-Gridpass-Signature value. */
export function signWebhook (secret: string, timestamp: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`
}

/**
 * What a gateway does with a request (a reference implementation; the tests verify with it): recompute the signature
 * over the raw body bytes as received, compare in constant time, and refuse timestamps more than windowSeconds away.
 */
export function verifyWebhook (secret: string, headers: { timestamp?: string, signature?: string }, rawBody: string, nowSeconds: number, windowSeconds = REPLAY_WINDOW_SECONDS): boolean {
  const { timestamp, signature } = headers
  if (timestamp === undefined || signature === undefined || !/^\d{1,12}$/.test(timestamp)) return false
  if (Math.abs(nowSeconds - Number(timestamp)) > windowSeconds) return false
  const expected = Buffer.from(signWebhook(secret, timestamp, rawBody))
  const given = Buffer.from(signature)
  return given.length === expected.length && timingSafeEqual(given, expected)
}

/** 139****5678: enough for a developer to tell phones apart, not the number. */
export function maskPhone (phone: string): string {
  const digits = phone.startsWith('+86') ? phone.slice(3) : phone
  return digits.length < 7 ? '*'.repeat(digits.length) : `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`
}

/** Connection errors that mean the request never reached the gateway. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT'])

function causeCode (err: unknown): string | undefined {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const { code } = e as Error & { code?: unknown }
    if (typeof code === 'string') return code
  }
  return undefined
}

export interface WebhookOptions {
  url: string
  secret: string
  timeoutMs: number
  retries: number
  log: FastifyBaseLogger
  /** First back-off in ms, doubled per retry (200, 400, 800, … at most 2000). */
  backoffMs?: number
  nowSeconds?: () => number
}

/**
 * POST <url> with {id, phone, code, ttlSeconds, purpose}, signed. Each attempt has timeoutMs (AbortSignal); network
 * errors, timeouts, 5xx and 429 are retried up to `retries` times with a short back-off; any other answer ends it.
 * 2xx means the gateway took the message. The same id (X-Gridpass-Delivery) on every attempt lets it drop repeats.
 */
export function webhookSender (o: WebhookOptions): SmsSender {
  const host = new URL(o.url).host
  const backoff = o.backoffMs ?? 200
  const nowSeconds = o.nowSeconds ?? ((): number => Math.floor(Date.now() / 1000))
  return {
    kind: 'webhook',
    async send (message) {
      const id = randomUUID()
      const body = JSON.stringify({ id, phone: message.phone, code: message.code, ttlSeconds: message.ttlSeconds, purpose: message.purpose })
      let maybeSent = false
      let last = ''
      const attempts = o.retries + 1
      for (let attempt = 1; attempt <= attempts; attempt++) {
        if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, Math.min(2000, backoff * 2 ** (attempt - 2))))
        const timestamp = String(nowSeconds())
        let retry: boolean
        try {
          const res = await fetch(o.url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'user-agent': 'gridpass-sms/1',
              [TIMESTAMP_HEADER]: timestamp,
              [SIGNATURE_HEADER]: signWebhook(o.secret, timestamp, body),
              [DELIVERY_HEADER]: id
            },
            body,
            redirect: 'error',
            signal: AbortSignal.timeout(o.timeoutMs)
          })
          // Read (and so release) the answer within the same timeout; its content is not used.
          await res.arrayBuffer()
          if (res.ok) return
          last = `HTTP ${res.status}`
          retry = res.status >= 500 || res.status === 429
        } catch (err) {
          const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')
          const code = causeCode(err)
          last = timedOut ? `no answer within ${o.timeoutMs} ms` : `network error ${code ?? (err instanceof Error ? err.message : String(err))}`
          if (timedOut || code === undefined || !NOT_SENT.has(code)) maybeSent = true
          retry = true
        }
        o.log.warn({ sms: 'webhook', host, attempt, of: attempts, delivery: id, result: last }, 'SMS gateway did not take the message')
        if (!retry) return fail(attempt)
      }
      return fail(attempts)

      function fail (n: number): never {
        throw new SmsSendError(`SMS gateway ${host}: ${last} after ${n} attempt${n === 1 ? '' : 's'}`, maybeSent ? 'unknown' : 'no', n)
      }
    }
  }
}

/**
 * Development only (config refuses it with NODE_ENV=production): writes one clearly marked warning with the code and
 * a masked phone, and sends nothing.
 */
export function logSender (log: FastifyBaseLogger): SmsSender {
  return {
    kind: 'log',
    async send (message) {
      log.warn({ sms: 'log-only' }, `SMS NOT SENT (GRIDPASS_SMS_SENDER=log, development only): ${message.purpose} code ${message.code} for ${maskPhone(message.phone)}, valid ${message.ttlSeconds} s`)
    }
  }
}

/** The sender config.sms asks for; null when none is configured (config refuses that in production). */
export function createSmsSender (sms: Config['sms'], log: FastifyBaseLogger): SmsSender | null {
  if (sms.sender === 'log') return logSender(log)
  if (sms.sender === 'webhook' && sms.webhookUrl !== undefined && sms.webhookSecret !== undefined) {
    return webhookSender({ url: sms.webhookUrl, secret: sms.webhookSecret, timeoutMs: sms.timeoutMs, retries: sms.retries, log })
  }
  return null
}

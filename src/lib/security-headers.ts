// Security headers, computed once: helmet's defaults for pages (helmet builds them per response, which measured ~7 %
// of the event loop on the scan path; none varies by request, no CSP nonces are used) and a short set for API answers.
import helmet from 'helmet'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { IncomingMessage, ServerResponse } from 'node:http'

/** The headers helmet would set, as a plain object. */
export function helmetHeaders (): Record<string, string> {
  const headers: Record<string, string> = {}
  const res = {
    setHeader (name: string, value: string | number | string[]) { headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value) },
    removeHeader (name: string) { Reflect.deleteProperty(headers, name.toLowerCase()) }
  }
  let done = false
  // The pages' QR decoder is WebAssembly (zxing-wasm): 'wasm-unsafe-eval' lets the page compile it, and nothing
  // else (no JS eval, no inline script).
  helmet({ contentSecurityPolicy: { directives: { scriptSrc: ["'self'", "'wasm-unsafe-eval'"] } } })({} as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => {
    if (err !== undefined && err !== null) throw err as Error
    done = true
  })
  if (!done) throw new Error('helmet did not finish synchronously')
  return headers
}

/**
 * The headers of an API answer (OWASP's REST set): JSON is never rendered, so a page's policy (scripts, styles, fonts,
 * images) says nothing there. Not to be framed, not sniffed as something else, not read by another site's page, HTTPS
 * only, no referrer. 261 bytes instead of helmet's 682: a checkpoint's phone receives them with every scan.
 */
export const API_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': "default-src 'none';frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY'
})

/** Answers that are data, not pages: the API, the key set, health and metrics. */
const API_PATH = /^\/(v1\/|\.well-known\/|healthz|readyz|metrics)/

/**
 * An onRequest hook that sets the security headers on every reply (routes may still override them): API_HEADERS on
 * API answers (errors included), helmet's on everything else (the pages, the API documentation, unknown paths).
 */
export function securityHeaders (): (request: FastifyRequest, reply: FastifyReply, done: () => void) => void {
  const page = helmetHeaders()
  return (request, reply, done) => { reply.headers(API_PATH.test(request.url) ? API_HEADERS : page); done() }
}

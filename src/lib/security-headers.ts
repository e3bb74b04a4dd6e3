// helmet's default security headers, computed once: helmet builds them per response, which measured ~7 % of the
// event loop on the scan path. None of its defaults varies by request (no CSP nonces are used).
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

/** An onRequest hook that sets helmet's headers on every reply (routes may still override them). */
export function securityHeaders (): (request: FastifyRequest, reply: FastifyReply, done: () => void) => void {
  const headers = helmetHeaders()
  return (_request, reply, done) => { reply.headers(headers); done() }
}

// The typed API client every page uses (openapi-fetch over the types generated from the service's /openapi.json),
// and the one place API errors become words in the page's language.
import createClient, { type Middleware } from 'openapi-fetch'
import type { paths } from './api-types.ts'

export interface ApiErrorBody { statusCode: number, code: string, error: string, message: string }

export function makeClient (token: () => string | null) {
  const client = createClient<paths>({ baseUrl: '' })
  const auth: Middleware = {
    onRequest ({ request }) {
      const t = token()
      if (t !== null) request.headers.set('authorization', `Bearer ${t}`)
      return request
    }
  }
  client.use(auth)
  return client
}

/** The message key for an error answer: a field-specific one when the server names a field we know, else its code. */
export function errorKey (error: unknown, status?: number): string {
  if (error === undefined || error === null) return status !== undefined && status >= 500 ? 'error.server' : 'error.network'
  const body = error as Partial<ApiErrorBody>
  if (body.code === 'GP_VALIDATION' && typeof body.message === 'string') {
    // The server's message starts with the field it refuses, e.g. "body.phone: must match pattern": only the name is used.
    const field = /^(?:body|querystring|params)?\.?([A-Za-z]+)/.exec(body.message)?.[1]
    if (field !== undefined && FIELDS.has(field)) return `error.field.${field}`
  }
  if (typeof body.code === 'string' && KNOWN.has(body.code)) return `error.${body.code}`
  return 'error.server'
}

const FIELDS = new Set(['phone', 'code', 'temperature', 'name', 'idNumber', 'message', 'username', 'password', 'plate', 'image'])
const KNOWN = new Set(['GP_VALIDATION', 'GP_UNAUTHENTICATED', 'GP_FORBIDDEN', 'GP_NOT_FOUND', 'GP_CONFLICT', 'GP_RATE_LIMITED',
  'GP_INVALID_ID_NUMBER', 'GP_PROFILE_REQUIRED', 'GP_PAYLOAD_TOO_LARGE', 'GP_UNSUPPORTED_MEDIA_TYPE'])

/** A new scan id: crypto.randomUUID where the page is a secure context, else from getRandomValues (plain http on a LAN). */
export function uuid (): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  const b = crypto.getRandomValues(new Uint8Array(16))
  b[6] = (b[6]! & 0x0f) | 0x40
  b[8] = (b[8]! & 0x3f) | 0x80
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

// The typed API client every page uses (openapi-fetch over the types generated from the service's /openapi.json),
// and the one place API errors become words in the page's language.
import { v7 as uuidv7 } from 'uuid'
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

/**
 * A new id for a scan, check-in or import: a UUIDv7 (RFC 9562), its first 48 bits the time. The service keeps rows by
 * these ids; time-ordered ids land at the end of that index instead of on a random page of it, which makes each
 * commit write fewer pages (docs/scans.md). From getRandomValues, so also on plain http on a LAN.
 */
export const uuid = (): string => uuidv7()

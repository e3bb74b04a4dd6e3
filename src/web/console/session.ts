// The signed-in staff user (token kept for this tab only), the typed API client, errors as words, and downloads
// with the bearer token (fetch + blob: a link cannot carry the Authorization header).
import { reactive } from 'vue'
import { makeClient, type ApiErrorBody } from '../shared/api.ts'

export type StaffRole = 'tracer' | 'officer' | 'admin'
const KEY = 'gp.console.session'

export interface Session { token: string | null, role: StaffRole | null, username: string, userId: string }

function load (): Session {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Session | null
    if (s !== null && typeof s.token === 'string') return s
  } catch { /* nothing saved */ }
  return { token: null, role: null, username: '', userId: '' }
}

export const session = reactive<Session>(load())
export const api = makeClient(() => session.token)

export function signIn (s: Session): void {
  Object.assign(session, s)
  try { sessionStorage.setItem(KEY, JSON.stringify(s)) } catch { /* private mode: this page only */ }
}

export function signOut (): void {
  Object.assign(session, { token: null, role: null, username: '', userId: '' })
  try { sessionStorage.removeItem(KEY) } catch { /* nothing saved */ }
}

/** An API failure the page shows in words: the message key, chosen by the answer's code (never its text). */
export class ApiFailure extends Error {
  constructor (readonly key: string, readonly status: number) { super(key) }
}

/** The codes messages.ts has words for; any other is "the server could not do this". */
const KNOWN = new Set(['GP_VALIDATION', 'GP_UNAUTHENTICATED', 'GP_FORBIDDEN', 'GP_NOT_FOUND', 'GP_CONFLICT', 'GP_RATE_LIMITED', 'GP_INVALID_ID_NUMBER',
  'GP_PURPOSE_REQUIRED', 'GP_OVERLOADED', 'GP_SITE_OUTSIDE_PRESENCE', 'GP_TRACE_TOO_LARGE', 'GP_PAYLOAD_TOO_LARGE', 'GP_UNSUPPORTED_MEDIA_TYPE'])

/** The words key for an error answer: by its GP_* code, a few fields by name; anything else is "server". */
export function failureKey (error: unknown, status: number | undefined): string {
  if (status === undefined || status === 0) return 'err.network'
  const body = (error ?? {}) as Partial<ApiErrorBody>
  if (body.code === 'GP_VALIDATION' && typeof body.message === 'string') {
    if (/^query(string)?\.cursor/.test(body.message)) return 'err.cursor'
    if (/^query(string)?\.tiers/.test(body.message)) return 'err.tiers'
  }
  if (typeof body.code === 'string' && KNOWN.has(body.code)) return `err.${body.code}`
  return 'err.server'
}

/** Unwraps an openapi-fetch answer: the data, or an ApiFailure; 401 signs out (the session ended). */
export async function call<T> (p: Promise<{ data?: T, error?: unknown, response: Response }>): Promise<{ data: T, status: number }> {
  let out: { data?: T, error?: unknown, response: Response }
  try {
    out = await p
  } catch {
    throw new ApiFailure('err.network', 0)
  }
  const status = out.response.status
  if (status >= 200 && status < 300) return { data: out.data as T, status }
  if (status === 401) signOut()
  throw new ApiFailure(failureKey(out.error, status), status)
}

export const query = (params: Record<string, string | number | undefined>): string =>
  new URLSearchParams(Object.entries(params).filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== '').map(([k, v]) => [k, String(v)])).toString()

/** Saves a file the API answers (trail.csv, trail.geojson, contacts.csv) under the name the server gives. */
export async function download (url: string, fallbackName: string): Promise<string> {
  let res: Response
  try {
    res = await fetch(url, { headers: session.token === null ? {} : { authorization: `Bearer ${session.token}` } })
  } catch {
    throw new ApiFailure('err.network', 0)
  }
  if (!res.ok) {
    if (res.status === 401) signOut()
    throw new ApiFailure(failureKey(await res.json().catch(() => undefined), res.status), res.status)
  }
  const name = /filename="?([^";]+)"?/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName
  const href = URL.createObjectURL(await res.blob())
  const a = document.createElement('a')
  a.href = href
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => { URL.revokeObjectURL(href) }, 10_000)
  return name
}

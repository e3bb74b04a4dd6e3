// The grid worker's session on this device: the staff token (POST /v1/auth/login) and who it is (GET /v1/me/account),
// kept in localStorage under one prefix so logging out removes every trace of it.
import { reactive } from 'vue'
import { errorKey, makeClient } from '../shared/api.ts'
import type { Account } from './types.ts'

const KEY = 'gp.grid.session'

interface Stored { token: string, expiresAt: number, account: Account }

function read (): Stored | null {
  try {
    const raw = localStorage.getItem(KEY)
    return raw === null ? null : JSON.parse(raw) as Stored
  } catch { return null }
}
function write (value: Stored | null): void {
  try { if (value === null) localStorage.removeItem(KEY); else localStorage.setItem(KEY, JSON.stringify(value)) } catch { /* private mode: the session lasts this visit */ }
}

const stored = read()
export const session = reactive<{ token: string | null, account: Account | null, expired: boolean }>({
  token: stored !== null && stored.expiresAt > Date.now() ? stored.token : null,
  account: stored !== null && stored.expiresAt > Date.now() ? stored.account : null,
  expired: false
})

export const api = makeClient(() => session.token)

/** Logs in; null when done, else the message key of what went wrong. Only grid workers use this page. */
export async function login (username: string, password: string): Promise<string | null> {
  try {
    const { data, error, response } = await api.POST('/v1/auth/login', { body: { username, password } })
    if (data === undefined) return response.status === 401 ? 'error.login' : errorKey(error, response.status)
    session.token = data.accessToken
    const me = await api.GET('/v1/me/account')
    if (me.data === undefined) { session.token = null; return errorKey(me.error, me.response.status) }
    if (me.data.role !== 'gridworker') { session.token = null; return 'login.notGridworker' }
    session.account = { username: me.data.username, gridIds: me.data.gridIds }
    session.expired = false
    write({ token: data.accessToken, expiresAt: Date.now() + data.expiresIn * 1000, account: session.account })
    return null
  } catch {
    session.token = null
    return 'error.network'
  }
}

/** A 401 on any call: the token is gone; the page asks to log in again and keeps what is on screen (drafts stay). */
export function expired (): void {
  session.token = null
  session.expired = true
  write(null)
}

export function logout (): void {
  session.token = null
  session.account = null
  session.expired = false
  write(null)
}

export type Outcome<T> = { ok: true, data: T } | { ok: false, key: string, status: number, error: unknown, offline: boolean }

/** One API call with what every screen does the same way: no network → offline, 401 → log in again, else the error's words. */
export async function call<T> (fn: () => Promise<{ data?: T, error?: unknown, response: Response }>, words: (error: unknown, status: number) => string = errorKey): Promise<Outcome<T>> {
  if (typeof navigator !== 'undefined' && navigator.onLine === false) return { ok: false, key: 'error.network', status: 0, error: undefined, offline: true }
  let res
  try {
    res = await fn()
  } catch {
    return { ok: false, key: 'error.network', status: 0, error: undefined, offline: true }
  }
  if (res.response.status === 401) { expired(); return { ok: false, key: 'login.expired', status: 401, error: res.error, offline: false } }
  if (res.data === undefined && res.response.status !== 204) return { ok: false, key: words(res.error, res.response.status), status: res.response.status, error: res.error, offline: false }
  return { ok: true, data: res.data as T }
}

// The signed list of non-green people that offline scanners judge paper codes and stale live codes by.
import type { Config } from '../../config.ts'
import { signCompact } from '../../lib/jws.ts'
import type { Keyring } from '../../lib/keyring.ts'
import type { StatusService } from '../status/index.ts'

export const STATUS_LIST_TYP = 'gp-status+jwt'
/** A scanner may judge by a list for 10 minutes after it was signed; past that it must fetch a new one. */
export const STATUS_LIST_SECONDS = 600
/** Many scanners poll the list: one signed list serves everyone for a minute of the service's clock. */
export const STATUS_LIST_CACHE_MS = 60_000

export interface SignedList { token: string, issuedAt: number, expiresAt: number, count: number }

export function createStatusListService ({ status, keyring, config }: { status: StatusService, keyring: Keyring, config: Config }) {
  let cached: { at: number, list: Promise<SignedList> } | null = null

  async function build (now: number): Promise<SignedList> {
    // Sorted by personId: the same statuses give the same payload bytes.
    const rows = await status.nonGreen(now)
    const nonGreen: Record<string, 'y' | 'r'> = {}
    for (const r of rows) nonGreen[r.personId] = r.color === 'red' ? 'r' : 'y'
    const iat = Math.floor(now / 1000)
    const exp = iat + STATUS_LIST_SECONDS
    const key = keyring.active
    const token = await signCompact({ alg: 'ES256', kid: key.kid, typ: STATUS_LIST_TYP }, { iss: config.issuer, iat, exp, nonGreen }, key.privateKey)
    return { token, issuedAt: iat * 1000, expiresAt: exp * 1000, count: rows.length }
  }

  return {
    /** The current list, from the cache when it is younger than a minute (a clock set back also rebuilds it). */
    async current (): Promise<{ list: SignedList, maxAgeSeconds: number }> {
      const now = config.now()
      if (cached === null || now < cached.at || now - cached.at >= STATUS_LIST_CACHE_MS) {
        const list = build(now)
        cached = { at: now, list }
        // A failed build must not be served from the cache.
        list.catch(() => { if (cached?.list === list) cached = null })
      }
      const at = cached.at
      const list = await cached.list
      return { list, maxAgeSeconds: Math.max(0, Math.ceil((at + STATUS_LIST_CACHE_MS - now) / 1000)) }
    }
  }
}
export type StatusListService = ReturnType<typeof createStatusListService>

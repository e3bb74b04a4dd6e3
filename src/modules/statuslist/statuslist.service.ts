// The signed list offline scanners judge paper codes by: every unexpired paper card whose holder is not green now, by
// card id, naming no person.
import type { Config } from '../../config.ts'
import { STATUS_LIST_TYP } from '../../lib/code-format.ts'
import { signCompact } from '../../lib/jws.ts'
import type { Keyring } from '../../lib/keyring.ts'
import type { CodesService } from '../codes/index.ts'
import type { StatusService } from '../status/index.ts'

export { STATUS_LIST_TYP }
/** A scanner may judge by a list for 10 minutes after it was signed; past that it must fetch a new one. */
export const STATUS_LIST_SECONDS = 600
/** Many scanners poll the list: one signed list serves everyone for a minute of the service's clock. */
export const STATUS_LIST_CACHE_MS = 60_000

export interface SignedList { token: string, issuedAt: number, expiresAt: number, count: number }

interface Deps { status: StatusService, codes: CodesService, keyring: Keyring, config: Config }

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

export function createStatusListService ({ status, codes, keyring, config }: Deps) {
  let cached: { at: number, list: Promise<SignedList> } | null = null

  async function build (now: number): Promise<SignedList> {
    // Keyed by card, not by person: a list of who is not green, by personId, would tell every volunteer the health of
    // anyone whose code they once saw. The colour rule decides (status.nonGreen); the codes module knows the cards.
    const colorOf = new Map((await status.nonGreen(now)).map((r) => [r.personId, r.color === 'red' ? 'r' : 'y'] as const))
    const cards = (await codes.cardsOf([...colorOf.keys()], now)).sort((a, b) => byCodeUnit(a.cardId, b.cardId))
    // Sorted by card id: the same cards and colours give the same payload bytes.
    const paper: Record<string, 'y' | 'r'> = {}
    for (const c of cards) paper[c.cardId] = colorOf.get(c.personId) as 'y' | 'r'
    const iat = Math.floor(now / 1000)
    const exp = iat + STATUS_LIST_SECONDS
    const key = keyring.active
    const token = await signCompact({ alg: 'ES256', kid: key.kid, typ: STATUS_LIST_TYP }, { iss: config.issuer, iat, exp, paper }, key.privateKey)
    return { token, issuedAt: iat * 1000, expiresAt: exp * 1000, count: cards.length }
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

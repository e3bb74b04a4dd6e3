// A household's address as typed by a grid worker or read from a register: tidied for display and keyed for uniqueness.

/** Longest address kept, in characters after tidying: 一标三实 standard addresses run to about 60. */
export const ADDRESS_MAX = 200

/** Control, format (zero-width, bidirectional) and separator characters: never part of an address, a forger's tool. */
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u
const SPACES = /\s+/gu

export type AddressCheck = { ok: true, value: string, key: string } | { ok: false, why: string }

/**
 * NFKC (full-width digits and letters become ASCII: "３号楼" and "3号楼" are one address), spaces made one and trimmed.
 * `key` is what uniqueness compares: the tidied text without any space, lower case ("清江路 12号" = "清江路12号").
 */
export function checkAddress (raw: string): AddressCheck {
  if (FORBIDDEN.test(raw)) return { ok: false, why: 'contains an invisible or control character' }
  const value = raw.normalize('NFKC').replace(SPACES, ' ').trim()
  if (value === '') return { ok: false, why: 'is blank' }
  const length = [...value].length
  if (length > ADDRESS_MAX) return { ok: false, why: `is ${length} characters long; at most ${ADDRESS_MAX}` }
  return { ok: true, value, key: value.replace(SPACES, '').toLowerCase() }
}

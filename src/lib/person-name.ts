// A person's name as given: tidied (NFC, trimmed, runs of spaces made one) or refused with the reason, naming the field.

/** Longest name kept, in characters (code points) after tidying: the longest Uyghur or Tibetan names in Chinese run to ~20. */
export const NAME_MAX = 50

/**
 * Invisible or direction-changing characters a name never needs and a forger uses to make two names look alike or to
 * flip what a list shows: every format character (Cf: zero-width space, joiners and non-joiner U+200B–U+200D, word
 * joiner U+2060, BOM U+FEFF, the bidirectional marks, embeddings, overrides and isolates U+200E/F, U+202A–U+202E,
 * U+2066–U+2069, U+061C, soft hyphen, invisible operators, tags), control characters (Cc: C0, DEL, C1), line and
 * paragraph separators, lone surrogates and non-characters.
 */
const FORBIDDEN = /[\p{Cf}\p{Cc}\p{Zl}\p{Zp}\p{Cs}\uFFFE\uFFFF]/u
/** Unicode spaces, U+3000 (ideographic) included; \s also covers U+00A0, U+2000–U+200A, U+202F, U+205F. */
const SPACES = /\s+/gu
/** Hangul fillers and the Braille blank look like nothing and are letters to Unicode: a name of only these is blank. */
const BLANK_LETTERS = /[\u115F\u1160\u3164\uFFA0\u2800]/gu
/** More combining marks in a row than any script's names use: text stacked over the neighbouring lines. */
const MARK_PILE = /\p{M}{5,}/u

export type NameCheck = { ok: true, value: string } | { ok: false, why: string }

const codePoint = (ch: string): string => `U+${(ch.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`

export function checkName (raw: string): NameCheck {
  const forbidden = FORBIDDEN.exec(raw)
  if (forbidden !== null && /\p{Cs}/u.test(forbidden[0])) return { ok: false, why: 'contains a broken character (a lone UTF-16 surrogate)' }
  if (forbidden !== null) return { ok: false, why: `contains an invisible or control character (${codePoint(forbidden[0])}); type the name as printed on the ID card` }
  const value = raw.normalize('NFC').replace(SPACES, ' ').trim()
  if (value.replace(BLANK_LETTERS, '').replace(SPACES, '') === '') return { ok: false, why: 'is blank (only spaces)' }
  if (MARK_PILE.test(value)) return { ok: false, why: 'has more than 4 combining marks in a row' }
  const length = [...value].length
  if (length > NAME_MAX) return { ok: false, why: `is ${length} characters long; at most ${NAME_MAX}` }
  return { ok: true, value }
}

// GB 11643-1999 resident identity numbers: 17 digits, then a check character (ISO 7064 MOD 11-2).
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const CHECK = '10X98765432'

export function checkCharacter (first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0)
  return CHECK[sum % 11] as string
}

/** Returns the canonical form (upper-case X) or a sentence saying what is wrong. */
export function validateIdNumber (input: string, nowMs: number): { ok: true, value: string } | { ok: false, why: string } {
  const value = input.trim().toUpperCase()
  if (!/^\d{17}[\dX]$/.test(value)) return { ok: false, why: 'must be 18 characters: 17 digits and a digit or X' }
  const y = Number(value.slice(6, 10))
  const m = Number(value.slice(10, 12))
  const d = Number(value.slice(12, 14))
  const birth = new Date(Date.UTC(y, m - 1, d))
  if (y < 1880 || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d || birth.getTime() > nowMs) {
    return { ok: false, why: 'holds no valid date of birth (characters 7-14)' }
  }
  if (checkCharacter(value.slice(0, 17)) !== value[17]) return { ok: false, why: 'check digit does not match' }
  return { ok: true, value }
}

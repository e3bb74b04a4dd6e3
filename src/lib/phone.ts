// Mainland mobile numbers: 11 digits starting with 1, with an optional +86 prefix.
export const PHONE_PATTERN = '^(\\+86)?1[0-9]{10}$'

export function normalizePhone (input: string): string {
  return input.startsWith('+86') ? input.slice(3) : input
}

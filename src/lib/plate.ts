// Vehicle plates as they are compared.

/** Plates compare without spaces, upper case; an empty plate is no plate. */
export function normalizePlate (plate: string | null): string | null {
  if (plate === null) return null
  const p = plate.replace(/\s+/g, '').toUpperCase()
  return p === '' ? null : p
}

// What the database counts as a stay (migration 0005's triggers keep scans.stay_start by it).

/** The longest stay: an "in" followed by an "out" later than this is a forgotten "out", not a stay. */
export const MAX_STAY_MS = 4 * 3600_000

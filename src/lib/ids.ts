// Random identifiers: never derived from personal data.
import { randomFillSync, randomUUID } from 'node:crypto'

// 128 random bits a time from a pool filled 4 KiB at once, as randomUUID keeps its own: randomBytes(16) asks the
// kernel for every id (about 5 µs each on this machine class, a twentieth of a live code's event-loop time; the
// pool's share is about 0.1 µs). Ids, not keys: the bits waiting in the pool are no secret once used.
const POOL = Buffer.alloc(16 * 256)
let offset = POOL.length

/** 128 random bits as 22 base64url characters: person ids, jti, change ids. */
export const randomId = (): string => {
  if (offset === POOL.length) { randomFillSync(POOL); offset = 0 }
  const id = POOL.toString('base64url', offset, offset + 16)
  offset += 16
  return id
}
export const uuid = (): string => randomUUID()

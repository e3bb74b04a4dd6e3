// Random identifiers: never derived from personal data.
import { randomBytes, randomUUID } from 'node:crypto'

/** 128 random bits as 22 base64url characters: person ids, jti, change ids. */
export const randomId = (): string => randomBytes(16).toString('base64url')
export const uuid = (): string => randomUUID()

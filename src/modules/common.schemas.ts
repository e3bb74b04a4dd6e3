// Schemas shared by several modules: colours, ids, error answers.
import { Type, type TSchema } from '@sinclair/typebox'
import { ErrorBody } from '../errors.ts'

export const Color = Type.Union([Type.Literal('green'), Type.Literal('yellow'), Type.Literal('red')], { description: 'Health-code colour' })
export const IsoTime = Type.String({ format: 'date-time', description: 'ISO 8601, UTC' })
export const IdNumber = Type.String({ minLength: 1, maxLength: 32, description: '18-character GB 11643 resident ID; a wrong check digit → 400 GP_INVALID_ID_NUMBER' })
export const PersonId = Type.String({ pattern: '^[A-Za-z0-9_-]{16,64}$', description: 'Opaque, random person id' })

const ErrorRef = Type.Ref(ErrorBody)
/** Response schemas for the listed error statuses, all the one public error shape. */
export function errors (...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((s) => [s, ErrorRef]))
}

export const bearer = [{ bearer: [] }]

/** The schema, or null. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

/** Epoch milliseconds as the API's ISO 8601 UTC text. */
export const iso = (ms: number): string => new Date(ms).toISOString()

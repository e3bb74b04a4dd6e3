// The two Ajv set-ups: bodies are never coerced or trimmed; query strings and path params arrive as text and are coerced.
import { Ajv } from 'ajv'
import addFormatsModule from 'ajv-formats'

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv

export const createBodyAjv = (): Ajv => addFormats(new Ajv({ coerceTypes: false, removeAdditional: false, useDefaults: true, allErrors: false, strict: false }))
export const createTextAjv = (): Ajv => addFormats(new Ajv({ coerceTypes: true, removeAdditional: false, useDefaults: true, allErrors: false, strict: false }))

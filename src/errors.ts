// The GP_* error catalogue and the one public error shape; every refusal in the service comes from here.
import createError from '@fastify/error'
import { Type } from '@sinclair/typebox'

export const ErrorBody = Type.Object({
  statusCode: Type.Integer(),
  code: Type.String({ pattern: '^GP_' }),
  error: Type.String(),
  message: Type.String()
}, { $id: 'GpError', description: 'Every 4xx/5xx answer. `code` is stable; `message` names the field at fault.' })

export const Validation = createError('GP_VALIDATION', '%s', 400)
export const InvalidIdNumber = createError('GP_INVALID_ID_NUMBER', '%s', 400)
export const PurposeRequired = createError('GP_PURPOSE_REQUIRED', '%s', 400)
export const Unauthenticated = createError('GP_UNAUTHENTICATED', '%s', 401)
export const Forbidden = createError('GP_FORBIDDEN', '%s', 403)
export const NotFound = createError('GP_NOT_FOUND', '%s', 404)
export const Conflict = createError('GP_CONFLICT', '%s', 409)
export const ProfileRequired = createError('GP_PROFILE_REQUIRED', '%s', 409)
export const PayloadTooLarge = createError('GP_PAYLOAD_TOO_LARGE', '%s', 413)
export const UnsupportedMediaType = createError('GP_UNSUPPORTED_MEDIA_TYPE', '%s', 415)
export const TraceTooLarge = createError('GP_TRACE_TOO_LARGE', '%s', 422)
/** An exposure site's window outside the case person's own presences there (widened by 240 minutes): 422. */
export const SiteOutsidePresence = createError('GP_SITE_OUTSIDE_PRESENCE', '%s', 422)
export const RateLimited = createError('GP_RATE_LIMITED', '%s', 429)
/** The SMS gateway did not take a login code (nothing usable was sent): the resident may ask again shortly. */
export const SmsUnavailable = createError('GP_SMS_UNAVAILABLE', '%s', 503)

/** 5xx codes whose message is written for the client and carries no internal detail: answered as thrown. */
export const PUBLIC_5XX_CODES = new Set(['GP_SMS_UNAVAILABLE'])

/** Fastify's own error codes, translated into the public catalogue. */
export const FASTIFY_CODES: Record<string, { code: string, statusCode: number }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'GP_UNSUPPORTED_MEDIA_TYPE', statusCode: 415 },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'GP_VALIDATION', statusCode: 400 },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'GP_VALIDATION', statusCode: 400 },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'GP_VALIDATION', statusCode: 400 },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'GP_PAYLOAD_TOO_LARGE', statusCode: 413 },
  FST_ERR_CTP_INVALID_TYPE: { code: 'GP_UNSUPPORTED_MEDIA_TYPE', statusCode: 415 },
  FST_JWT_NO_AUTHORIZATION_IN_HEADER: { code: 'GP_UNAUTHENTICATED', statusCode: 401 },
  FST_JWT_AUTHORIZATION_TOKEN_EXPIRED: { code: 'GP_UNAUTHENTICATED', statusCode: 401 },
  FST_JWT_AUTHORIZATION_TOKEN_INVALID: { code: 'GP_UNAUTHENTICATED', statusCode: 401 },
  FST_JWT_AUTHORIZATION_TOKEN_UNTRUSTED: { code: 'GP_UNAUTHENTICATED', statusCode: 401 },
  FST_JWT_BAD_REQUEST: { code: 'GP_UNAUTHENTICATED', statusCode: 401 },
  FST_ERR_VALIDATION: { code: 'GP_VALIDATION', statusCode: 400 }
}

export const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable'
}

/** Turns an Ajv error into "body.phone: must match ..." so the field at fault is always named. */
export function describeValidation (errors: Array<{ instancePath: string, keyword: string, params: Record<string, unknown>, message?: string }>, part: string): string {
  // Fastify calls the query "querystring"; the service's own messages (query.cursor, query.from) and the docs say "query".
  const where = part === 'querystring' ? 'query' : part
  return errors.map((e) => {
    const path = [where, ...e.instancePath.split('/').filter(Boolean)].join('.')
    if (e.keyword === 'required') return `${path}.${String(e.params.missingProperty)}: is required`
    if (e.keyword === 'additionalProperties') return `${path}.${String(e.params.additionalProperty)}: is not a known field`
    return `${path}: ${e.message ?? 'is invalid'}`
  }).join('; ')
}

// POST /v1/scans/image: a photo of a code, decoded on the server (the slow path), then judged like POST /v1/scans.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import multipart from '@fastify/multipart'
import { Type, type Static } from '@sinclair/typebox'
import { PayloadTooLarge, UnsupportedMediaType, Validation, describeValidation } from '../../errors.ts'
import { createBodyAjv } from '../../lib/ajv.ts'
import { bearer, errors } from '../common.schemas.ts'
import { sniff, type ImageType } from './image-decode.ts'
import { DecoderBusy, MAX_WAITING, createDecodePool } from './image-pool.ts'
import { ScanAnswer, ScanFields } from './scans.schemas.ts'
import type { ScansService } from './scans.service.ts'

export const MAX_IMAGE_BYTES = 5 * 1024 * 1024
// Every valid text field is far shorter than this; longer is refused, not truncated.
const MAX_FIELD_BYTES = 1024

const ImageFields = Type.Object(ScanFields, { additionalProperties: false })
const checkFields = createBodyAjv().compile<Static<typeof ImageFields>>(ImageFields)

/** The multipart body as documented in OpenAPI; the handler parses and checks it itself (see below). */
const ImageBody = Type.Object({
  image: Type.String({ format: 'binary', description: 'PNG or JPEG (by content, not by declared type), at most 5 MiB and 12 megapixels (4032×3024, a phone\'s 12 MP photo, included)' }),
  ...ScanFields
})

interface Upload { fields: Record<string, string>, image: { type: ImageType, data: Buffer } | null }

/** Multipart plugin and parser errors, in the public catalogue. */
function translate (err: unknown): unknown {
  const e = err as { code?: string, message?: string }
  switch (e.code) {
    case 'FST_REQ_FILE_TOO_LARGE': return new PayloadTooLarge(`image: over the limit of ${MAX_IMAGE_BYTES} bytes`)
    case 'FST_FILES_LIMIT': return new PayloadTooLarge('body: at most one file (image)')
    case 'FST_FIELDS_LIMIT': return new PayloadTooLarge('body: too many fields')
    case 'FST_PARTS_LIMIT': return new PayloadTooLarge('body: too many parts')
    case 'FST_PROTO_VIOLATION': return new Validation('body: a field name is not allowed')
    case 'FST_INVALID_JSON_FIELD_ERROR': return new Validation('body: a field declared as JSON is not valid JSON')
    case 'FST_MP_PREMATURE_CLOSE': return new Validation('body: the request ended before the multipart body did')
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE': return new UnsupportedMediaType('body: must be multipart/form-data')
  }
  if (e.code?.startsWith('GP_') === true) return err
  // busboy: a malformed body (no boundary, bad part headers, truncated data).
  if (e.code === undefined && typeof e.message === 'string') return new Validation(`body: not a readable multipart body (${e.message.slice(0, 100)})`)
  return err
}

async function readUpload (request: FastifyRequest): Promise<Upload> {
  if (!request.isMultipart()) throw new UnsupportedMediaType('body: must be multipart/form-data with an image part')
  const upload: Upload = { fields: {}, image: null }
  const seen = new Set<string>()
  try {
    for await (const part of request.parts()) {
      if (seen.has(part.fieldname)) throw new Validation(`body.${part.fieldname}: is given more than once`)
      seen.add(part.fieldname)
      if (part.type === 'field') {
        if (part.fieldname === 'image') throw new Validation('body.image: must be a file part (PNG or JPEG)')
        if (part.valueTruncated) throw new Validation(`body.${part.fieldname}: is longer than ${MAX_FIELD_BYTES} bytes`)
        upload.fields[part.fieldname] = String(part.value)
        continue
      }
      if (part.fieldname !== 'image') throw new Validation(`body.${part.fieldname}: is not a known field (the file part is image)`)
      const chunks: Buffer[] = []
      let size = 0
      let type: ImageType | null = null
      for await (const chunk of part.file) {
        chunks.push(chunk as Buffer)
        size += (chunk as Buffer).length
        if (part.file.truncated) throw new PayloadTooLarge(`image: over the limit of ${MAX_IMAGE_BYTES} bytes`)
        // Refuse the wrong type from its first bytes, without reading the rest.
        if (type === null && size >= 8) {
          type = sniff(Buffer.concat(chunks).subarray(0, 8))
          if (type === null) throw new UnsupportedMediaType(`image: must be a PNG or JPEG (declared ${part.mimetype}, content is neither)`)
        }
      }
      if (part.file.truncated) throw new PayloadTooLarge(`image: over the limit of ${MAX_IMAGE_BYTES} bytes`)
      if (size === 0) throw new Validation('body.image: is empty')
      if (type === null) throw new UnsupportedMediaType(`image: must be a PNG or JPEG (declared ${part.mimetype}, content is neither)`)
      upload.image = { type, data: Buffer.concat(chunks, size) }
    }
  } catch (err) {
    throw translate(err)
  }
  return upload
}

export default async function imageRoutes (app: FastifyInstance, scans: ScansService): Promise<void> {
  // The decode threads serve this route only: they start and stop with it.
  const limitMs = app.config.imageDecodeMs
  const decoder = createDecodePool({ limitMs })
  app.addHook('onClose', async () => { await decoder.close() })
  // Own scope: the multipart parser and its hooks serve this route only; every other route stays JSON-only.
  await app.register(async (scope) => {
    await scope.register(multipart, {
      throwFileSizeLimit: true,
      limits: { fileSize: MAX_IMAGE_BYTES, files: 1, fields: 8, parts: 10, fieldSize: MAX_FIELD_BYTES, fieldNameSize: 64, headerPairs: 16 }
    })

    scope.post('/v1/scans/image', {
      onRequest: [scope.authenticate, scope.requireRole('volunteer', 'admin')],
      // The body schema is for the OpenAPI document only: a multipart body is parsed and checked in the handler.
      validatorCompiler: () => () => true,
      schema: {
        tags: ['scans'], summary: 'Verify a photo of a code and record it (volunteer assigned to the checkpoint, admin)', security: bearer,
        description: 'The slow path, for scanners without a QR reader: the QR is decoded on the server (jsQR), which costs tens to hundreds of milliseconds of CPU per image. ' +
          'multipart/form-data with one file part `image` (PNG or JPEG, by content; at most 5 MiB and 12 megapixels, 4032×3024 included) and the text fields of POST /v1/scans except `token`. ' +
          'The answer is that of POST /v1/scans. No QR found → 400; not PNG/JPEG → 415; too large → 413. ' +
          `Photos are decoded one at a time on one thread, each for at most ${limitMs / 1000} s (GRIDPASS_IMAGE_DECODE_MS): a photo still decoding then is stopped and answered 400 GP_VALIDATION ` +
          `(a 12-megapixel phone photo takes 1–2 s on one core); more than ${MAX_WAITING} photos waiting → 503 GP_UNAVAILABLE with Retry-After.`,
        consumes: ['multipart/form-data'],
        body: ImageBody,
        response: { 200: ScanAnswer, ...errors(400, 401, 403, 404, 409, 413, 415, 503) }
      }
    }, async (request, reply) => {
      const upload = await readUpload(request)
      const fields: unknown = upload.fields
      if (!checkFields(fields)) throw new Validation(describeValidation(checkFields.errors ?? [], 'body'))
      if (upload.image === null) throw new Validation('body.image: is required (a PNG or JPEG file part)')
      await scans.checkScanner(request.user, fields.checkpointId)
      let token: string | null
      try {
        token = await decoder.decode(upload.image.data, upload.image.type)
      } catch (err) {
        if (err instanceof DecoderBusy) void reply.header('retry-after', String(Math.ceil(limitMs / 1000)))
        throw err
      }
      if (token === null) throw new Validation('image: no QR code found in the image')
      request.log.info({ checkpointId: fields.checkpointId, imageType: upload.image.type, imageBytes: upload.image.data.length }, 'scan image decoded')
      return scans.judge(request.user, { ...fields, token }, 'image')
    })
  })
}

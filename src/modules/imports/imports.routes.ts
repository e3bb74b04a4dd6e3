// HTTP for register imports: POST /v1/imports/residents (a CSV body, read as a stream) and GET /v1/imports/{importId}.
import { randomUUID } from 'node:crypto'
import type { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { NotFound, STATUS_TEXT, Validation } from '../../errors.ts'
import { bearer, errors } from '../common.schemas.ts'
import { MAX_IMPORT_BYTES } from './imports.csv.ts'
import { ImportHeaders, ImportInvalidBody, ImportParams, ImportProgress, ImportResult, RegisterCsv } from './imports.schemas.ts'
import { ImportInvalid, MAX_IMPORT_ROWS, type ImportsService } from './imports.service.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export default async function importsRoutes (fastify: FastifyInstance, imports: ImportsService): Promise<void> {
  // A scope of its own: text/csv is read here only, as the raw request stream (never one 50 MB string), and any other
  // body type is refused with 415.
  await fastify.register(async (scope) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('text/csv', (_request, payload, done) => { done(null, payload) })
    const app = scope.withTypeProvider<TypeBoxTypeProvider>()

    app.post('/v1/imports/residents', {
      onRequest: [app.authenticate, app.requireRole('officer', 'admin')],
      // The body and header schemas are for the OpenAPI document only: the stream is read and checked by the service,
      // the header below.
      validatorCompiler: () => () => true,
      schema: {
        tags: ['imports'], summary: 'Import a police or street register (一标三实) as CSV, all or nothing (officer, admin; audited)', security: bearer,
        description: [
          `Content-Type text/csv; UTF-8 (a BOM or not) or GBK (charset=gbk, or detected when the bytes are not UTF-8); at most ${MAX_IMPORT_ROWS} rows and ${MAX_IMPORT_BYTES / 1024 / 1024} MiB (413 GP_PAYLOAD_TOO_LARGE).`,
          'People are matched by ID number, households by grid and address (tidied: full-width digits, spaces and case do not count). A new ID number is a new person, a new address of a grid a new household; a person on record is updated when the name, the phone, the grid or the household differs, else left alone, so importing the same file again answers updated 0. An empty phone cell keeps the phone on record.',
          'Any refused row → 422 GP_IMPORT_INVALID with the rows (1 = the first line after the header; at most 100 listed) and nothing imported: a wrong header, a bad name, ID number or phone, a ragged row, a duplicate ID number or phone in the file, an unknown grid or one outside your area (the same message), a person already in another household, a phone of another person. A file neither UTF-8 nor GBK → 415.',
          'Optional header X-Import-Id (a UUID chosen by the client): GET /v1/imports/{importId} shows the progress meanwhile. One import at a time per service copy (409). The register is checked and encrypted first, then written in one transaction (on SQLite other writes wait for it: seconds for a 200,000-row register); the import is audited once (register.import, counts only).'
        ].join(' '),
        consumes: ['text/csv'],
        headers: ImportHeaders,
        body: RegisterCsv,
        response: { 200: ImportResult, 422: ImportInvalidBody, ...errors(400, 401, 403, 409, 413, 415) }
      }
    }, async (request, reply) => {
      const given = request.headers['x-import-id']
      if (given !== undefined && (typeof given !== 'string' || !UUID.test(given))) throw new Validation('headers.x-import-id: must be a UUID')
      const importId = (given ?? randomUUID()).toLowerCase()
      void reply.header('x-import-id', importId)
      const length = request.headers['content-length']
      try {
        return await imports.importResidents(request.user, {
          importId,
          body: request.body as unknown as Readable,
          contentType: request.headers['content-type'],
          contentLength: length === undefined ? undefined : Number(length)
        })
      } catch (err) {
        if (!(err instanceof ImportInvalid)) throw err
        return reply.code(422).send({ statusCode: 422, code: 'GP_IMPORT_INVALID', error: STATUS_TEXT[422] as string, message: err.message, errors: err.errors })
      }
    })

    app.get('/v1/imports/:importId', {
      onRequest: [app.authenticate, app.requireRole('officer', 'admin')],
      schema: {
        tags: ['imports'], summary: 'Where an import stands (its starter; admins see all)', security: bearer,
        description: 'From this service copy\'s memory: behind a load balancer, ask the copy that received the import (sticky sessions). Kept 15 minutes after the import ends; unknown, forgotten or another user\'s import → 404.',
        params: ImportParams, response: { 200: ImportProgress, ...errors(400, 401, 403, 404) }
      }
    }, async (request) => {
      const progress = imports.board.get(request.params.importId.toLowerCase(), request.user)
      if (progress === undefined) throw new NotFound(`importId: no import ${request.params.importId} of yours on this service copy`)
      return progress
    })
  })
}

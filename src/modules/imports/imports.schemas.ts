// Request and answer shapes of the register import and its progress.
import { Type } from '@sinclair/typebox'
import { Nullable } from '../common.schemas.ts'

export const ImportId = Type.String({ format: 'uuid', description: 'The import\'s id: the client\'s X-Import-Id, else one chosen by the service (answered in the X-Import-Id header)' })

export const ImportHeaders = Type.Object({
  'x-import-id': Type.Optional(Type.String({ format: 'uuid', description: 'A UUID the client chooses to follow the import at GET /v1/imports/{importId}; used once' }))
})

/** For the OpenAPI document: the handler reads the body as a stream. */
export const RegisterCsv = Type.String({
  format: 'binary',
  description: 'The register as CSV: the header 姓名,身份证号,手机号,网格,住址 (or name,idNumber,phone,gridId,address), the five columns in any order, then one person a row. UTF-8 (with or without a BOM) or GBK (`charset=gbk`, or detected when the bytes are not UTF-8). At most 200,000 rows and 50 MiB.'
})

export const ImportResult = Type.Object({
  people: Type.Integer({ description: 'People created (ID numbers not on record before)' }),
  households: Type.Integer({ description: 'Households created (grid and address not on record before)' }),
  updated: Type.Integer({ description: 'People on record whose name, phone, grid or household the file changed; the others were left as they were' })
}, { additionalProperties: false })

export const RowErrorSchema = Type.Object({
  row: Type.Integer({ description: 'The row: 1 is the first line after the header; 0 is the header or the file as a whole' }),
  column: Nullable(Type.String({ description: 'The column as the file names it; null: the whole row' })),
  message: Type.String({ description: 'What is wrong, naming the column; never the personal data in it' })
})

export const ImportInvalidBody = Type.Object({
  statusCode: Type.Literal(422),
  code: Type.Literal('GP_IMPORT_INVALID'),
  error: Type.String(),
  message: Type.String(),
  errors: Type.Array(RowErrorSchema, { maxItems: 100, description: 'The refused rows, in file order, at most 100 (checking stops there)' })
}, { description: 'The file was refused row by row: nothing was imported' })

export const ImportParams = Type.Object({ importId: ImportId })

export const ImportProgress = Type.Object({
  state: Type.Union(['receiving', 'validating', 'writing', 'done', 'failed'].map((s) => Type.Literal(s)), { description: 'receiving the body, validating the rows (and matching them with the database), writing them, done, failed (nothing imported)' }),
  bytes: Type.Integer({ description: 'Bytes of the body received so far' }),
  rows: Type.Integer({ description: 'Data rows read so far (all of them from the end of validating on)' }),
  done: Type.Integer({ description: 'Rows through the current state: checked (validating), written (writing)' }),
  result: Type.Optional(ImportResult),
  message: Type.Optional(Type.String({ description: 'failed: why' })),
  errors: Type.Optional(Type.Array(RowErrorSchema, { description: 'failed with 422: the refused rows' }))
}, { additionalProperties: false })

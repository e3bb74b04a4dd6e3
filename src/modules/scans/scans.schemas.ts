// Request and response schemas of checkpoint scans.
import { Type, type Static } from '@sinclair/typebox'
import { createBodyAjv } from '../../lib/ajv.ts'
import { Color, Nullable } from '../common.schemas.ts'

export const ScanId = Type.String({ format: 'uuid', description: 'Chosen by the scanner (UUID); the same id again is answered with the first answer' })
export const ScanFields = {
  id: ScanId,
  checkpointId: Type.String({ minLength: 1, maxLength: 64 }),
  scannedAt: Type.Optional(Type.String({ format: 'date-time', description: 'Device time of the scan. A single scan (POST /v1/scans, /v1/scans/image) is recorded at the server\'s receive time, and a scannedAt further than GRIDPASS_CLOCK_SKEW_SECONDS (default 30 s) from the server\'s clock is refused 400 GP_VALIDATION. ' +
    'Offline batch items (POST /v1/scans/batch) are judged and recorded as of this time: more than 7 days old or ahead of the server beyond the skew → deny clock_out_of_range, kept out of every trail.' })),
  direction: Type.Optional(Type.Union([Type.Literal('in'), Type.Literal('out'), Type.Literal('pass')])),
  plate: Type.Optional(Type.String({ minLength: 1, maxLength: 16, description: 'Vehicle plate, e.g. 鄂E12345' }))
}
export const ScanBody = Type.Object({
  ...ScanFields,
  token: Type.String({ maxLength: 131072, description: 'The QR text. Over 1 KiB (up to this 128 KiB schema limit) is answered 200 deny/malformed, not 400.' })
}, { additionalProperties: false })
export type ScanBodyT = Static<typeof ScanBody>
/** Batch items are checked one by one, with the same rules as a single scan's body. */
export const checkScanItem = createBodyAjv().compile<ScanBodyT>(ScanBody)

export const IdScanBody = Type.Object({
  id: ScanId,
  idNumber: Type.String({ minLength: 1, maxLength: 32, description: 'The number on the ID card, typed in by the volunteer (18-character GB 11643). Unknown or invalid → 200 deny unknown_person, not 400.' }),
  checkpointId: ScanFields.checkpointId,
  direction: ScanFields.direction,
  plate: ScanFields.plate
}, { additionalProperties: false })

export const Reason = Type.Union([
  'malformed', 'alg_not_allowed', 'unknown_key', 'bad_signature', 'wrong_type', 'wrong_issuer', 'expired', 'not_yet_valid',
  'unknown_person', 'color_yellow', 'color_red', 'clock_out_of_range'
].map((r) => Type.Literal(r)))

export const ScanAnswer = Type.Object({
  id: Type.String(),
  decision: Type.Union([Type.Literal('allow'), Type.Literal('deny')]),
  color: Type.Union([Color, Type.Null()], { description: 'The colour now on the server (offline items: at scannedAt); null when the token did not verify' }),
  personId: Nullable(Type.String()),
  displayName: Nullable(Type.String({ description: 'Masked: 张*, 欧阳**' })),
  reason: Type.Union([Reason, Type.Null()]),
  recorded: Type.Boolean({ description: 'true: in the person\'s trail' }),
  duplicate: Type.Boolean({ description: 'true: this id was answered before; this is the first answer again' }),
  offline: Type.Boolean({ description: 'true: judged as of scannedAt (offline batch item)' }),
  kind: Type.Union([Type.Literal('live'), Type.Literal('paper'), Type.Literal('id'), Type.Null()], {
    description: 'What was scanned: a live or paper code, or an ID card typed in (POST /v1/scans/id); null when a token did not verify'
  }),
  flags: Type.Optional(Type.Array(Type.Union([Type.Literal('code_impossible_travel'), Type.Literal('person_impossible_travel')]), {
    description: 'Fraud signals: the same code (code_impossible_travel) or the same person (person_impossible_travel) seen at another checkpoint farther away than 120 km/h allows. The decision still follows the rules; flags are counted in /metrics.'
  }))
})

export const ItemError = Type.Object({
  id: Nullable(Type.String()),
  error: Type.Object({ statusCode: Type.Integer(), code: Type.String(), message: Type.String() })
}, { description: 'An item that could not be judged (bad shape 400, unknown checkpoint 404, not assigned 403, id conflict 409); the others are unaffected' })

export const BatchBody = Type.Object({
  scans: Type.Array(Type.Unknown(), { minItems: 1, maxItems: 1000, description: 'Up to 1000 items of the POST /v1/scans shape' })
}, { additionalProperties: false })
export const BatchReply = Type.Object({ results: Type.Array(Type.Union([ScanAnswer, ItemError])) })

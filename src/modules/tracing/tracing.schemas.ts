// Request and response schemas of tracing; the descriptions carry the definitions of docs/tracing.md in short.
import { Type } from '@sinclair/typebox'
import { IsoTime, Nullable, PersonId } from '../common.schemas.ts'

export const PURPOSE = { min: 3, max: 200 }
export const DEFAULT_DAYS = 14

export const PersonParams = Type.Object({ personId: PersonId })

const RangeFields = {
  from: Type.Optional(Type.String({ format: 'date-time', description: `Scans with from ≤ scannedAt ≤ to count. Default: to − ${DEFAULT_DAYS} days (at most GRIDPASS_RETENTION_DAYS)` })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Default: now. Must be after from; the range may not exceed GRIDPASS_RETENTION_DAYS' })),
  purpose: Type.Optional(Type.String({ description: `Why you ask (${PURPOSE.min}–${PURPOSE.max} characters, e.g. a case number); recorded in the audit log and in the person's access log. Missing or short → 400 GP_PURPOSE_REQUIRED` }))
}
export const TrailQuery = Type.Object(RangeFields, { additionalProperties: false })
export const ContactsQuery = Type.Object({
  ...RangeFields,
  windowMinutes: Type.Integer({ minimum: 1, maximum: 240, default: 15, description: 'Two presences at most this far apart meet' }),
  depth: Type.Integer({ minimum: 1, maximum: 2, default: 1, description: '1: direct contacts; 2: also their contacts, forward in time' })
}, { additionalProperties: false })

export const TrailScanView = Type.Object({
  id: Type.String(),
  checkpointId: Type.String(),
  checkpointName: Type.String(),
  scannedAt: IsoTime,
  direction: Nullable(Type.Union([Type.Literal('in'), Type.Literal('out'), Type.Literal('pass')])),
  color: Type.String({ description: 'The colour judged at the scan' }),
  decision: Type.String(),
  plate: Nullable(Type.String())
})
export const TrailReply = Type.Object({ personId: Type.String(), scans: Type.Array(TrailScanView, { description: 'Oldest first' }) })

export const EncounterView = Type.Object({
  checkpointId: Type.String(),
  at: Type.String({ format: 'date-time', description: "The contact's presence start (its scan time for a point)" }),
  indexAt: Type.String({ format: 'date-time', description: "The other side's presence start (the index person at depth 1, `withPersonId` at depth 2)" }),
  gapSeconds: Type.Integer({ minimum: 0, description: 'Gap between the two presences; 0 when they overlap' }),
  sameVehicle: Type.Boolean({ description: "Both presences' first scans carry the same plate (ignoring spaces and case)" }),
  withPersonId: Type.String({ description: 'Who the contact met: the index person (depth 1) or a depth-1 contact (depth 2)' })
})
export const ContactView = Type.Object({
  personId: Type.String(),
  displayName: Nullable(Type.String({ description: 'Full name, for the tracer to phone; null when the person has none' })),
  depth: Type.Integer({ minimum: 1, maximum: 2 }),
  via: Type.String({ description: 'Depth 1: the index person; depth 2: the depth-1 contact of the earliest encounter' }),
  firstEncounterAt: IsoTime,
  encounters: Type.Array(EncounterView, { description: 'Sorted by at, then indexAt' })
})
export const ContactsReply = Type.Object({
  personId: Type.String(),
  windowMinutes: Type.Integer(),
  depth: Type.Integer(),
  contacts: Type.Array(ContactView, { description: 'Sorted by depth, then firstEncounterAt, then personId' })
})

const SEE = 'Definitions: docs/tracing.md.'
const AUDITED = 'Roles tracer, officer, admin. Every call, answered or refused, is audited with its purpose and shows in the person\'s access log.'
export const DESCRIPTIONS = {
  trail: `The person's scans in [from, to], oldest first. ${AUDITED} ${SEE}`,
  contacts: [
    `People who were at the same checkpoint as the person, in [from, to]. ${AUDITED}`,
    'A person\'s scans at one checkpoint become presences: an "in" followed by their next scan there being an "out" at most 4 h later is a stay [in, out]; any other scan is a point. Two presences meet when the gap between the intervals, max(0, max(start) − min(end)), is at most windowMinutes: overlapping stays always meet.',
    'Depth 2: someone who met a depth-1 contact B at or after B\'s firstEncounterAt (exposure travels forward in time only).',
    'Bounded: a call that would read more presences and find more encounters than GRIDPASS_TRACING_MAX_ROWS (default 2,000,000) together is refused with 422 GP_TRACE_TOO_LARGE (and audited): narrow from/to or windowMinutes, or ask depth 1. At a county\'s density depth 2 over 14 days reaches most of the county.',
    'Example, window 15 min, index person A: A in 10:00 / out 11:00 at venue V; B in 10:40 / out 12:30 at V → B depth 1 (gap 0, at 10:40, indexAt 10:00). D at V 11:20 → gap 20 min: not a depth-1 contact (but depth 2 via B: inside the stay of B). B at gate G 12:45, C at G 12:50 → C depth 2 via B. E at G 09:00 met B at 09:05, before B met A → not a contact.',
    SEE
  ].join('\n\n'),
  trailCsv: `The trail as CSV (UTF-8 with BOM, RFC 4180; cells starting with = + - @ are prefixed with '), streamed. Audited as trail.export. ${SEE}`,
  trailGeojson: `The trail as a GeoJSON FeatureCollection: one Point per checkpoint visited ([lon, lat]; properties checkpointId, name, kind, scans), then one LineString of the route in time order (checkpoints without coordinates left out; only when it has 2 positions or more). Audited as trail.export. ${SEE}`,
  contactsCsv: `The contacts as CSV, one row per encounter (UTF-8 with BOM, RFC 4180, formula cells prefixed with '), streamed. Same query as GET …/contacts. Audited as contacts.export. ${SEE}`
}

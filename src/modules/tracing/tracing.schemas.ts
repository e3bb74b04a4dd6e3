// Request and response schemas of tracing; the descriptions carry the definitions of docs/tracing.md in short.
import { Type } from '@sinclair/typebox'
import { IsoTime, Nullable, PersonId } from '../common.schemas.ts'

export const PURPOSE = { min: 3, max: 200 }
export const DEFAULT_DAYS = 14
export const DEFAULT_TIERS = ['close', 'exposure'] as const
export const MAX_ENCOUNTERS_SHOWN = 20

export const PersonParams = Type.Object({ personId: PersonId })

const RangeFields = {
  from: Type.Optional(Type.String({ format: 'date-time', description: `Scans with from ≤ scannedAt ≤ to count. Default: to − ${DEFAULT_DAYS} days (at most GRIDPASS_RETENTION_DAYS)` })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Default: now. Must be after from; the range may not exceed GRIDPASS_RETENTION_DAYS' })),
  purpose: Type.Optional(Type.String({ description: `Why you ask (${PURPOSE.min}–${PURPOSE.max} characters, e.g. a case number); recorded in the audit log and in the person's access log. Missing or short → 400 GP_PURPOSE_REQUIRED` }))
}
export const TrailQuery = Type.Object(RangeFields, { additionalProperties: false })
const ContactFields = {
  ...RangeFields,
  windowMinutes: Type.Integer({ minimum: 1, maximum: 240, default: 15, description: 'Two presences at most this far apart meet' }),
  depth: Type.Integer({ minimum: 1, maximum: 2, default: 1, description: '1: direct contacts; 2: also the close contacts of the close ones, forward in time' }),
  tiers: Type.Optional(Type.String({ maxLength: 64, description: 'Which tiers are listed and counted, comma-separated: close, exposure, companion. Default close,exposure. An unknown name → 400' }))
}
export const ContactsQuery = Type.Object({
  ...ContactFields,
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Contacts per page' }),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 2048, description: "The previous page's nextCursor: the next page of the same question. A cursor of another question or altered → 400" }))
}, { additionalProperties: false })
export const ContactsFileQuery = Type.Object(ContactFields, { additionalProperties: false })
export const SitesQuery = Type.Object({
  ...RangeFields,
  windowMinutes: Type.Integer({ minimum: 1, maximum: 240, default: 15, description: "Each of the person's presences is widened by this on both sides" })
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

const TierName = Type.Union([Type.Literal('close'), Type.Literal('exposure'), Type.Literal('companion')])
export const EncounterView = Type.Object({
  checkpointId: Nullable(Type.String({ description: 'null for a household encounter' })),
  kind: Type.String({ description: "The checkpoint's kind: traffic, community, village, venue; or household: the two live in one household (always close, at = indexAt = from, gap and overlap 0, weight 3)" }),
  at: Type.String({ format: 'date-time', description: "The contact's presence start (its scan time for a point)" }),
  indexAt: Type.String({ format: 'date-time', description: "The other side's presence start (the index person at depth 1, `withPersonId` at depth 2)" }),
  gapSeconds: Type.Integer({ minimum: 0, description: 'Gap between the two presences; 0 when they overlap' }),
  overlapSeconds: Type.Integer({ minimum: 0, description: 'The time both stays share; 0 unless both presences are stays' }),
  sameVehicle: Type.Boolean({ description: "Both presences' first scans carry the same plate (ignoring spaces and case)" }),
  withPersonId: Type.String({ description: 'Who the contact met: the index person (depth 1) or a depth-1 contact (depth 2)' }),
  tier: TierName
})
export const ContactView = Type.Object({
  personId: Type.String(),
  displayName: Nullable(Type.String({ description: 'Full name, for the tracer to phone; null when the person has none' })),
  tier: TierName,
  depth: Type.Integer({ minimum: 1, maximum: 2 }),
  via: Type.String({ description: 'Depth 1: the index person; depth 2: the depth-1 contact of the earliest encounter' }),
  score: Type.Number({ minimum: 0, description: 'Σ weight × max(1, overlap minutes) × certainty over every encounter, rounded to 0.1' }),
  firstEncounterAt: IsoTime,
  lastEncounterAt: IsoTime,
  overlapMinutes: Type.Number({ minimum: 0, description: 'The summed overlap of the encounters, rounded to 0.1 minute' }),
  encounterCount: Type.Integer({ minimum: 1, description: 'All encounters, listed or not' }),
  days: Type.Integer({ minimum: 1, description: 'Distinct Asia/Shanghai days with an encounter' }),
  encounters: Type.Array(EncounterView, { maxItems: MAX_ENCOUNTERS_SHOWN, description: `The first ${MAX_ENCOUNTERS_SHOWN}, by at, then indexAt` })
})
const Count = Nullable(Type.Integer({ minimum: 0 }))
export const ContactsReply = Type.Object({
  personId: Type.String(),
  windowMinutes: Type.Integer(),
  depth: Type.Integer(),
  tiers: Type.Array(TierName, { description: 'The tiers listed and counted' }),
  totals: Type.Object({ close: Count, exposure: Count, companion: Count }, { description: 'Distinct depth-1 contacts per requested tier over the whole answer; null for a tier not requested' }),
  contacts: Type.Array(ContactView, { description: 'Sorted by tier, depth, score (highest first), firstEncounterAt, personId' }),
  nextCursor: Nullable(Type.String({ description: 'The next page (same question with cursor); null on the last page' }))
})
const Headcount = Type.Integer({ minimum: 0 })
export const SiteView = Type.Object({
  checkpointId: Type.String(),
  checkpointName: Type.String(),
  kind: Type.String(),
  from: IsoTime,
  to: IsoTime,
  people: Type.Object({ close: Headcount, exposure: Headcount, companion: Headcount }, { description: 'Distinct other people who met the person there, each in the highest tier of those encounters' })
})
export const SitesReply = Type.Object({ personId: Type.String(), sites: Type.Array(SiteView, { description: 'Oldest first' }) })

const SEE = 'Definitions: docs/tracing.md.'
const AUDITED = 'Roles tracer, officer, admin. Every call, answered or refused, is audited with its purpose and shows in the person\'s access log.'
export const DESCRIPTIONS = {
  trail: `The person's scans in [from, to], oldest first. ${AUDITED} ${SEE}`,
  contacts: [
    `People who were at the same checkpoint as the person, in [from, to], in tiers a tracer can act on, a page at a time. ${AUDITED}`,
    'A person\'s scans at one checkpoint become presences: an "in" followed by their next scan there being an "out" at most 4 h later is a stay [in, out]; any other scan is a point. Two presences meet when the gap between the intervals, max(0, max(start) − min(end)), is at most windowMinutes: overlapping stays always meet. Each meeting is an encounter.',
    'Tiers: close (密接) = the same plate within 2 minutes (one vehicle), or within 2 minutes of each other at two or more checkpoints on one Asia/Shanghai day; exposure (涉疫场所暴露) = otherwise an encounter at a venue; companion (时空伴随) = any other encounter. A contact has the highest tier of its encounters. score = Σ weight (same vehicle 3, venue 2, community/village 0.5, traffic 0.2) × max(1, overlap minutes) × certainty (two stays 1.0, one 0.7, two points 0.4), rounded to 0.1.',
    'Households: the index person\'s housemates are always close depth-1 contacts, through one encounter of kind household (checkpointId null, at = indexAt = from, weight 3 × 1 minute × certainty 1.0), besides any met at checkpoints.',
    'Depth 2 (次密接): only from depth-1 contacts of tier close, through their own close encounters in which their presence starts no earlier than their firstEncounterAt. Never a depth-1 contact of any tier. Listed with tier close when close is requested.',
    'Pages: totals count distinct depth-1 contacts per requested tier over the whole answer; follow nextCursor with the same question (a cursor pins the range of its first page; one of another question, or altered, → 400).',
    'Bounded: a call that would read more presences and find more encounters than GRIDPASS_TRACING_MAX_ROWS (default 2,000,000) together is refused with 422 GP_TRACE_TOO_LARGE (and audited): narrow from/to or windowMinutes, or ask depth 1.',
    SEE
  ].join('\n\n'),
  sites: `The person's exposure sites in [from, to]: each presence widened by windowMinutes on both sides, merged per checkpoint, with how many distinct other people met the person there per tier. Oldest first. ${AUDITED} ${SEE}`,
  trailCsv: `The trail as CSV (UTF-8 with BOM, RFC 4180; cells starting with = + - @ are prefixed with '), streamed. Audited as trail.export. ${SEE}`,
  trailGeojson: `The trail as a GeoJSON FeatureCollection: one Point per checkpoint visited ([lon, lat]; properties checkpointId, name, kind, scans), then one LineString of the route in time order (checkpoints without coordinates left out; only when it has 2 positions or more). Audited as trail.export. ${SEE}`,
  contactsCsv: `The contacts as CSV, one row per encounter (UTF-8 with BOM, RFC 4180, formula cells prefixed with '), streamed. Same query as GET …/contacts without limit and cursor: every contact, every encounter. Audited as contacts.export. ${SEE}`
}

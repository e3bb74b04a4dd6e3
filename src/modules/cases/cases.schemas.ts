// Request and response schemas of cases, their marked contacts and exposure sites.
import { Type } from '@sinclair/typebox'
import { Color, IsoTime, Nullable, PersonId } from '../common.schemas.ts'

export const MAX_CONTACTS_PER_CALL = 500
/** The longest site window: a day. A longer one would sweep up everyone who passed a busy gate. */
export const MAX_SITE_WINDOW_HOURS = 24
/** How far around the case person's own presences a site window may reach (API.md: 240 minutes). */
export const SITE_REACH_MINUTES = 240

const Note = Type.String({ minLength: 1, maxLength: 2000, description: 'Free text; may hold personal data, so it is stored encrypted and never logged' })

export const CaseParams = Type.Object({ caseId: Type.String({ minLength: 1, maxLength: 64 }) })

export const OpenCaseBody = Type.Object({ personId: PersonId, note: Note }, { additionalProperties: false })
export const CaseCreated = Type.Object({ caseId: Type.String() })

export const MarkContactsBody = Type.Object({
  personIds: Type.Array(PersonId, { minItems: 1, maxItems: MAX_CONTACTS_PER_CALL, uniqueItems: true, description: `1–${MAX_CONTACTS_PER_CALL} distinct people, not the case person` }),
  degree: Type.Union([Type.Literal(1), Type.Literal(2)], { description: '1: close contact (close_contact, red 14 days after the last encounter); 2: secondary contact (secondary_contact, yellow 7 days after marking)' })
}, { additionalProperties: false })
export const MarkContactsReply = Type.Object({
  updated: Type.Array(Type.Object({
    personId: Type.String(),
    color: Color,
    until: Nullable(IsoTime)
  }, { description: 'The person\'s colour right after the change, and when it will change by itself (null: not by itself)' }))
})

export const SiteBody = Type.Object({
  checkpointId: Type.String({ minLength: 1, maxLength: 64, description: 'The checkpoint (place) of the site; unknown → 404' }),
  from: IsoTime,
  to: IsoTime
}, { additionalProperties: false })
export const SiteReply = Type.Object({
  site: Type.Object({ checkpointId: Type.String(), from: IsoTime, to: IsoTime }),
  updated: MarkContactsReply.properties.updated
})

export const CasesQuery = Type.Object({
  status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')], { description: 'open: not closed; closed: closed; omitted: both' })),
  personId: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: "Only this person's cases" })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 })
}, { additionalProperties: false })

export const CaseSummary = Type.Object({
  caseId: Type.String(),
  personId: Type.String(),
  name: Nullable(Type.String({ description: 'The case person\'s name (null when they have none)' })),
  openedBy: Type.String(),
  openedAt: IsoTime,
  closedBy: Nullable(Type.String()),
  closedAt: Nullable(IsoTime),
  contacts: Type.Integer({ description: 'Marked contacts' }),
  sites: Type.Integer({ description: 'Confirmed exposure sites' })
})
export const CasesReply = Type.Object({ cases: Type.Array(CaseSummary, { description: 'Newest opened first' }) })

export const CloseCaseBody = Type.Object({ note: Type.Optional(Note) }, { additionalProperties: false })

export const CaseView = Type.Object({
  caseId: Type.String(),
  personId: Type.String(),
  note: Type.String(),
  openedBy: Type.String(),
  openedAt: IsoTime,
  closedBy: Nullable(Type.String()),
  closedAt: Nullable(IsoTime),
  closeNote: Nullable(Type.String()),
  contacts: Type.Array(Type.Object({
    personId: Type.String(),
    degree: Type.Integer(),
    markedBy: Type.String(),
    markedAt: IsoTime,
    until: IsoTime
  }), { description: 'Marked contacts, in marking order' }),
  sites: Type.Array(Type.Object({
    siteId: Type.String(),
    checkpointId: Type.String(),
    checkpointName: Type.String(),
    from: IsoTime,
    to: IsoTime,
    markedBy: Type.String({ description: 'The requester and the confirmer(s) by username ("alice+bob")' }),
    markedAt: IsoTime,
    people: Type.Integer({ description: 'How many people got site_exposure when the site was confirmed' })
  }), { description: 'Confirmed exposure sites, in confirmation order' })
})

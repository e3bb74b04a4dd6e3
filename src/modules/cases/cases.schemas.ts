// Request and response schemas of cases and their marked contacts.
import { Type } from '@sinclair/typebox'
import { Color, IsoTime, Nullable, PersonId } from '../common.schemas.ts'

export const MAX_CONTACTS_PER_CALL = 500

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
  }), { description: 'Marked contacts, in marking order' })
})

// Household members (docs/tracing.md, "Households"): each other's close depth-1 contacts whatever the scans, through
// one encounter of kind "household" at the start of the range.
import { contactOf, type Contact, type Encounter } from './tracing.tiers.ts'

export const HOUSEHOLD = 'household'

/**
 * Living together, as an encounter: at the range's start (`at` = `indexAt` = from), at no checkpoint, no gap, no
 * overlap counted, certainty 1.0 (as two stays), so it scores weight 3 × 1 minute × 1.0 = 3.0.
 */
export function householdEncounter (indexPersonId: string, from: number): Encounter {
  return {
    checkpointId: null, kind: HOUSEHOLD, at: from, indexAt: from, gapMs: 0, gapSeconds: 0, overlapSeconds: 0,
    sameVehicle: false, withPersonId: indexPersonId, stays: 2, tier: 'close'
  }
}

/**
 * The depth-1 contacts with the index person's housemates added: one met at checkpoints too keeps every (tiered) scan
 * encounter and gains the household one, so their tier is close and their score the sum of both; one never met at a
 * checkpoint is a contact with the household encounter alone. Each housemate is then known as a depth-1 contact.
 */
export function withHousemates (contacts: Contact[], known: Set<string>, housemates: Iterable<string>, indexPersonId: string, from: number): Contact[] {
  const byId = new Map(contacts.map((c) => [c.personId, c]))
  for (const id of housemates) {
    const scans = byId.get(id)?.encounters ?? []
    byId.set(id, contactOf(id, 1, [...scans, householdEncounter(indexPersonId, from)], indexPersonId))
    known.add(id)
  }
  return [...byId.values()]
}

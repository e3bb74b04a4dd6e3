// PostgreSQL tables. schema.sqlite.ts declares the same names and the same TypeScript types; times are epoch ms.
import { sql } from 'drizzle-orm'
import { pgTable, text, integer, bigint, doublePrecision, boolean, index, uniqueIndex, primaryKey, type AnyPgColumn } from 'drizzle-orm/pg-core'

export const users = pgTable('users', {
  id: text('id').primaryKey(),
  username: text('username').notNull(),
  passwordHash: text('password_hash').notNull(),
  role: text('role').notNull(),
  checkpointIds: text('checkpoint_ids').notNull().default('[]'),
  gridIds: text('grid_ids').notNull().default('[]'),
  /** An officer's or tracer's areas (JSON list of area ids): everything below them. Empty: the whole installation. */
  areaIds: text('area_ids').notNull().default('[]'),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  /** The staff user who created this account (null: bootstrap or before it was recorded). */
  createdBy: text('created_by'),
  /** Set when the account is disabled: every token of it is refused from then on. */
  disabledAt: bigint('disabled_at', { mode: 'number' }),
  /** Raised by logout, a disable, a role, scope or password change: tokens carrying an older version are refused. */
  tokenVersion: integer('token_version').notNull().default(0)
}, (t) => [uniqueIndex('users_username_uq').on(t.username)])

export const grids = pgTable('grids', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull()
})

export const checkpoints = pgTable('checkpoints', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  kind: text('kind').notNull(),
  gridId: text('grid_id').references(() => grids.id),
  lat: doublePrecision('lat'),
  lon: doublePrecision('lon'),
  createdAt: bigint('created_at', { mode: 'number' }).notNull()
})

export const people = pgTable('people', {
  id: text('id').primaryKey(),
  nameEnc: text('name_enc'),
  idNumberEnc: text('id_number_enc'),
  idNumberIdx: text('id_number_idx'),
  phoneEnc: text('phone_enc'),
  phoneIdx: text('phone_idx'),
  gridId: text('grid_id').references(() => grids.id),
  /** The household the person lives in (入户): its members are each other's close contacts. */
  householdId: text('household_id').references((): AnyPgColumn => households.id, { onDelete: 'set null' }),
  /** A dependent (家人代管): the resident who keeps this person's code. */
  guardianId: text('guardian_id').references((): AnyPgColumn => people.id, { onDelete: 'set null' }),
  createdBy: text('created_by').notNull(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  updatedAt: bigint('updated_at', { mode: 'number' }).notNull()
}, (t) => [
  uniqueIndex('people_id_number_idx_uq').on(t.idNumberIdx),
  uniqueIndex('people_phone_idx_uq').on(t.phoneIdx),
  // Scopes, the dashboard's counts per grid and a household's members are read from these, never from the table.
  index('people_grid_ix').on(t.gridId),
  index('people_household_ix').on(t.householdId),
  index('people_guardian_ix').on(t.guardianId)
])

export const otps = pgTable('otps', {
  id: text('id').primaryKey(),
  phoneIdx: text('phone_idx').notNull(),
  codeHash: text('code_hash').notNull(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
  attempts: integer('attempts').notNull().default(0),
  usedAt: bigint('used_at', { mode: 'number' })
}, (t) => [index('otps_phone_created_ix').on(t.phoneIdx, t.createdAt)])

export const declarations = pgTable('declarations', {
  id: text('id').primaryKey(),
  personId: text('person_id').notNull().references(() => people.id, { onDelete: 'cascade' }),
  at: bigint('at', { mode: 'number' }).notNull(),
  temperature: doublePrecision('temperature'),
  symptoms: text('symptoms'),
  visitedHighRiskArea: boolean('visited_high_risk_area'),
  contactWithConfirmed: boolean('contact_with_confirmed'),
  /** The declaration (temperature, symptoms, answers) as encrypted JSON; the plain columns above are legacy, emptied at start. */
  dataEnc: text('data_enc')
}, (t) => [index('declarations_person_at_ix').on(t.personId, t.at), index('declarations_at_ix').on(t.at)])

/** One row per rule activation; the colour is derived from the rows active at a moment. */
export const statusEntries = pgTable('status_entries', {
  id: text('id').primaryKey(),
  personId: text('person_id').notNull().references(() => people.id, { onDelete: 'cascade' }),
  rule: text('rule').notNull(),
  color: text('color').notNull(),
  since: bigint('since', { mode: 'number' }).notNull(),
  until: bigint('until', { mode: 'number' }),
  endedAt: bigint('ended_at', { mode: 'number' }),
  endedBy: text('ended_by'),
  actor: text('actor').notNull(),
  reason: text('reason'),
  /**
   * What the entry is about, as JSON, sealed like reason (it places a person at a place and time): site_exposure
   * holds {siteId, caseId, checkpointId, checkpointName, from, to}. Null for the other rules.
   */
  detail: text('detail'),
  sourceId: text('source_id'),
  createdAt: bigint('created_at', { mode: 'number' }).notNull()
}, (t) => [
  index('status_entries_person_ix').on(t.personId, t.since),
  // Closing a case ends the site_exposure entries it started, whoever holds them.
  index('status_entries_source_ix').on(t.sourceId),
  // The colours now of a whole area (the dashboard): only the entries not ended, by how long they last.
  index('status_entries_active_ix').on(t.until, t.personId, t.color).where(sql`ended_at IS NULL`)
])

export const statusChanges = pgTable('status_changes', {
  id: text('id').primaryKey(),
  personId: text('person_id').notNull().references(() => people.id, { onDelete: 'cascade' }),
  color: text('color').notNull(),
  reason: text('reason').notNull(),
  state: text('state').notNull(),
  requestedBy: text('requested_by').notNull(),
  requestedAt: bigint('requested_at', { mode: 'number' }).notNull(),
  confirmedBy: text('confirmed_by'),
  confirmedAt: bigint('confirmed_at', { mode: 'number' }),
  requestedById: text('requested_by_id'),
  confirmedById: text('confirmed_by_id')
}, (t) => [index('status_changes_person_ix').on(t.personId)])

export const appeals = pgTable('appeals', {
  id: text('id').primaryKey(),
  personId: text('person_id').notNull().references(() => people.id, { onDelete: 'cascade' }),
  message: text('message').notNull(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  dueAt: bigint('due_at', { mode: 'number' }).notNull(),
  status: text('status').notNull(),
  outcome: text('outcome'),
  note: text('note'),
  resolvedBy: text('resolved_by'),
  resolvedAt: bigint('resolved_at', { mode: 'number' })
}, (t) => [index('appeals_status_due_ix').on(t.status, t.dueAt), index('appeals_person_ix').on(t.personId)])

/** Append-only and hash-chained; triggers in the migration refuse UPDATE and DELETE. */
export const auditLog = pgTable('audit_log', {
  seq: bigint('seq', { mode: 'number' }).primaryKey(),
  at: bigint('at', { mode: 'number' }).notNull(),
  actor: text('actor').notNull(),
  role: text('role').notNull(),
  action: text('action').notNull(),
  target: text('target'),
  purpose: text('purpose'),
  hash: text('hash').notNull(),
  prevHash: text('prev_hash').notNull()
}, (t) => [index('audit_log_target_ix').on(t.target, t.seq)])

/** The movement trail: one row per verified scan or check-in, exactly once per client-chosen id. */
export const scans = pgTable('scans', {
  id: text('id').primaryKey(),
  personId: text('person_id').notNull().references(() => people.id, { onDelete: 'cascade' }),
  checkpointId: text('checkpoint_id').notNull().references(() => checkpoints.id),
  actorId: text('actor_id').notNull(),
  source: text('source').notNull(),
  kind: text('kind').notNull(),
  scannedAt: bigint('scanned_at', { mode: 'number' }).notNull(),
  receivedAt: bigint('received_at', { mode: 'number' }).notNull(),
  direction: text('direction'),
  plate: text('plate'),
  color: text('color').notNull(),
  decision: text('decision').notNull(),
  reason: text('reason'),
  jti: text('jti'),
  offline: boolean('offline').notNull(),
  requestHash: text('request_hash').notNull(),
  flags: text('flags'),
  /**
   * For an "out" whose previous scan of the same person at the same checkpoint is an "in" at most 4 hours earlier:
   * that "in"'s time, the start of the stay this "out" ends (docs/tracing.md). Kept by the database itself (triggers
   * of migration 0005, on every insert, also when an earlier scan arrives late); never written by the service.
   */
  stayStart: bigint('stay_start', { mode: 'number' })
}, (t) => [
  index('scans_person_scanned_ix').on(t.personId, t.scannedAt),
  // Every index costs on each of millions of inserts: none on jti or on time alone (the daily retention purge
  // can afford to scan).
  // The people met at a checkpoint: covering for contact tracing (migration 0006), whose reads then never visit the
  // table; a county's contacts call touches tens of thousands of scans, each on a page of its own in the table.
  // PostgreSQL's tracing read also takes the scan id (it orders a person's scans of the same millisecond; SQLite reads
  // those few again instead), so the id is in both indexes here: the read is then an index-only scan wherever the
  // visibility map is current (autovacuum; the county seed runs VACUUM).
  index('scans_checkpoint_scanned_ix').on(t.checkpointId, t.scannedAt, t.personId, t.direction, t.stayStart, t.plate, t.id),
  // Only the "out"s that end a stay: the stays that began in the 4 hours before a time range's end and end after it
  // are found from this small index (src/db/tracing-queries.ts), without reading the scans of those hours; it covers
  // the person too.
  index('scans_checkpoint_stay_ix').on(t.checkpointId, t.stayStart, t.scannedAt, t.personId, t.id).where(sql`stay_start IS NOT NULL`)
])

/** Scans whose token failed verification: kept for security review only, never in a trail, no personal data. */
export const securityEvents = pgTable('security_events', {
  id: text('id').primaryKey(),
  at: bigint('at', { mode: 'number' }).notNull(),
  checkpointId: text('checkpoint_id').notNull(),
  actorId: text('actor_id').notNull(),
  source: text('source').notNull(),
  reason: text('reason').notNull(),
  requestHash: text('request_hash').notNull(),
  tokenHash: text('token_hash').notNull(),
  tokenLength: integer('token_length').notNull()
}, (t) => [index('security_events_at_ix').on(t.at)])

/** A confirmed case: its person is red (rule case_confirmed) while it is open. Notes may hold personal data: encrypted. */
export const cases = pgTable('cases', {
  id: text('id').primaryKey(),
  personId: text('person_id').notNull().references(() => people.id, { onDelete: 'cascade' }),
  noteEnc: text('note_enc').notNull(),
  openedBy: text('opened_by').notNull(),
  openedAt: bigint('opened_at', { mode: 'number' }).notNull(),
  closedBy: text('closed_by'),
  closedAt: bigint('closed_at', { mode: 'number' }),
  closeNoteEnc: text('close_note_enc')
}, (t) => [
  index('cases_person_ix').on(t.personId),
  // At most one open case per person, whatever races past the service's check.
  uniqueIndex('cases_open_person_uq').on(t.personId).where(sql`closed_at IS NULL`)
])

/** People marked as contacts of a case; each mark is one status entry (close_contact or secondary_contact). */
export const caseContacts = pgTable('case_contacts', {
  caseId: text('case_id').notNull().references(() => cases.id, { onDelete: 'cascade' }),
  personId: text('person_id').notNull().references(() => people.id, { onDelete: 'cascade' }),
  degree: integer('degree').notNull(),
  markedBy: text('marked_by').notNull(),
  markedAt: bigint('marked_at', { mode: 'number' }).notNull(),
  until: bigint('until', { mode: 'number' }).notNull(),
  entryId: text('entry_id').notNull()
}, (t) => [primaryKey({ columns: [t.caseId, t.personId] }), index('case_contacts_person_ix').on(t.personId)])

/** Exposure sites confirmed on a case: everyone present at the checkpoint in the window got a site_exposure entry. */
export const caseSites = pgTable('case_sites', {
  id: text('id').primaryKey(),
  caseId: text('case_id').notNull().references(() => cases.id, { onDelete: 'cascade' }),
  checkpointId: text('checkpoint_id').notNull().references(() => checkpoints.id),
  windowFrom: bigint('window_from', { mode: 'number' }).notNull(),
  windowTo: bigint('window_to', { mode: 'number' }).notNull(),
  markedBy: text('marked_by').notNull(),
  markedAt: bigint('marked_at', { mode: 'number' }).notNull(),
  /** How many people got site_exposure when it was confirmed. */
  people: integer('people').notNull()
}, (t) => [index('case_sites_case_ix').on(t.caseId, t.markedAt)])

/**
 * Paper codes issued (the codes module): the status list names a non-green holder's unexpired cards by card id
 * (base64url of the first 12 bytes of SHA-256 of the code's jti), never the person. A row past expires_at is purged.
 */
export const paperCards = pgTable('paper_cards', {
  cardId: text('card_id').primaryKey(),
  personId: text('person_id').notNull().references(() => people.id, { onDelete: 'cascade' }),
  issuedAt: bigint('issued_at', { mode: 'number' }).notNull(),
  expiresAt: bigint('expires_at', { mode: 'number' }).notNull()
}, (t) => [index('paper_cards_person_expires_ix').on(t.personId, t.expiresAt), index('paper_cards_expires_ix').on(t.expiresAt)])

/**
 * Four eyes: an action that changes colours (opening or closing a case, marking contacts, confirming a site) waits here
 * until a second officer or admin confirms it (a third when its author's reds for the day pass the limit).
 * The payload and the answer may name people: encrypted.
 */
export const changes = pgTable('changes', {
  id: text('id').primaryKey(),
  action: text('action').notNull(),
  caseId: text('case_id'),
  personId: text('person_id'),
  payloadEnc: text('payload_enc').notNull(),
  state: text('state').notNull(),
  requestedById: text('requested_by_id').notNull(),
  requestedBy: text('requested_by').notNull(),
  requestedRole: text('requested_role').notNull(),
  requestedAt: bigint('requested_at', { mode: 'number' }).notNull(),
  /** How many people this change turns red when applied (counted against its author's daily limit). */
  reds: integer('reds').notNull().default(0),
  /** Confirmations needed besides the author: 1, or 2 past the daily limit. */
  confirmationsNeeded: integer('confirmations_needed').notNull().default(1),
  /** JSON list of {id, name, role, at}: who confirmed so far. */
  confirmations: text('confirmations').notNull().default('[]'),
  decidedAt: bigint('decided_at', { mode: 'number' }),
  decidedById: text('decided_by_id'),
  rejectReasonEnc: text('reject_reason_enc'),
  resultEnc: text('result_enc')
}, (t) => [index('changes_state_requested_ix').on(t.state, t.requestedAt), index('changes_author_requested_ix').on(t.requestedById, t.requestedAt)])

/** Counters shared by every copy of the service: rate limits and login failures, each with its window's end. */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  count: integer('count').notNull(),
  resetAt: bigint('reset_at', { mode: 'number' }).notNull()
}, (t) => [index('rate_limits_reset_ix').on(t.resetAt)])

/** Facts about this installation: the fingerprints of the data and session keys it was created with, and such. */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: bigint('updated_at', { mode: 'number' }).notNull()
})

/**
 * The area tree (网格化管理): city → street (街道/镇) → community (社区/村) → grid (网格). Every grid is also a row of
 * grids (what people, households and checkpoints reference); the tree is small (a county has about 1,300 rows) and is
 * read whole.
 */
export const areas = pgTable('areas', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  level: text('level').notNull(),
  parentId: text('parent_id').references((): AnyPgColumn => areas.id),
  createdAt: bigint('created_at', { mode: 'number' }).notNull()
}, (t) => [index('areas_parent_ix').on(t.parentId)])

/** Households (户) of a grid. The address and phone are personal data: encrypted; address_idx finds a re-imported one. */
export const households = pgTable('households', {
  id: text('id').primaryKey(),
  gridId: text('grid_id').notNull().references(() => grids.id),
  addressEnc: text('address_enc').notNull(),
  /** Keyed hash of the grid and the normalised address: one household per address of a grid. */
  addressIdx: text('address_idx').notNull(),
  phoneEnc: text('phone_enc'),
  createdBy: text('created_by').notNull(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  updatedAt: bigint('updated_at', { mode: 'number' }).notNull()
}, (t) => [uniqueIndex('households_address_idx_uq').on(t.addressIdx), index('households_grid_ix').on(t.gridId)])

/** Door-to-door screening rounds (入户排查) an officer opens for an area; open until closed. */
export const screeningRounds = pgTable('screening_rounds', {
  id: text('id').primaryKey(),
  areaId: text('area_id').notNull().references(() => areas.id),
  name: text('name').notNull(),
  openedBy: text('opened_by').notNull(),
  openedAt: bigint('opened_at', { mode: 'number' }).notNull(),
  closedBy: text('closed_by'),
  closedAt: bigint('closed_at', { mode: 'number' })
}, (t) => [index('screening_rounds_closed_ix').on(t.closedAt, t.openedAt)])

/** One household screened in one round (at most once). The note may hold personal data: encrypted. */
export const screenings = pgTable('screenings', {
  id: text('id').primaryKey(),
  roundId: text('round_id').notNull().references(() => screeningRounds.id),
  householdId: text('household_id').notNull().references(() => households.id),
  gridId: text('grid_id').notNull(),
  present: boolean('present').notNull(),
  noteEnc: text('note_enc'),
  screenedBy: text('screened_by').notNull(),
  screenedAt: bigint('screened_at', { mode: 'number' }).notNull()
}, (t) => [uniqueIndex('screenings_round_household_uq').on(t.roundId, t.householdId), index('screenings_round_grid_ix').on(t.roundId, t.gridId)])

/** Each member's result in a screening: temperature, symptoms, return and plate as encrypted JSON. */
export const screeningMembers = pgTable('screening_members', {
  screeningId: text('screening_id').notNull().references(() => screenings.id, { onDelete: 'cascade' }),
  personId: text('person_id').notNull().references(() => people.id, { onDelete: 'cascade' }),
  roundId: text('round_id').notNull(),
  gridId: text('grid_id').notNull(),
  /** Came back from elsewhere (returnedFrom given): the dashboard's returnees. */
  returned: boolean('returned').notNull(),
  dataEnc: text('data_enc').notNull()
}, (t) => [primaryKey({ columns: [t.screeningId, t.personId] }), index('screening_members_round_grid_ix').on(t.roundId, t.gridId, t.returned), index('screening_members_person_ix').on(t.personId)])

/** The high-risk areas officers keep (a return from one within 14 days is high_risk_travel). */
export const highRiskAreas = pgTable('high_risk_areas', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  fromAt: bigint('from_at', { mode: 'number' }).notNull(),
  toAt: bigint('to_at', { mode: 'number' }),
  updatedBy: text('updated_by').notNull(),
  updatedAt: bigint('updated_at', { mode: 'number' }).notNull()
})

/** A community's "1+1+N+K" team: its doctor and police officer ({name, phone} each, encrypted). */
export const areaTeams = pgTable('area_teams', {
  areaId: text('area_id').primaryKey().references(() => areas.id),
  doctorEnc: text('doctor_enc'),
  policeEnc: text('police_enc'),
  updatedBy: text('updated_by').notNull(),
  updatedAt: bigint('updated_at', { mode: 'number' }).notNull()
})

/** The duty roster: a volunteer on duty at a checkpoint for one shift. */
export const dutyShifts = pgTable('duty_shifts', {
  id: text('id').primaryKey(),
  checkpointId: text('checkpoint_id').notNull().references(() => checkpoints.id),
  userId: text('user_id').notNull().references(() => users.id),
  startsAt: bigint('starts_at', { mode: 'number' }).notNull(),
  endsAt: bigint('ends_at', { mode: 'number' }).notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull()
}, (t) => [index('duty_shifts_checkpoint_ix').on(t.checkpointId, t.startsAt), index('duty_shifts_user_ix').on(t.userId, t.startsAt)])

/** Verified scans per checkpoint and hour (epoch ms of the hour's start): the dashboard's scans in the last 24 h. */
export const scanHours = pgTable('scan_hours', {
  checkpointId: text('checkpoint_id').notNull(),
  hour: bigint('hour', { mode: 'number' }).notNull(),
  count: integer('count').notNull()
}, (t) => [primaryKey({ columns: [t.hour, t.checkpointId] })])

// What the tracing screens share: the purpose (asked first, sent with every tracing call), the person looked at,
// the checkpoints (names, kinds, coordinates) and the person's case in force.
import { reactive } from 'vue'
import type { CaseSummary } from '../types.ts'
import { api, call } from '../session.ts'

export interface Person { personId: string, name: string | null, gridId: string | null, color: 'green' | 'yellow' | 'red' }
export interface Checkpoint { id: string, name: string, kind: string, lat: number | null, lon: number | null }

export const trace = reactive({
  purpose: '',
  person: null as Person | null,
  checkpoints: new Map<string, Checkpoint>(),
  openCase: null as CaseSummary | null,
  /** Bumped after a case action: the case panel and the sites' buttons reload. */
  caseVersion: 0,
  /** The period asked about, in days up to when it was chosen; 0: the API's default (the last 14 days). */
  days: 0,
  range: {} as { from?: string, to?: string }
})

/** Fixes from/to when a period is chosen: every call after (and every page's cursor) asks the same question. */
export function choosePeriod (days: number): void {
  trace.days = days
  const to = new Date()
  trace.range = days === 0 ? {} : { from: new Date(to.getTime() - days * 86_400_000).toISOString(), to: to.toISOString() }
}

/** from/to of the period chosen (none: the API's default), sent with every tracing call. */
export const period = (): { from?: string, to?: string } => ({ ...trace.range })

let loadedFor = ''

/**
 * The person's open case, if any (GET /v1/cases?status=open, newest first; the API has no person filter, so the open
 * cases are read and this person's picked). Read once per person and case action (each read is audited); force reads again.
 */
export async function loadOpenCase (force = false): Promise<void> {
  const person = trace.person
  if (person === null) return
  const key = `${person.personId}:${trace.caseVersion}`
  if (!force && key === loadedFor) return
  loadedFor = key
  try {
    const { data } = await call(api.GET('/v1/cases', { params: { query: { status: 'open', personId: person.personId, limit: 10 } } }))
    if (trace.person?.personId === person.personId) trace.openCase = data.cases.find((c) => c.personId === person.personId && c.closedAt === null) ?? null
  } catch {
    trace.openCase = null
  }
}

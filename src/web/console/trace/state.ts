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
  caseVersion: 0
})

/** The person's open case, if any (GET /v1/cases?status=open, newest first); tracers may not list cases: none then. */
export async function loadOpenCase (): Promise<void> {
  const person = trace.person
  if (person === null) return
  try {
    const { data } = await call(api.GET('/v1/cases', { params: { query: { status: 'open', limit: 1000 } } }))
    if (trace.person?.personId === person.personId) trace.openCase = data.cases.find((c) => c.personId === person.personId && c.closedAt === null) ?? null
  } catch {
    trace.openCase = null
  }
}

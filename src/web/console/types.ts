// The answers the console reads, named from the generated client's types (../shared/api-types.ts): a changed route
// breaks the console's typecheck, not a user.
import type { paths } from '../shared/api-types.ts'

type Json<P extends keyof paths, M extends 'get' | 'post', S extends number> =
  paths[P][M] extends { responses: Record<S, { content: { 'application/json': infer J } }> } ? J : never

export type Tier = 'close' | 'exposure' | 'companion'
export const TIERS: Tier[] = ['close', 'exposure', 'companion']
/** The contacts window of the API's default (minutes): the console asks the default question. */
export const WINDOW_MINUTES = 15

export type ContactsAnswer = Json<'/v1/people/{personId}/contacts', 'get', 200>
export type Contact = ContactsAnswer['contacts'][number]
export type ExposureSite = Json<'/v1/people/{personId}/exposure-sites', 'get', 200>['sites'][number]
export type CaseSummary = Json<'/v1/cases', 'get', 200>['cases'][number]
export type CaseView = Json<'/v1/cases/{caseId}', 'get', 200>

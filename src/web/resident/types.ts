// The resident page's view of the API's answers, taken from the generated types.
import type { paths } from '../shared/api-types.ts'

export type Status = paths['/v1/me/status']['get']['responses'][200]['content']['application/json']
export type AccessEntry = paths['/v1/me/access-log']['get']['responses'][200]['content']['application/json']['entries'][number]

// The grid page's view of the API's answers, taken from the generated types.
import type { paths } from '../shared/api-types.ts'

export interface Account { username: string, gridIds: string[] }
export type TaskRound = paths['/v1/me/tasks']['get']['responses'][200]['content']['application/json']['rounds'][number]
export type Household = paths['/v1/households/{id}']['get']['responses'][200]['content']['application/json']
export type ScreeningBody = NonNullable<paths['/v1/households/{id}/screenings']['post']['requestBody']>['content']['application/json']
export type ScreeningResult = paths['/v1/households/{id}/screenings']['post']['responses'][201]['content']['application/json']['results'][number]
export type Reason = ScreeningResult['reasons'][number]
export type HighRiskArea = paths['/v1/high-risk-areas']['get']['responses'][200]['content']['application/json']['areas'][number]
export type Color = 'green' | 'yellow' | 'red'

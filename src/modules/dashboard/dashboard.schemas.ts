// Request and response schemas of the dashboard.
import { Type } from '@sinclair/typebox'
import { Nullable } from '../common.schemas.ts'

export const DashboardQuery = Type.Object({
  areaId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'The area (city, street, community or grid); left out: the top of what the caller reaches' }))
}, { additionalProperties: false })

const count = (description: string) => Type.Integer({ minimum: 0, description })
const Figures = {
  areaId: Nullable(Type.String({ description: 'The area; null for the node "all" (the caller reaches several tops of the tree, or none)' })),
  name: Type.String(),
  level: Type.Union([Type.Literal('city'), Type.Literal('street'), Type.Literal('community'), Type.Literal('grid'), Type.Literal('all')], { description: 'all: not an area but the tops the caller reaches, as children' }),
  people: count('People whose grid is in the area (dependents and people without a phone included)'),
  households: count('Households of the area\'s grids'),
  screened: Type.Object({
    households: count('Distinct households screened in the rounds still open, in the area\'s grids'),
    people: count('Distinct people screened in the rounds still open')
  }),
  returnees: count('Distinct people screened as back from elsewhere (returned) in the rounds still open'),
  colors: Type.Object({
    green: count('The area\'s people minus those yellow or red now'),
    yellow: count('People whose colour now is yellow (the status module\'s rule)'),
    red: count('People whose colour now is red')
  }, { description: 'Colours now of the area\'s people' }),
  scans24h: count('Scans at the checkpoints of the area\'s grids in the 24 hours up to now (up to the end of the current hour)')
}
export const AreaFiguresSchema = Type.Object(Figures)
export const DashboardReply = Type.Object({
  ...Figures,
  children: Type.Array(AreaFiguresSchema, { description: 'The same figures for each child area (their children left out); the area\'s figures are their sums' }),
  hourly: Type.Array(Type.Object({
    hour: Type.String({ format: 'date-time', description: 'The start of the hour, UTC' }),
    scans: count('Scans at the area\'s checkpoints in that hour (the current hour: so far)')
  }), { description: 'Scans per hour at the area\'s checkpoints: the current hour and the 23 before it, oldest first (from scan_hours, kept by the scan writer)' })
})

// HTTP for the dashboard: one area (or the top of the caller's reach) and its children, as of now.
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { bearer, errors } from '../common.schemas.ts'
import { STAFF_ROLES } from '../../types.ts'
import type { DashboardService } from './dashboard.service.ts'
import { DashboardQuery, DashboardReply } from './dashboard.schemas.ts'

export default async function dashboardRoutes (fastify: FastifyInstance, dashboard: DashboardService): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  app.get('/v1/dashboard', {
    onRequest: [app.authenticate, app.requireRole(...STAFF_ROLES)],
    schema: {
      tags: ['dashboard'], summary: 'Counts of an area and of each of its children, as of now (staff, scoped)', security: bearer,
      description: 'People, households, screened households and people and returnees in the open screening rounds, colours now and ' +
        'scans in the last 24 h, for the area and each child area. Without areaId: the top of what the caller reaches (the city for an ' +
        'unscoped officer or admin, a grid worker\'s grid); when that is several areas, or none, the node "all" (areaId null) with those ' +
        'as children. An area outside the caller\'s reach, or none → 404 naming query.areaId, audited (dashboard.read.out_of_scope). ' +
        'Counts only, no personal data: a read is not audited. See docs/dashboard.md.',
      querystring: DashboardQuery,
      response: { 200: DashboardReply, ...errors(400, 401, 403, 404) }
    }
  }, async (request) => dashboard.read(request.user, request.query.areaId))
}

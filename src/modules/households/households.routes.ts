// HTTP for households: create one in a grid, list those of one's grids, read one with its members and their colours.
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { bearer, errors } from '../common.schemas.ts'
import { SCAN_MAX, type Household, type HouseholdsService } from './households.service.ts'
import { Created, CreateBody, HouseholdParams, HouseholdReply, ListQuery, ListReply } from './households.schemas.ts'

const SCOPED = 'Only households of the grids the caller reaches (a grid worker: their grids; an officer or tracer: their areas, or everything when none is set; an admin: everything). Anything else answers 404, audited as `<action>.out_of_scope`.'
const phoneOf = (h: Household) => (h.phone === null ? {} : { phone: h.phone })

export default async function householdsRoutes (fastify: FastifyInstance, households: HouseholdsService): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()

  app.post('/v1/households', {
    onRequest: [app.authenticate, app.requireRole('gridworker', 'officer', 'admin')],
    schema: {
      tags: ['households'], summary: 'Create a household in a grid (grid worker: own grids; officer, admin)', security: bearer,
      description: `Unknown grid → 400 naming body.gridId; a grid outside the caller's reach → 404 (audited as household.create.out_of_scope). ${SCOPED} Audited as household.create.`,
      body: CreateBody, response: { 201: Created, ...errors(400, 401, 403, 404, 409, 415) }
    }
  }, async (request, reply) => {
    const h = await households.create(request.user, request.body)
    return reply.code(201).send({ id: h.id, gridId: h.gridId, address: h.address })
  })

  app.get('/v1/households', {
    onRequest: [app.authenticate, app.requireRole('gridworker', 'tracer', 'officer', 'admin')],
    schema: {
      tags: ['households'], summary: 'Households of a grid, or of every grid the caller reaches, with their sizes (audited)', security: bearer,
      description: `${SCOPED} In id order, \`limit\` at a time. With \`q\` at most ${SCAN_MAX} addresses are looked at per call (they are stored encrypted): follow nextCursor for more. Audited as household.list.`,
      querystring: ListQuery, response: { 200: ListReply, ...errors(400, 401, 403, 404) }
    }
  }, async (request, reply) => {
    const { households: list, nextCursor } = await households.list(request.user, request.query)
    reply.header('cache-control', 'no-store')
    return { households: list.map((h) => ({ id: h.id, gridId: h.gridId, address: h.address, ...phoneOf(h), members: h.members })), nextCursor }
  })

  app.get('/v1/households/:id', {
    onRequest: [app.authenticate, app.requireRole('gridworker', 'tracer', 'officer', 'admin')],
    schema: {
      tags: ['households'], summary: 'A household with its members and their colours now (audited)', security: bearer,
      description: `${SCOPED} Audited as household.read against the household and against each member, so it shows in their access logs.`,
      params: HouseholdParams, response: { 200: HouseholdReply, ...errors(400, 401, 403, 404) }
    }
  }, async (request, reply) => {
    const h = await households.read(request.user, request.params.id)
    reply.header('cache-control', 'no-store')
    return { id: h.id, gridId: h.gridId, address: h.address, ...phoneOf(h), members: h.members }
  })
}

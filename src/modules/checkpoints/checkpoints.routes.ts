// HTTP for checkpoints (traffic gates, community and village gates, venues).
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { bearer, errors, Nullable } from '../common.schemas.ts'
import { STAFF_ROLES } from '../../types.ts'
import type { CheckpointsService } from './checkpoints.service.ts'

const Kind = Type.Union(['traffic', 'community', 'village', 'venue'].map((k) => Type.Literal(k)))
const Checkpoint = Type.Object({
  id: Type.String(), name: Type.String(), kind: Type.String(),
  gridId: Nullable(Type.String()), lat: Nullable(Type.Number()), lon: Nullable(Type.Number())
})

export default async function checkpointsRoutes (fastify: FastifyInstance, checkpoints: CheckpointsService): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()

  app.post('/v1/checkpoints', {
    onRequest: [app.authenticate, app.requireRole('admin')],
    schema: {
      tags: ['checkpoints'], summary: 'Create a checkpoint (admin)', security: bearer,
      body: Type.Object({
        name: Type.String({ minLength: 1, maxLength: 100 }),
        kind: Kind,
        gridId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
        lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
        lon: Type.Optional(Type.Number({ minimum: -180, maximum: 180 }))
      }, { additionalProperties: false }),
      response: { 201: Checkpoint, ...errors(400, 401, 403, 415) }
    }
  }, async (request, reply) => reply.code(201).send(await checkpoints.create(request.user, request.body)))

  app.get('/v1/checkpoints', {
    onRequest: [app.authenticate, app.requireRole(...STAFF_ROLES)],
    schema: { tags: ['checkpoints'], summary: 'List checkpoints (staff)', security: bearer, response: { 200: Type.Object({ checkpoints: Type.Array(Checkpoint) }), ...errors(401, 403) } }
  }, async () => ({ checkpoints: await checkpoints.list() }))
}

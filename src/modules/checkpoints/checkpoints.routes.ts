// Checkpoints (traffic gates, community and village gates, venues).
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { asc, eq } from 'drizzle-orm'
import { Validation } from '../../errors.ts'
import { randomId } from '../../lib/ids.ts'
import { bearer, errors, Nullable } from '../common.schemas.ts'
import { actorName, STAFF_ROLES } from '../../types.ts'

const Kind = Type.Union(['traffic', 'community', 'village', 'venue'].map((k) => Type.Literal(k)))
const Checkpoint = Type.Object({
  id: Type.String(), name: Type.String(), kind: Type.String(),
  gridId: Nullable(Type.String()), lat: Nullable(Type.Number()), lon: Nullable(Type.Number())
})

export default async function checkpointsRoutes (fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { store, audit, config } = app
  const { t } = store

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
  }, async (request, reply) => {
    const body = request.body
    const row = { id: randomId(), name: body.name, kind: body.kind, gridId: body.gridId ?? null, lat: body.lat ?? null, lon: body.lon ?? null, createdAt: config.now() }
    await store.tx(async (db) => {
      if (row.gridId !== null) {
        const [grid] = await db.select({ id: t.grids.id }).from(t.grids).where(eq(t.grids.id, row.gridId)).limit(1)
        if (grid === undefined) throw new Validation(`body.gridId: unknown grid ${row.gridId}`)
      }
      await db.insert(t.checkpoints).values(row)
      await audit.append(db, { actor: actorName(request.user), role: request.user.role, action: 'checkpoint.create', target: row.id })
    })
    const { createdAt: _c, ...out } = row
    return reply.code(201).send(out)
  })

  app.get('/v1/checkpoints', {
    onRequest: [app.authenticate, app.requireRole(...STAFF_ROLES)],
    schema: { tags: ['checkpoints'], summary: 'List checkpoints (staff)', security: bearer, response: { 200: Type.Object({ checkpoints: Type.Array(Checkpoint) }), ...errors(401, 403) } }
  }, async () => ({
    checkpoints: await store.db.select({ id: t.checkpoints.id, name: t.checkpoints.name, kind: t.checkpoints.kind, gridId: t.checkpoints.gridId, lat: t.checkpoints.lat, lon: t.checkpoints.lon })
      .from(t.checkpoints).orderBy(asc(t.checkpoints.name))
  }))
}

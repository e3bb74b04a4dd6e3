// HTTP for the audit log (admin) and a resident's own access log.
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { AuditLog } from '../../plugins/audit.ts'
import { IsoTime, Nullable, bearer, errors, iso } from '../common.schemas.ts'

const NullableText = Nullable(Type.String())

export default async function auditRoutes (fastify: FastifyInstance, audit: AuditLog): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()

  app.get('/v1/audit', {
    onRequest: [app.authenticate, app.requireRole('admin')],
    schema: {
      tags: ['audit'], summary: 'The audit log, newest first (admin)', security: bearer,
      description: 'Append-only and hash-chained: hash = HMAC-SHA-256 under audit.key (keys folder) of prevHash + "\\n" + JSON [seq, at(ms), actor, role, action, target, purpose], from the audit.chain_keyed entry on ' +
        '(entries before it, written before the key existed, are the plain SHA-256 of the same text). seq is commit order; at is when the entry was committed. ' +
        'Each copy also writes the head (seq, hash) to GRIDPASS_AUDIT_ANCHOR_FILE every minute; `npm run audit:verify` checks the whole chain and those anchors (docs/audit.md).',
      querystring: Type.Object({
        limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
        before: Type.Optional(Type.Integer({ minimum: 1, description: 'Only entries with seq below this' }))
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          entries: Type.Array(Type.Object({ seq: Type.Integer(), at: IsoTime, actor: Type.String(), role: Type.String(), action: Type.String(), target: NullableText, purpose: NullableText, hash: Type.String(), prevHash: Type.String() })),
          nextBefore: Type.Union([Type.Integer(), Type.Null()], { description: 'Pass as `before` for the next page; null at the start of the log' })
        }),
        ...errors(400, 401, 403)
      }
    }
  }, async (request) => {
    const rows = await audit.page(request.query.limit, request.query.before)
    const last = rows[rows.length - 1]
    return { entries: rows.map((r) => ({ ...r, at: iso(r.at) })), nextBefore: last !== undefined && last.seq > 1 && rows.length === request.query.limit ? last.seq : null }
  })

  app.get('/v1/me/access-log', {
    onRequest: [app.authenticate, app.requireRole('resident')],
    schema: {
      tags: ['audit'], summary: 'Every time staff read or changed my data, newest first', security: bearer,
      response: { 200: Type.Object({ entries: Type.Array(Type.Object({ at: IsoTime, role: Type.String(), action: Type.String(), purpose: NullableText })) }), ...errors(401, 403) }
    }
  }, async (request) => ({
    entries: (await audit.forTarget(request.user.sub, 1000)).map((r) => ({ at: iso(r.at), role: r.role, action: r.action, purpose: r.purpose }))
  }))
}

// HTTP for the audit log and its verification (admin) and a resident's own access log.
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { AuditLog } from '../../plugins/audit.ts'
import { IsoTime, Nullable, bearer, errors, iso } from '../common.schemas.ts'
import type { AuditService } from './audit.service.ts'

const NullableText = Nullable(Type.String())
const NullableInt = Nullable(Type.Integer())
const Filter = (description: string) => Type.Optional(Type.String({ minLength: 1, maxLength: 200, description }))

export default async function auditRoutes (fastify: FastifyInstance, audit: AuditLog, service: AuditService): Promise<void> {
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
        before: Type.Optional(Type.Integer({ minimum: 1, description: 'Only entries with seq below this' })),
        actor: Filter('Only entries by this actor (a staff username, or anonymous, system, a resident\'s personId), exactly'),
        action: Filter('Only entries of this action (e.g. trail.read, case.open), exactly'),
        target: Filter('Only entries whose target is this (a personId, a user id, a case id), exactly')
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
    const { limit, before, actor, action, target } = request.query
    const rows = await service.page(limit, before, { actor, action, target })
    const last = rows[rows.length - 1]
    return { entries: rows.map((r) => ({ ...r, at: iso(r.at) })), nextBefore: last !== undefined && last.seq > 1 && rows.length === limit ? last.seq : null }
  })

  app.get('/v1/audit/verify', {
    onRequest: [app.authenticate, app.requireRole('admin')],
    schema: {
      tags: ['audit'], summary: 'Checks the whole audit chain and this copy\'s anchor file now, as `npm run audit:verify` does (admin)', security: bearer,
      description: 'Walks the log in seq order: every prevHash the hash before it, every hash the entry\'s SHA-256 before audit.chain_keyed and its HMAC under audit.key from there on, ' +
        'and every seq anchored in GRIDPASS_AUDIT_ANCHOR_FILE (when the file exists: a copy writes it every minute) present with the anchored hash and not cut off. ' +
        'ok false names the first missing or altered seq (firstBadSeq) and why. Reads the whole log: seconds on millions of entries.',
      response: {
        200: Type.Object({
          ok: Type.Boolean(),
          checked: Type.Integer({ description: 'Entries checked (up to the first bad one)' }),
          firstBadSeq: Type.Union([Type.Integer(), Type.Null()], { description: 'The first missing or altered seq; null when ok (or when only the anchor file is unreadable)' }),
          why: Type.Union([Type.String(), Type.Null()], { description: 'Why the chain is broken, in English; null when ok' }),
          lastSeq: NullableInt,
          keyedFrom: Type.Union([Type.Integer(), Type.Null()], { description: 'The seq of the audit.chain_keyed entry' }),
          anchorFileRead: Type.Boolean({ description: 'false: no anchor file yet, the chain alone was checked' }),
          anchors: Type.Integer({ description: 'Distinct anchored seqs that matched' }),
          lastAnchoredSeq: NullableInt
        }),
        ...errors(401, 403)
      }
    }
  }, async () => service.verify())

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

// The yardsticks' one route: POST /v1/scans parses the same body as gridpass and does one ES256 verify (node:crypto,
// cached KeyObject, callback form on the thread pool); `then` answers, at once or after its durable insert.
import { verify } from 'node:crypto'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { Keyring } from '../../src/lib/keyring.ts'

/** What the yardsticks read of gridpass's scan body (the trail reference writes the checkpoint and direction too). */
export interface ScanBody { id: string, token: string, checkpointId?: string, direction?: string }

export function verifyRoute (app: FastifyInstance, keyring: Keyring, then: (body: ScanBody, ok: boolean, reply: FastifyReply) => void): void {
  app.post('/v1/scans', (request, reply) => {
    const body = request.body as ScanBody
    const [h = '', p = '', s = ''] = body.token.split('.')
    const key = keyring.verifiers.get((JSON.parse(Buffer.from(h, 'base64url').toString()) as { kid: string }).kid)
    if (key === undefined) { void reply.code(400).send({ ok: false }); return }
    verify('sha256', Buffer.from(`${h}.${p}`), { key: key.publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'), (err, ok) => {
      then(body, err === null && ok, reply)
    })
  })
}

// The contacts answer's page cursor: where the last page ended, and the question it belongs to, signed (HMAC-SHA256,
// a key derived from the session key), so a tampered cursor or one from another question is refused, never a wrong page.
import { createHmac, timingSafeEqual } from 'node:crypto'
import { Validation } from '../../errors.ts'
import type { ContactKey } from './tracing.tiers.ts'

/** What a cursor pins: the question (the range resolved when the first page was asked) and the last contact's key. */
export interface CursorState { question: string, from: number, to: number, after: ContactKey }

const foreign = (): InstanceType<typeof Validation> => new Validation('query.cursor: not a cursor of this question (ask the first page again, without cursor)')

export function createCursors (secret: Buffer | string) {
  const key = createHmac('sha256', secret).update('gridpass tracing cursor v1').digest()
  const mac = (body: string): Buffer => createHmac('sha256', key).update(body).digest().subarray(0, 16)
  return {
    encode (state: CursorState): string {
      const body = Buffer.from(JSON.stringify([state.question, state.from, state.to, state.after])).toString('base64url')
      return `${body}.${mac(body).toString('base64url')}`
    },
    /** The state of a cursor of `question`; anything else is a 400 naming query.cursor. */
    decode (cursor: string, question: string): CursorState {
      const [body, sig, extra] = cursor.split('.')
      if (body === undefined || sig === undefined || extra !== undefined || body === '') throw foreign()
      const given = Buffer.from(sig, 'base64url')
      const want = mac(body)
      if (given.length !== want.length || !timingSafeEqual(given, want)) throw foreign()
      const [q, from, to, after] = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as [string, number, number, ContactKey]
      if (q !== question) throw foreign()
      return { question: q, from, to, after }
    }
  }
}
export type Cursors = ReturnType<typeof createCursors>

// Answers are serialized from plain copies of the route schemas (src/lib/serializer.ts): the same JSON as the schemas
// as written give, for every value the schemas allow, without a validator run per union branch.
import t from 'tap'
import fastJson from 'fast-json-stringify'
import { Type, type TSchema } from '@sinclair/typebox'
import { plainUnions } from '../src/lib/serializer.ts'
import type { Test } from './helper.ts'
import { ErrorBody } from '../src/errors.ts'
import { BatchReply, ScanAnswer } from '../src/modules/scans/scans.schemas.ts'

type Schema = Record<string, unknown>
/** Values a schema allows: each union branch, each constant, null where allowed, optional fields present and absent. */
function samples (s: Schema): unknown[] {
  if (Array.isArray(s.anyOf)) return (s.anyOf as Schema[]).flatMap(samples)
  if (s.const !== undefined) return [s.const]
  switch (s.type) {
    case 'null': return [null]
    case 'string': return ['张*', 'a "quoted" \\ line\n', '']
    case 'integer': return [0, 42]
    case 'number': return [1.5]
    case 'boolean': return [true, false]
    case 'array': { const items = samples(s.items as Schema); return [[], items, ...items.map((v) => [v])] }
    case 'object': {
      const props = Object.entries((s.properties ?? {}) as Record<string, Schema>)
      const required = new Set((s.required ?? []) as string[])
      const base: Record<string, unknown> = {}
      for (const [k, p] of props) if (required.has(k)) base[k] = samples(p)[0]
      const out: unknown[] = [base]
      for (const [k, p] of props) for (const v of samples(p)) out.push({ ...base, [k]: v })
      return out
    }
    default: return []
  }
}

const same = (t: Test, name: string, schema: TSchema, external: Record<string, unknown> = {}): void => {
  const written = fastJson(schema as never, { schema: external as never })
  const plain = fastJson(plainUnions(schema) as never, { schema: Object.fromEntries(Object.entries(external).map(([k, v]) => [k, plainUnions(v)])) as never })
  const values = samples(schema as unknown as Schema)
  t.ok(values.length > 3, `${name}: ${values.length} values tried`)
  const out = (f: (v: unknown) => string, v: unknown): string => { try { return f(v) } catch (err) { return `throws: ${(err as Error).message}` } }
  const differ = values.filter((v) => out(written, v) !== out(plain, v)).map((v) => ({ value: v, written: out(written, v), plain: out(plain, v) }))
  t.same(differ, [], `${name}: every value serialized alike`)
}

t.test('the plain copies serialize as the schemas as written do', async (t) => {
  same(t, 'a scan\'s answer', ScanAnswer)
  same(t, 'an offline batch\'s answer', BatchReply)
  same(t, 'the error body', ErrorBody)
  same(t, 'nullable fields of every plain type', Type.Object({
    s: Type.Union([Type.String(), Type.Null()]),
    i: Type.Union([Type.Null(), Type.Integer()]),
    n: Type.Union([Type.Number(), Type.Null()]),
    b: Type.Union([Type.Boolean(), Type.Null()]),
    o: Type.Union([Type.Object({ x: Type.String() }), Type.Null()]),
    mixed: Type.Union([Type.String(), Type.Integer()]),
    nested: Type.Union([Type.Union([Type.Literal('a'), Type.Literal('b')]), Type.Literal('c'), Type.Null()])
  }))
})

t.test('unions of one type or null are said plainly; others stay unions', async (t) => {
  const plain = plainUnions(ScanAnswer) as { properties: Record<string, Schema> }
  const p = plain.properties
  t.same(p.reason, { enum: ['malformed', 'alg_not_allowed', 'unknown_key', 'bad_signature', 'wrong_type', 'wrong_issuer', 'expired', 'not_yet_valid', 'unknown_person', 'color_yellow', 'color_red', 'clock_out_of_range', null], type: ['string', 'null'] }, 'the refusal reason: a string of twelve, or null')
  t.same(p.decision, { type: 'string', enum: ['allow', 'deny'] }, 'the decision')
  t.match(p.color, { type: ['string', 'null'], enum: ['green', 'yellow', 'red', null], description: /colour now on the server/ }, 'the colour keeps the outer description')
  t.same(p.personId, { type: ['string', 'null'] }, 'a nullable string')
  const unions: string[] = []
  const walk = (v: unknown, path: string): void => {
    if (typeof v !== 'object' || v === null) return
    if ('anyOf' in v) unions.push(path)
    for (const [k, c] of Object.entries(v)) walk(c, `${path}/${k}`)
  }
  walk(plain, '')
  t.same(unions, [], 'no union left in a scan\'s answer: no validator runs while it is written')
  const mixed = plainUnions(Type.Union([Type.String(), Type.Integer(), Type.Null()])) as Schema
  t.ok(Array.isArray(mixed.anyOf), 'a union of a string and an integer stays a union (the serializer must look at the value)')
  const obj = plainUnions(Type.Union([Type.Object({ a: Type.Union([Type.Literal('x'), Type.Null()]) }), Type.Null()])) as Schema
  t.match(obj, { type: ['object', 'null'] }, 'a nullable object: the object or null')
  t.same((obj.properties as Record<string, Schema>).a, { type: ['string', 'null'], enum: ['x', null] }, '… with its own fields made plain')
})

// Response serializers without a validator in the loop. fast-json-stringify picks an `anyOf` branch by running Ajv
// against each branch in turn: a scan's answer with `reason: null` went through the twelve refusal reasons, each
// failing with error objects made and dropped, before reaching `null` (about 3 KiB and several microseconds an
// answer). The route schemas stay as they are (the OpenAPI document shows them); the serializers are compiled from a
// copy where the unions that only choose between strings or null are said plainly:
//   anyOf of string constants (and null)  → { type: 'string' (or ['string', 'null']), enum }
//   anyOf [one typed schema, null]         → that schema, its type [type, 'null']
// fast-json-stringify writes those by the value's type alone, without validating (it never applies `enum`), and the
// validator it does run for the unions left (a batch item: an answer or an error) understands them the same way.
// Every other union is left as it is.
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'

type Schema = Record<string, unknown>
const isObject = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v)
const isNull = (s: Schema): boolean => s.type === 'null' && s.anyOf === undefined && s.const === undefined
/** The string constants of a union of them (nested unions included), or null when it is anything else. */
const stringConsts = (s: Schema): string[] | null => {
  if (typeof s.const === 'string' && (s.type === undefined || s.type === 'string')) return [s.const]
  if (s.type === 'string' && Array.isArray(s.enum) && s.enum.every((v) => typeof v === 'string')) return s.enum as string[]
  if (!Array.isArray(s.anyOf)) return null
  const out: string[] = []
  for (const branch of s.anyOf) {
    if (!isObject(branch)) return null
    const consts = stringConsts(branch)
    if (consts === null) return null
    out.push(...consts)
  }
  return out
}
/** A schema of one type, without a union, constant or reference of its own: [type, 'null'] says it or null. */
const plainlyTyped = (s: Schema): boolean =>
  typeof s.type === 'string' && s.type !== 'null' && s.anyOf === undefined && s.oneOf === undefined && s.allOf === undefined &&
  s.if === undefined && s.$ref === undefined && s.const === undefined && s.nullable === undefined

/** The copy the serializer is compiled from (plain objects: TypeBox's symbol keys are left behind). */
export function plainUnions (schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(plainUnions)
  if (!isObject(schema)) return schema
  const copy: Schema = {}
  for (const [k, v] of Object.entries(schema)) copy[k] = k === 'enum' || k === 'const' || k === 'default' || k === 'examples' ? v : plainUnions(v)
  if (!Array.isArray(copy.anyOf)) return copy
  const { anyOf, ...rest } = copy as Schema & { anyOf: unknown[] }
  const branches = anyOf.filter(isObject)
  if (branches.length !== anyOf.length) return copy
  const nullable = branches.some(isNull)
  const others = branches.filter((b) => !isNull(b))
  const consts = others.length > 0 ? stringConsts({ anyOf: others }) : null
  if (consts !== null) return nullable ? { ...rest, type: ['string', 'null'], enum: [...consts, null] } : { ...rest, type: 'string', enum: consts }
  const [only] = others
  if (nullable && others.length === 1 && only !== undefined && plainlyTyped(only)) return { ...only, ...rest, type: [only.type, 'null'] }
  return copy
}

type Factory = ReturnType<typeof SerializerSelector>
/** Fastify's own serializer factory (schemaController.compilersFactory.buildSerializer), fed the plain copies. */
export const plainUnionSerializers = (): Factory => {
  const factory = SerializerSelector()
  return (externalSchemas, options) => {
    const compile = factory(Object.fromEntries(Object.entries((externalSchemas ?? {}) as Schema).map(([id, s]) => [id, plainUnions(s)])), options)
    return (route) => compile({ ...route, schema: plainUnions(route.schema) as typeof route.schema })
  }
}

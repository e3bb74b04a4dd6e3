// Names: invisible, direction-changing and control characters, and blank names, are refused wherever a name is taken.
import { checkCharacter } from '../src/lib/id-number.ts'
import { eachDb, bearerOf, type Ctx } from './helper.ts'

let serial = 0
/** Valid ID numbers in a region no other suite uses (110108). */
function idNumber (): string {
  const n = ++serial + (process.pid % 500) * 1000
  const body = `110108${1960 + (n % 40)}0${1 + (n % 9)}${10 + (n % 18)}${String(n % 1000).padStart(3, '0')}`
  return body + checkCharacter(body)
}

const BAD: Record<string, string> = {
  'zero-width space U+200B': '张\u200B三',
  'zero-width non-joiner U+200C': '张\u200C三',
  'zero-width joiner U+200D': '张\u200D三',
  'word joiner U+2060': '张\u2060三',
  'BOM U+FEFF inside': '张\uFEFF三',
  'BOM U+FEFF in front': '\uFEFF张三',
  'left-to-right mark U+200E': '张三\u200E',
  'right-to-left mark U+200F': '\u200F张三',
  'RLO override U+202E': '张\u202E三李',
  'LRE embedding U+202A': '\u202A张三',
  'PDF U+202C': '张三\u202C',
  'RLI isolate U+2067': '张\u2067三',
  'PDI U+2069': '张三\u2069',
  'Arabic letter mark U+061C': '\u061C张三',
  'NUL': '张\u0000三',
  'tab': '张\t三',
  'line feed': '张三\n李四',
  'DEL': '张三\u007F',
  'C1 control U+0085': '张\u0085三',
  'line separator U+2028': '张\u2028三',
  'only ASCII spaces': '   ',
  'only ideographic spaces U+3000': '\u3000\u3000',
  'only no-break spaces': '\u00A0\u00A0',
  'only a Hangul filler': '\u3164',
  'a lone surrogate': '张\uD800三',
  'stacked combining marks': 'Zo\u0308\u0308\u0308\u0308\u0308\u0308e',
  '51 characters': '张'.repeat(51)
}

const GOOD: Array<[string, string]> = [
  ['张三', '张三'],
  ['欧阳明月', '欧阳明月'],
  ['阿卜杜拉·买买提', '阿卜杜拉·买买提'],
  ["Zoë O'Neil", "Zoë O'Neil"],
  // Decomposed ë is stored composed (NFC), so the same name is always the same text.
  ["Zoe\u0308 O'Neil", "Zoë O'Neil"],
  ['  王小明\u3000', '王小明'],
  ['Anne\u3000\u3000Marie  Dupont', 'Anne Marie Dupont'],
  ['𠮷野家', '𠮷野家'],
  ['张'.repeat(50), '张'.repeat(50)]
]

async function setProfile (ctx: Ctx, token: string, name: string) {
  return ctx.inject({ method: 'PUT', url: '/v1/me/profile', headers: bearerOf(token), payload: { name, idNumber: idNumber() } })
}

eachDb('PUT /v1/me/profile refuses invisible, bidirectional and control characters and blank names, naming body.name', async (t, ctx) => {
  const r = await ctx.resident({ profile: false })
  for (const [label, name] of Object.entries(BAD)) {
    const res = await setProfile(ctx, r.token, name)
    t.equal(res.statusCode, 400, `${label}: ${res.body}`)
    t.equal(res.json().code, 'GP_VALIDATION', label)
    t.match(res.json().message, /^body\.name: /, `${label}: the message names the field`)
  }
  // Nothing was stored: the resident still has no profile.
  const code = await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(r.token) })
  t.equal(code.statusCode, 409)
  t.equal(code.json().code, 'GP_PROFILE_REQUIRED')

  for (const [given, stored] of GOOD) {
    const res = await setProfile(ctx, r.token, given)
    t.equal(res.statusCode, 200, `${JSON.stringify(given)}: ${res.body}`)
    t.equal(res.json().name, stored, `${JSON.stringify(given)} is kept as ${stored}`)
    t.equal(ctx.app.people.name(await ctx.app.people.get(r.personId) as NonNullable<Awaited<ReturnType<Ctx['app']['people']['get']>>>), stored, 'and stored so')
  }
})

eachDb('POST /v1/people refuses the same names, naming body.name, and registers nobody', async (t, ctx) => {
  const gridId = await ctx.grid()
  const officer = await ctx.staff('officer')
  for (const [label, name] of Object.entries(BAD)) {
    const id = idNumber()
    const res = await ctx.inject({ method: 'POST', url: '/v1/people', headers: bearerOf(officer), payload: { name, idNumber: id, gridId } })
    t.equal(res.statusCode, 400, `${label}: ${res.body}`)
    t.equal(res.json().code, 'GP_VALIDATION', label)
    t.match(res.json().message, /^body\.name: /, label)
    const look = await ctx.inject({ method: 'GET', url: `/v1/people?idNumber=${id}&purpose=name-check`, headers: bearerOf(officer) })
    t.same(look.json().people, [], `${label}: nobody registered`)
  }
  const ok = await ctx.inject({ method: 'POST', url: '/v1/people', headers: bearerOf(officer), payload: { name: ' 阿卜杜拉·买买提 ', idNumber: idNumber(), gridId } })
  t.equal(ok.statusCode, 201, ok.body)
  t.equal(ok.json().name, '阿卜杜拉·买买提')
})

// Printed cards fit their page: every line of the place-code and paper-code cards, estimated the way a printer's fonts
// set them (a full-width glyph ≈ the font size, a Latin one ≈ 0.55 of it), lies within the card's margins and off the
// QR, however long the checkpoint's or the person's name; a long name wraps onto more lines and loses nothing; the QR
// still reads.
import { bearerOf, eachDb, idNumberFor, type Test } from './helper.ts'
import { qrOfCard } from './support/card-qr.ts'

interface Line { text: string, x: number, y: number, size: number, anchor: string }
interface Box { x: number, y: number, size: number }

/** Room a printer needs at the edge of a card, in user units (the cards' own margins are larger). */
const EDGE = 20

const unescape = (s: string): string => s.replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
const estimate = (text: string, size: number): number => [...text].reduce((w, ch) => w + ((ch.codePointAt(0) as number) >= 0x1100 ? size : 0.55 * size), 0)

function parseCard (svg: string): { width: number, height: number, lines: Line[], qr: Box } {
  const view = /<svg [^>]*viewBox="0 0 (\d+) (\d+)"/.exec(svg)
  const qr = /<svg x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/.exec(svg)
  if (view === null || qr === null) throw new Error('not a card')
  const lines = [...svg.matchAll(/<text ([^>]*)>([^<]*)<\/text>/g)].map((m) => {
    const attr = (name: string): string => new RegExp(`${name}="([^"]*)"`).exec(m[1] as string)?.[1] ?? ''
    return { text: unescape(m[2] as string), x: Number(attr('x')), y: Number(attr('y')), size: Number(attr('font-size')), anchor: attr('text-anchor') }
  })
  return { width: Number(view[1]), height: Number(view[2]), lines, qr: { x: Number(qr[1]), y: Number(qr[2]), size: Number(qr[3]) } }
}

/** Every line inside the margins, left to right and top to bottom, and clear of the QR; the QR inside the margins too. */
function fits (t: Test, svg: string, label: string): Line[] {
  const card = parseCard(svg)
  t.ok(card.lines.length >= 6, `${label}: ${card.lines.length} lines of text`)
  for (const l of card.lines) {
    t.equal(l.anchor, 'middle', `${label}: "${l.text}" is centred`)
    const w = estimate(l.text, l.size)
    const left = l.x - w / 2
    const right = l.x + w / 2
    t.ok(left >= EDGE && right <= card.width - EDGE, `${label}: "${l.text}" (${l.size}) spans ${left.toFixed(0)}–${right.toFixed(0)} of 0–${card.width}`)
    // A line's glyphs reach about a font size above the baseline and a quarter below.
    const top = l.y - l.size
    const bottom = l.y + l.size / 4
    t.ok(top >= EDGE && bottom <= card.height - EDGE, `${label}: "${l.text}" lies between ${top.toFixed(0)} and ${bottom.toFixed(0)} of 0–${card.height}`)
    t.ok(bottom <= card.qr.y || top >= card.qr.y + card.qr.size, `${label}: "${l.text}" is clear of the QR`)
    t.ok(l.size >= 10, `${label}: "${l.text}" is printed at ${l.size}, still legible`)
  }
  t.ok(card.qr.x >= EDGE && card.qr.x + card.qr.size <= card.width - EDGE, `${label}: the QR within the margins`)
  t.ok(card.qr.size >= 200, `${label}: the QR is ${card.qr.size} units wide`)
  const sorted = [...card.lines].sort((a, b) => a.y - b.y)
  for (let i = 1; i < sorted.length; i++) {
    const [a, b] = [sorted[i - 1] as Line, sorted[i] as Line]
    t.ok(b.y - b.size >= a.y, `${label}: "${b.text}" starts below "${a.text}"`)
  }
  return card.lines
}

eachDb('place-code card: a 40-character Chinese name wraps within the card, nothing is cut, the QR reads', async (t, ctx) => {
  const name = '宜都市陆城街道清江社区东方红路与长江大道交叉口东南角农贸市场北门临时卡口第二通道'
  t.equal([...name].length, 40)
  const cp = await ctx.checkpoint({ name, kind: 'traffic' })
  const res = await ctx.inject({ method: 'GET', url: `/v1/checkpoints/${cp}/place-code.svg`, headers: bearerOf(await ctx.admin()) })
  t.equal(res.statusCode, 200, res.statusCode === 200 ? 'the card prints' : res.body)
  const lines = fits(t, res.body, '40 characters')
  const nameLines = lines.filter((l) => name.includes(l.text))
  t.ok(nameLines.length >= 2 && nameLines.length <= 3, `the name takes ${nameLines.length} lines`)
  t.equal(nameLines.map((l) => l.text).join(''), name, 'every character of the name is printed, in order')
  t.ok(lines.some((l) => l.text.includes('Scan to check in')), 'the title is printed whole')
  t.match(qrOfCard(res.body), /\/h5\/checkin#/, 'the QR still reads')

  // The longest name a checkpoint may have, mixed scripts, and a short one: all fit.
  for (const [label, other] of [
    ['100 characters, mixed', 'Yidu Lucheng Qingjiang Community East Gate 宜都市陆城街道清江社区东门 temporary checkpoint for the market days 农贸市场'.slice(0, 100)],
    ['one long word', 'Qingjiangcommunityeastgatetemporarycheckpointforthemarketdays'],
    ['short', '清江广场']
  ] as const) {
    const id = await ctx.checkpoint({ name: other, kind: 'venue' })
    const card = await ctx.inject({ method: 'GET', url: `/v1/checkpoints/${id}/place-code.svg`, headers: bearerOf(await ctx.admin()) })
    t.equal(card.statusCode, 200)
    fits(t, card.body, label)
    t.ok(qrOfCard(card.body) !== null, `${label}: the QR reads`)
  }
})

eachDb('paper-code card: a long masked name wraps within the card; the QR reads', async (t, ctx) => {
  const gridId = await ctx.grid()
  const admin = await ctx.admin()
  for (const [label, name, serial] of [
    ['a 50-character name', '阿卜杜热合曼·买买提明'.repeat(5).slice(0, 50), 9_100_001],
    ['a short name', '张三丰', 9_100_002]
  ] as const) {
    const person = await ctx.inject({ method: 'POST', url: '/v1/people', headers: bearerOf(admin), payload: { name, idNumber: idNumberFor(serial), gridId } })
    t.equal(person.statusCode, 201, person.body)
    const res = await ctx.inject({ method: 'GET', url: `/v1/people/${person.json().personId as string}/paper-code.svg`, headers: bearerOf(admin) })
    t.equal(res.statusCode, 200, res.statusCode === 200 ? `${label}: the card prints` : res.body)
    fits(t, res.body, label)
    t.ok(qrOfCard(res.body) !== null, `${label}: the QR reads`)
    t.notOk(res.body.includes(name.slice(1, 3)), `${label}: only the masked name is printed`)
  }
})

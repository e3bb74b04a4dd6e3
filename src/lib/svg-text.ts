// Text on printed cards (SVG has no text wrapping): widths estimated per character, lines wrapped to the card's width,
// the font shrunk when the lines allowed would still not hold the text.

/**
 * The estimated advance of one character: a full-width glyph (CJK, kana, Hangul, full-width forms) is about as wide as
 * the font size, a Latin letter, digit or sign about 0.55 of it in the sans-serif fonts printers have. Generous on
 * purpose: a line estimated to fit must fit on paper.
 */
export function charWidth (ch: string, fontSize: number): number {
  return (ch.codePointAt(0) ?? 0) >= 0x1100 ? fontSize : 0.55 * fontSize
}

export function textWidth (text: string, fontSize: number): number {
  let w = 0
  for (const ch of text) w += charWidth(ch, fontSize)
  return w
}

/** Pieces a line may break between: a run of narrow non-space characters (a word), one wide character, or spaces. */
function pieces (text: string): string[] {
  return text.match(/\s+|[^\s\u1100-\u{10FFFF}]+|[\u1100-\u{10FFFF}]/gu) ?? []
}

/**
 * Greedy wrap to `maxWidth`: between words and between any two wide characters; a word wider than a whole line is
 * broken between characters, starting on the current line. Spaces at the ends of lines are dropped.
 */
export function wrapText (text: string, maxWidth: number, fontSize: number): string[] {
  const lines: string[] = []
  let line = ''
  const push = (): void => { const l = line.trim(); if (l !== '') lines.push(l); line = '' }
  for (const piece of pieces(text.trim())) {
    if (textWidth((line + piece).trimStart(), fontSize) <= maxWidth) { line += piece; continue }
    if (/^\s+$/.test(piece)) { push(); continue }
    if (textWidth(piece, fontSize) <= maxWidth) { push(); line = piece; continue }
    for (const ch of piece) {
      if (textWidth(line + ch, fontSize) > maxWidth && line !== '') push()
      line += ch
    }
  }
  push()
  return lines
}

export interface FittedText { fontSize: number, lines: string[] }

/**
 * One line when the text fits at no less than 80 % of `fontSize` (a title reads better a little smaller than broken);
 * else the largest font size from `fontSize` down to `minFontSize` at which the text wraps into at most `maxLines`
 * lines of `maxWidth`. Should even the smallest not do, the last line allowed ends in '…' (nothing is drawn past the
 * edge).
 */
export function fitText (text: string, opts: { maxWidth: number, fontSize: number, minFontSize: number, maxLines: number }): FittedText {
  for (let size = opts.fontSize; size >= Math.max(opts.minFontSize, Math.ceil(opts.fontSize * 0.8)); size--) {
    if (textWidth(text.trim(), size) <= opts.maxWidth) return { fontSize: size, lines: text.trim() === '' ? [] : [text.trim()] }
  }
  for (let size = opts.fontSize; size >= opts.minFontSize; size--) {
    const lines = wrapText(text, opts.maxWidth, size)
    if (lines.length <= opts.maxLines) return { fontSize: size, lines }
  }
  const size = opts.minFontSize
  const lines = wrapText(text, opts.maxWidth, size).slice(0, opts.maxLines)
  let last = lines[lines.length - 1] ?? ''
  while (last !== '' && textWidth(last + '…', size) > opts.maxWidth) last = [...last].slice(0, -1).join('')
  lines[lines.length - 1] = last + '…'
  return { fontSize: size, lines }
}

export interface TextBlock {
  text: string
  fontSize: number
  minFontSize: number
  maxLines: number
  bold?: boolean
  fill?: string
}

/** Line height as a multiple of the font size. */
export const LINE_HEIGHT = 1.25

/** The height a fitted block takes. */
export const blockHeight = (f: FittedText): number => f.lines.length * f.fontSize * LINE_HEIGHT

/**
 * <text> elements, one per line, centred on `centreX`, the first line's box starting at `top`. `escape` makes each line
 * safe for XML.
 */
export function textLines (f: FittedText, block: Pick<TextBlock, 'bold' | 'fill'>, centreX: number, top: number, escape: (s: string) => string): string {
  return f.lines.map((line, i) => {
    // The baseline sits about 0.95 of the font size below the top of a line box 1.25 high: room for descenders.
    const y = Math.round((top + i * f.fontSize * LINE_HEIGHT + f.fontSize * 0.95) * 10) / 10
    const attrs = `x="${centreX}" y="${y}" text-anchor="middle" font-family="sans-serif" font-size="${f.fontSize}"${block.bold === true ? ' font-weight="bold"' : ''}${block.fill !== undefined ? ` fill="${block.fill}"` : ''}`
    return `<text ${attrs}>${escape(line)}</text>`
  }).join('\n  ')
}

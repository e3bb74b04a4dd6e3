// Printable cards: a QR code as an SVG fragment (one path, 4-module quiet zone, error correction M) and the card's
// content laid out around it.
import QRCode from 'qrcode'
import { blockHeight, fitText, textLines, type TextBlock } from './svg-text.ts'

export const escapeXml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** A nested <svg> of the given size at (x, y) holding the QR of `text`. */
export function qrSvgFragment (text: string, x: number, y: number, size: number): string {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' })
  const n = qr.modules.size
  const quiet = 4
  let path = ''
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) if (qr.modules.get(r, c) === 1) path += `M${c} ${r}h1v1h-1z`
  }
  return `<svg x="${x}" y="${y}" width="${size}" height="${size}" viewBox="${-quiet} ${-quiet} ${n + 2 * quiet} ${n + 2 * quiet}" shape-rendering="crispEdges">
    <rect x="${-quiet}" y="${-quiet}" width="${n + 2 * quiet}" height="${n + 2 * quiet}" fill="#fff"/>
    <path d="${path}" fill="#000"/>
  </svg>`
}

export interface CardBlock extends TextBlock {
  /** Space above this block, in user units. */
  gap?: number
}

/**
 * A printable card's content: text blocks above and below a centred QR, each block wrapped and shrunk to the card's
 * width less the margins, and the QR as large as what is left allows (at most `qrMaxSize`). Nothing is drawn past the
 * margins, however long a name is.
 */
export function cardContent (card: { width: number, height: number, margin: number, qrText: string, qrMaxSize: number, qrGap: number, above: CardBlock[], below: CardBlock[] }): string {
  const maxWidth = card.width - 2 * card.margin
  const fit = (blocks: CardBlock[]) => blocks.map((b) => ({ block: b, fitted: fitText(b.text, { maxWidth, fontSize: b.fontSize, minFontSize: b.minFontSize, maxLines: b.maxLines }) }))
  const above = fit(card.above)
  const below = fit(card.below)
  const height = (list: typeof above): number => list.reduce((h, { block, fitted }) => h + (block.gap ?? 0) + blockHeight(fitted), 0)
  const qrSize = Math.floor(Math.min(card.qrMaxSize, maxWidth, card.height - 2 * card.margin - height(above) - height(below) - 2 * card.qrGap))
  const out: string[] = []
  let y = card.margin
  const draw = (list: typeof above): void => {
    for (const { block, fitted } of list) {
      y += block.gap ?? 0
      out.push(textLines(fitted, block, card.width / 2, y, escapeXml))
      y += blockHeight(fitted)
    }
  }
  draw(above)
  y += card.qrGap
  out.push(qrSvgFragment(card.qrText, Math.round((card.width - qrSize) / 2), Math.round(y), qrSize))
  y += qrSize + card.qrGap
  draw(below)
  return out.join('\n  ')
}

// The printable paper-code card: one SVG, the QR drawn as a path, text in Chinese and English; every line wrapped and
// shrunk to the card's width (a long masked name takes up to two lines).
import { cardContent } from '../../lib/qr-svg.ts'

/** The card's size in user units (A6 at 4 units a millimetre) and the blank edge no text or module may enter. */
export const PAPER_CARD = { width: 420, height: 592, margin: 22 }

export function paperCardSvg (token: string, displayName: string | null, expiresAt: number, issuer: string, grid: { id: string, name: string } | null = null): string {
  const until = new Date(expiresAt).toISOString().slice(0, 10)
  const { width, height } = PAPER_CARD
  const grey = '#555'
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="105mm" height="148mm" viewBox="0 0 ${width} ${height}" role="img" aria-label="gridpass paper health code">
  <rect width="${width}" height="${height}" fill="#fff" stroke="#333" stroke-width="2" rx="12"/>
  ${cardContent({
    ...PAPER_CARD,
    qrText: token,
    qrMaxSize: 300,
    qrGap: 6,
    above: [
      { text: '健康码 · 纸质码', fontSize: 28, minFontSize: 18, maxLines: 1, bold: true },
      { text: `Paper health code · ${issuer}`, fontSize: 15, minFontSize: 11, maxLines: 2, fill: grey, gap: 4 }
    ],
    below: [
      { text: displayName ?? '', fontSize: 30, minFontSize: 18, maxLines: 2 },
      // Whose card it is, for the grid worker who hands it out and the volunteer who sees it: the grid, by name and code.
      ...(grid === null ? [] : [{ text: `所属网格 Grid: ${grid.name}${grid.name.includes(grid.id) ? '' : ` (${grid.id})`}`, fontSize: 16, minFontSize: 11, maxLines: 2, gap: 4 }]),
      { text: `有效期至 ${until} · valid until ${until}`, fontSize: 18, minFontSize: 11, maxLines: 1, gap: 6 },
      { text: '颜色以扫码时服务器状态为准', fontSize: 15, minFontSize: 11, maxLines: 2, fill: grey, gap: 10 },
      { text: 'The colour is checked live at every scan', fontSize: 15, minFontSize: 11, maxLines: 2, fill: grey }
    ]
  })}
</svg>
`
}

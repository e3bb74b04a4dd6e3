// The printable place-code card (场所码): one SVG, the QR drawn as a path, the checkpoint's name and kind, in Chinese and
// English; every line wrapped and shrunk to the card's width (a long name takes up to three lines).
import { cardContent, escapeXml as escape } from '../../lib/qr-svg.ts'

export const KIND_LABEL: Record<string, string> = {
  traffic: '交通卡口 · Traffic checkpoint',
  community: '社区门岗 · Community gate',
  village: '村组卡口 · Village gate',
  venue: '公共场所 · Venue'
}

/** The card's size in user units (A5 at 3 units a millimetre) and the blank edge no text or module may enter. */
export const PLACE_CARD = { width: 444, height: 630, margin: 24 }

export function placeCardSvg (qrText: string, name: string, kind: string, expiresAt: number, issuer: string): string {
  const until = new Date(expiresAt).toISOString().slice(0, 10)
  const { width, height } = PLACE_CARD
  const grey = '#555'
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="148mm" height="210mm" viewBox="0 0 ${width} ${height}" role="img" aria-label="gridpass place code: ${escape(name)}">
  <rect width="${width}" height="${height}" fill="#fff" stroke="#333" stroke-width="2" rx="12"/>
  ${cardContent({
    ...PLACE_CARD,
    qrText,
    qrMaxSize: 320,
    qrGap: 6,
    above: [
      { text: '扫码登记 / Scan to check in', fontSize: 32, minFontSize: 20, maxLines: 2, bold: true },
      { text: `场所码 · Place code · ${issuer}`, fontSize: 15, minFontSize: 11, maxLines: 2, fill: grey, gap: 4 }
    ],
    below: [
      { text: name, fontSize: 30, minFontSize: 18, maxLines: 3, bold: true },
      { text: KIND_LABEL[kind] ?? kind, fontSize: 18, minFontSize: 12, maxLines: 1, gap: 4 },
      { text: '用手机扫码，向工作人员出示登记结果', fontSize: 15, minFontSize: 11, maxLines: 2, fill: grey, gap: 10 },
      { text: 'Scan with your phone and show the result to the staff', fontSize: 15, minFontSize: 11, maxLines: 2, fill: grey },
      { text: `有效期至 ${until} · valid until ${until}`, fontSize: 14, minFontSize: 10, maxLines: 1, fill: grey, gap: 8 }
    ]
  })}
</svg>
`
}

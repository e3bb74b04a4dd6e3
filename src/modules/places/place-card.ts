// The printable place-code card (场所码): one SVG, the QR drawn as a path, the checkpoint's name and kind, in Chinese and English.
import { escapeXml as escape, qrSvgFragment } from '../../lib/qr-svg.ts'

export const KIND_LABEL: Record<string, string> = {
  traffic: '交通卡口 · Traffic checkpoint',
  community: '社区门岗 · Community gate',
  village: '村组卡口 · Village gate',
  venue: '公共场所 · Venue'
}

export function placeCardSvg (qrText: string, name: string, kind: string, expiresAt: number, issuer: string): string {
  const until = new Date(expiresAt).toISOString().slice(0, 10)
  const size = 320
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="148mm" height="210mm" viewBox="0 0 444 630" role="img" aria-label="gridpass place code: ${escape(name)}">
  <rect width="444" height="630" fill="#fff" stroke="#333" stroke-width="2" rx="12"/>
  <text x="222" y="56" text-anchor="middle" font-family="sans-serif" font-size="32" font-weight="bold">扫码登记 / Scan to check in</text>
  <text x="222" y="88" text-anchor="middle" font-family="sans-serif" font-size="15" fill="#555">场所码 · Place code · ${escape(issuer)}</text>
  ${qrSvgFragment(qrText, (444 - size) / 2, 104, size)}
  <text x="222" y="470" text-anchor="middle" font-family="sans-serif" font-size="30" font-weight="bold">${escape(name)}</text>
  <text x="222" y="506" text-anchor="middle" font-family="sans-serif" font-size="18">${escape(KIND_LABEL[kind] ?? kind)}</text>
  <text x="222" y="546" text-anchor="middle" font-family="sans-serif" font-size="15" fill="#555">用手机扫码，向工作人员出示登记结果</text>
  <text x="222" y="570" text-anchor="middle" font-family="sans-serif" font-size="15" fill="#555">Scan with your phone and show the result to the staff</text>
  <text x="222" y="604" text-anchor="middle" font-family="sans-serif" font-size="14" fill="#555">有效期至 ${until} · valid until ${until}</text>
</svg>
`
}

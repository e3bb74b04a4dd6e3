// The printable paper-code card: one SVG, the QR drawn as a path, text in Chinese and English.
import { escapeXml as escape, qrSvgFragment } from '../../lib/qr-svg.ts'

export function paperCardSvg (token: string, displayName: string | null, expiresAt: number, issuer: string): string {
  const until = new Date(expiresAt).toISOString().slice(0, 10)
  const size = 300
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="105mm" height="148mm" viewBox="0 0 420 592" role="img" aria-label="gridpass paper health code">
  <rect width="420" height="592" fill="#fff" stroke="#333" stroke-width="2" rx="12"/>
  <text x="210" y="52" text-anchor="middle" font-family="sans-serif" font-size="28" font-weight="bold">健康码 · 纸质码</text>
  <text x="210" y="80" text-anchor="middle" font-family="sans-serif" font-size="15" fill="#555">Paper health code · ${escape(issuer)}</text>
  ${qrSvgFragment(token, (420 - size) / 2, 100, size)}
  <text x="210" y="440" text-anchor="middle" font-family="sans-serif" font-size="30">${escape(displayName ?? '')}</text>
  <text x="210" y="480" text-anchor="middle" font-family="sans-serif" font-size="18">有效期至 ${until} · valid until ${until}</text>
  <text x="210" y="520" text-anchor="middle" font-family="sans-serif" font-size="15" fill="#555">颜色以扫码时服务器状态为准</text>
  <text x="210" y="544" text-anchor="middle" font-family="sans-serif" font-size="15" fill="#555">The colour is checked live at every scan</text>
</svg>
`
}

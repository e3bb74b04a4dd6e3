// The printable paper-code card: one SVG, the QR drawn as a path, text in Chinese and English.
import QRCode from 'qrcode'

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

export function paperCardSvg (token: string, displayName: string | null, expiresAt: number, issuer: string): string {
  const qr = QRCode.create(token, { errorCorrectionLevel: 'M' })
  const n = qr.modules.size
  let path = ''
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) if (qr.modules.get(r, c) === 1) path += `M${c} ${r}h1v1h-1z`
  }
  const until = new Date(expiresAt).toISOString().slice(0, 10)
  const size = 300
  const quiet = 4
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="105mm" height="148mm" viewBox="0 0 420 592" role="img" aria-label="gridpass paper health code">
  <rect width="420" height="592" fill="#fff" stroke="#333" stroke-width="2" rx="12"/>
  <text x="210" y="52" text-anchor="middle" font-family="sans-serif" font-size="28" font-weight="bold">健康码 · 纸质码</text>
  <text x="210" y="80" text-anchor="middle" font-family="sans-serif" font-size="15" fill="#555">Paper health code · ${escape(issuer)}</text>
  <svg x="${(420 - size) / 2}" y="100" width="${size}" height="${size}" viewBox="${-quiet} ${-quiet} ${n + 2 * quiet} ${n + 2 * quiet}" shape-rendering="crispEdges">
    <rect x="${-quiet}" y="${-quiet}" width="${n + 2 * quiet}" height="${n + 2 * quiet}" fill="#fff"/>
    <path d="${path}" fill="#000"/>
  </svg>
  <text x="210" y="440" text-anchor="middle" font-family="sans-serif" font-size="30">${escape(displayName ?? '')}</text>
  <text x="210" y="480" text-anchor="middle" font-family="sans-serif" font-size="18">有效期至 ${until} · valid until ${until}</text>
  <text x="210" y="520" text-anchor="middle" font-family="sans-serif" font-size="15" fill="#555">颜色以扫码时服务器状态为准</text>
  <text x="210" y="544" text-anchor="middle" font-family="sans-serif" font-size="15" fill="#555">The colour is checked live at every scan</text>
</svg>
`
}

// A QR code as an SVG fragment for printable cards: one path, 4-module quiet zone, error correction M.
import QRCode from 'qrcode'

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

// Reads the QR back out of a printed card (place code, paper code): rasterise the module path, then jsQR, as a phone
// camera would.
import jsQRModule from 'jsqr'

type JsQR = typeof jsQRModule.default
const jsQR: JsQR = typeof jsQRModule === 'function' ? jsQRModule as unknown as JsQR : jsQRModule.default

export function qrOfCard (svg: string): string | null {
  const box = /viewBox="-(\d+) -\d+ (\d+) \d+" shape-rendering/.exec(svg)
  const path = /<path d="([^"]+)"/.exec(svg)
  if (box === null || path === null) return null
  const quiet = Number(box[1])
  const total = Number(box[2])
  const scale = 4
  const px = total * scale
  const data = new Uint8ClampedArray(px * px * 4).fill(255)
  for (const m of path[1]!.matchAll(/M(\d+) (\d+)h1v1h-1z/g)) {
    const x0 = (Number(m[1]) + quiet) * scale
    const y0 = (Number(m[2]) + quiet) * scale
    for (let y = y0; y < y0 + scale; y++) {
      for (let x = x0; x < x0 + scale; x++) data.fill(0, (y * px + x) * 4, (y * px + x) * 4 + 3)
    }
  }
  return jsQR(data, px, px)?.data ?? null
}

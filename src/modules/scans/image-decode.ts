// Reads a QR from an uploaded PNG or JPEG: sniff the type, check the pixel count from the header, decode, downscale, jsQR.
import pngjs from 'pngjs'
import jpeg from 'jpeg-js'
import jsQRModule, { type Options as JsQROptions, type QRCode } from 'jsqr'
import { PayloadTooLarge, Validation } from '../../errors.ts'

type JsQR = (data: Uint8ClampedArray, width: number, height: number, options?: JsQROptions) => QRCode | null
// jsqr is CommonJS whose module.exports is the function itself; depending on the interop it may sit behind .default.
const jsQRExport = jsQRModule as unknown as JsQR | { default: JsQR }
const jsQR: JsQR = typeof jsQRExport === 'function' ? jsQRExport : jsQRExport.default

export type ImageType = 'png' | 'jpeg'

/**
 * Decoded pixels beyond this are refused before decoding: 12 megapixels as phones count them (4032×3024, 12.2 million;
 * 4000×3000 is 12.0). A 12 MP RGBA bitmap is already 49 MB.
 */
export const MAX_PIXELS = 4032 * 3024
/**
 * jpeg-js's own memory guard, which counts its coefficient blocks (256 bytes per 8×8 block per component), its
 * component planes and the RGBA output: a 4:4:4 JPEG of MAX_PIXELS needs ~260 MB by that count (4:2:0, as cameras
 * write, ~140 MB). 128 refused every 12 MP photo.
 */
const JPEG_MAX_MEMORY_MB = 320
/** jsQR costs ~25 ms at 390×390 and grows with the area: large photos are searched at this size first. */
const SEARCH_LONG_SIDE = 1000
const SEARCH_PIXELS = 1_000_000
const FALLBACK_LONG_SIDE = 2000

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/** The type by magic bytes, whatever the client declared; null when it is neither PNG nor JPEG. */
export function sniff (head: Uint8Array): ImageType | null {
  if (head.length >= 8 && PNG_MAGIC.equals(head.subarray(0, 8))) return 'png'
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg'
  return null
}

export interface Dimensions { width: number, height: number }

/** Width and height from the PNG IHDR chunk, which the format requires to come first. */
function pngDimensions (buf: Buffer): Dimensions {
  if (buf.length < 33 || buf.toString('latin1', 12, 16) !== 'IHDR') throw new Validation('image: not a readable PNG (no IHDR header)')
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) }
}

// Start-of-frame markers (baseline, extended, progressive, lossless, arithmetic); C4, C8 and CC are other segments.
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf])

/** Width and height from the first JPEG start-of-frame segment, walking the segment lengths. */
function jpegDimensions (buf: Buffer): Dimensions {
  let i = 2
  while (i + 4 <= buf.length) {
    if (buf[i] !== 0xff) break
    const marker = buf[i + 1] as number
    if (marker === 0xff) { i++; continue } // fill byte
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { i += 2; continue } // no length
    if (marker === 0xd9 || marker === 0xda) break // end of image or start of scan before any frame header
    const length = buf.readUInt16BE(i + 2)
    if (length < 2) break
    if (SOF.has(marker)) {
      if (i + 9 > buf.length) break
      return { width: buf.readUInt16BE(i + 7), height: buf.readUInt16BE(i + 5) }
    }
    i += 2 + length
  }
  throw new Validation('image: not a readable JPEG (no frame header)')
}

/** Reads the dimensions from the header and refuses empty or oversized images before anything is decoded. */
export function checkDimensions (buf: Buffer, type: ImageType): Dimensions {
  const dims = type === 'png' ? pngDimensions(buf) : jpegDimensions(buf)
  if (dims.width === 0 || dims.height === 0) throw new Validation(`image: the ${type.toUpperCase()} header gives an empty size ${dims.width}×${dims.height}`)
  if (dims.width * dims.height > MAX_PIXELS) {
    throw new PayloadTooLarge(`image: ${dims.width}×${dims.height} pixels is over the limit of 12 megapixels (4032×3024)`)
  }
  return dims
}

interface Rgba { data: Uint8ClampedArray, width: number, height: number }

function decodePixels (buf: Buffer, type: ImageType): Rgba {
  try {
    if (type === 'png') {
      const png = pngjs.PNG.sync.read(buf)
      return { data: new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), width: png.width, height: png.height }
    }
    // The header check already bounds the size; these limits are jpeg-js's own guard against what the header did not say.
    const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true, tolerantDecoding: true, maxResolutionInMP: Math.ceil(MAX_PIXELS / 1_000_000), maxMemoryUsageInMB: JPEG_MAX_MEMORY_MB })
    return { data: new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length), width: img.width, height: img.height }
  } catch (err) {
    throw new Validation(`image: not a readable ${type.toUpperCase()} (${(err as Error).message.slice(0, 120)})`)
  }
}

/** Box filter: each output pixel is the mean of the source pixels it covers (keeps module edges, unlike nearest). */
export function downscale (src: Rgba, longSide: number): Rgba {
  const scale = longSide / Math.max(src.width, src.height)
  if (scale >= 1) return src
  const width = Math.max(1, Math.round(src.width * scale))
  const height = Math.max(1, Math.round(src.height * scale))
  const out = new Uint8ClampedArray(width * height * 4)
  const sum = new Float64Array(width * 3)
  const count = new Uint32Array(width)
  const colOf = new Uint32Array(src.width)
  for (let x = 0; x < src.width; x++) colOf[x] = Math.min(width - 1, Math.floor(x * width / src.width))
  let sy = 0
  for (let y = 0; y < height; y++) {
    sum.fill(0)
    count.fill(0)
    const syEnd = y === height - 1 ? src.height : Math.floor((y + 1) * src.height / height)
    for (; sy < syEnd; sy++) {
      let p = sy * src.width * 4
      for (let x = 0; x < src.width; x++, p += 4) {
        const c = (colOf[x] as number) * 3
        sum[c] = (sum[c] as number) + (src.data[p] as number)
        sum[c + 1] = (sum[c + 1] as number) + (src.data[p + 1] as number)
        sum[c + 2] = (sum[c + 2] as number) + (src.data[p + 2] as number)
        count[c / 3] = (count[c / 3] as number) + 1
      }
    }
    for (let x = 0; x < width; x++) {
      const n = count[x] || 1
      const o = (y * width + x) * 4
      out[o] = (sum[x * 3] as number) / n
      out[o + 1] = (sum[x * 3 + 1] as number) / n
      out[o + 2] = (sum[x * 3 + 2] as number) / n
      out[o + 3] = 255
    }
  }
  return { data: out, width, height }
}

/**
 * The QR text in the image, or null when none is found. Pure CPU work: it runs in a worker thread (image-worker.ts)
 * so a large or hostile photo never stalls the event loop that answers everybody else's scans.
 */
export function decodeQrSync (buf: Buffer, type: ImageType): string | null {
  checkDimensions(buf, type)
  const full = decodePixels(buf, type)
  const pixels = full.width * full.height
  if (pixels > SEARCH_PIXELS) {
    const small = downscale(full, SEARCH_LONG_SIDE)
    const found = jsQR(small.data, small.width, small.height, { inversionAttempts: 'attemptBoth' })
    if (found !== null) return found.data
  }
  // A small QR in a big photo can lose its modules in that downscale: search again at up to 2000 px. Not at full size:
  // jsQR's time grows with the area and with texture (seconds for a noisy 12 MP frame).
  // Only dark-on-light here (our codes): inverting would double the time of a miss.
  const second = pixels > SEARCH_PIXELS ? downscale(full, FALLBACK_LONG_SIDE) : full
  return jsQR(second.data, second.width, second.height, { inversionAttempts: pixels > SEARCH_PIXELS ? 'dontInvert' : 'attemptBoth' })?.data ?? null
}

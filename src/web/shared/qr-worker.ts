// Decodes QR codes off the main thread: the browser's BarcodeDetector where it has one, else jsQR.
// One frame at a time: the page sends the next only after this one answered, so frames never pile up.
import jsQR from 'jsqr'

interface Detector { detect: (image: ImageData) => Promise<Array<{ rawValue: string }>> }
type DetectorCtor = new (opts: { formats: string[] }) => Detector
type DetectorClass = DetectorCtor & { getSupportedFormats?: () => Promise<string[]> }

export interface DecodeRequest { id: number, width: number, height: number, pixels: ArrayBuffer, prefer?: 'native' | 'jsqr' }
export interface DecodeAnswer { id: number, text: string | null, decoder: 'native' | 'jsqr', ms: number }

let native: Promise<Detector | null> | null = null
function nativeDetector (): Promise<Detector | null> {
  native ??= (async () => {
    const Ctor = (self as unknown as { BarcodeDetector?: DetectorClass }).BarcodeDetector
    if (Ctor === undefined) return null
    try {
      const formats = await Ctor.getSupportedFormats?.() ?? ['qr_code']
      return formats.includes('qr_code') ? new Ctor({ formats: ['qr_code'] }) : null
    } catch { return null }
  })()
  return native
}

self.onmessage = async (event: MessageEvent<DecodeRequest>) => {
  const { id, width, height, pixels, prefer } = event.data
  const started = performance.now()
  const data = new Uint8ClampedArray(pixels)
  const detector = prefer === 'jsqr' ? null : await nativeDetector()
  let text: string | null = null
  let decoder: DecodeAnswer['decoder'] = 'jsqr'
  if (detector !== null) {
    decoder = 'native'
    try { text = (await detector.detect(new ImageData(data, width, height)))[0]?.rawValue ?? null } catch { text = null }
  } else {
    // Codes on a phone screen are dark on light; printed cards too: no need to try the inverted image.
    text = jsQR(data, width, height, { inversionAttempts: 'dontInvert' })?.data ?? null
  }
  const answer: DecodeAnswer = { id, text, decoder, ms: performance.now() - started }
  ;(self as unknown as Worker).postMessage(answer)
}

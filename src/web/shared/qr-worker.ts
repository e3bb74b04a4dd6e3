// Decodes QR codes off the main thread: the browser's BarcodeDetector where it has one, else zxing-wasm (served by
// the service itself, cached for offline use), else jsQR when WebAssembly cannot start. npm run bench:pages measured
// zxing-wasm 3-7x jsQR's frames/s on our codes, reading tilted codes jsQR missed, and ~70x faster on noisy frames
// with no code (where jsQR spends 250-400 ms a frame and a code appearing meanwhile waits).
// One frame at a time: the page sends the next only after this one answered, so frames never pile up.
import jsQR from 'jsqr'
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader'
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url'

interface Detector { detect: (image: ImageData) => Promise<Array<{ rawValue: string }>> }
type DetectorCtor = new (opts: { formats: string[] }) => Detector
type DetectorClass = DetectorCtor & { getSupportedFormats?: () => Promise<string[]> }

export type DecoderName = 'native' | 'zxing' | 'jsqr'
export interface DecodeRequest { id: number, width: number, height: number, pixels: ArrayBuffer, prefer?: DecoderName }
export interface DecodeAnswer { id: number, text: string | null, decoder: DecoderName, ms: number }

prepareZXingModule({ overrides: { locateFile: (path: string, prefix: string) => path.endsWith('.wasm') ? wasmUrl : prefix + path } })

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

let zxingBroken = false

async function decode (image: ImageData, prefer: DecoderName | undefined): Promise<{ text: string | null, decoder: DecoderName }> {
  const detector = prefer === undefined || prefer === 'native' ? await nativeDetector() : null
  if (detector !== null) {
    try { return { text: (await detector.detect(image))[0]?.rawValue ?? null, decoder: 'native' } } catch { /* fall through */ }
  }
  if (!zxingBroken && prefer !== 'jsqr') {
    try {
      const found = await readBarcodes(image, { formats: ['QRCode'], tryHarder: false, maxNumberOfSymbols: 1 })
      return { text: found[0]?.text ?? null, decoder: 'zxing' }
    } catch {
      // The wasm could not start (no WebAssembly, or its file could not be fetched): jsQR from now on.
      zxingBroken = true
    }
  }
  // Codes on a phone screen are dark on light; printed cards too: no need to try the inverted image.
  return { text: jsQR(image.data, image.width, image.height, { inversionAttempts: 'dontInvert' })?.data ?? null, decoder: 'jsqr' }
}

self.onmessage = async (event: MessageEvent<DecodeRequest>) => {
  const { id, width, height, pixels, prefer } = event.data
  const started = performance.now()
  const { text, decoder } = await decode(new ImageData(new Uint8ClampedArray(pixels), width, height), prefer)
  const answer: DecodeAnswer = { id, text, decoder, ms: performance.now() - started }
  ;(self as unknown as Worker).postMessage(answer)
}

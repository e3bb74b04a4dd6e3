// Decodes the QR in a photo, in the same worker the camera uses (the scanner's offline photo fallback).
import type { DecodeAnswer, DecodeRequest } from './qr-worker.ts'

export async function decodeImageFile (file: Blob): Promise<string | null> {
  const bitmap = await createImageBitmap(file).catch(() => null)
  if (bitmap === null) return null
  // Phone photos are large; 1280 px keeps a code readable and the decode short.
  const scale = Math.min(1, 1280 / Math.max(bitmap.width, bitmap.height))
  const canvas = document.createElement('canvas')
  canvas.width = Math.round(bitmap.width * scale)
  canvas.height = Math.round(bitmap.height * scale)
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height)
  const image = ctx.getImageData(0, 0, canvas.width, canvas.height)
  const worker = new Worker(new URL('./qr-worker.ts', import.meta.url), { type: 'module' })
  try {
    return await new Promise<string | null>((resolve) => {
      worker.onmessage = (e: MessageEvent<DecodeAnswer>) => resolve(e.data.text)
      worker.onerror = () => resolve(null)
      const msg: DecodeRequest = { id: 1, width: image.width, height: image.height, pixels: image.data.buffer }
      worker.postMessage(msg, [image.data.buffer])
    })
  } finally {
    worker.terminate()
  }
}

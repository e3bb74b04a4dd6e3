// Worker thread: decodes one image per message, off the event loop; errors go back as GP codes.
import { parentPort } from 'node:worker_threads'
import { decodeQrSync, type ImageType } from './image-decode.ts'

parentPort?.on('message', (msg: { id: number, data: Uint8Array, type: ImageType }) => {
  try {
    parentPort?.postMessage({ id: msg.id, token: decodeQrSync(Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength), msg.type) })
  } catch (err) {
    const e = err as { code?: string, statusCode?: number, message: string }
    parentPort?.postMessage({ id: msg.id, error: { code: e.code, statusCode: e.statusCode, message: e.message } })
  }
})

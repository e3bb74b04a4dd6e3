// Worker thread: decodes one image per message, off the event loop; errors go back as GP codes. It says when it is
// loaded, so the time limit of a photo never counts the thread's start.
import { realpathSync } from 'node:fs'
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
/** This thread's own accounting file (Linux), where the pool reads the processor time a photo has taken. */
function statPath (): string | null {
  try {
    return `${realpathSync('/proc/thread-self')}/stat`
  } catch {
    return null
  }
}
parentPort?.postMessage({ ready: true, statPath: statPath() })

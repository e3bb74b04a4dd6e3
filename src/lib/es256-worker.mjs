// The ES256 thread (src/lib/es256-thread.ts): signature checks and signatures in batches, one message each way; the
// checks and signatures themselves run on libuv's thread pool.
// Plain JavaScript on purpose: it starts in tens of milliseconds without a TypeScript loader.
// Protocol: { id, keys: [[name, KeyObject], …] (each key sent once per thread, under a name of its own),
//   jobs: [[0, input, keyName], …] (0 verify, 1 sign; input ASCII), signatures: Uint8Array (64 bytes per job, the
//   signature to check for a verify) }
//   → { id, ok: Uint8Array (per job: 1 verified / signed, 0 not, 2 failed), signatures: Uint8Array (64 per sign) }
// 'close' → exits.
import { sign, verify } from 'node:crypto'
import { Buffer } from 'node:buffer'
import { parentPort } from 'node:worker_threads'

const keys = new Map()
// Each job runs on libuv's thread pool (node:crypto with a callback), so a batch spreads over the machine's cores; this
// thread only hands them out and answers once the last is back. The event loop pays one message for the batch.
parentPort.on('message', (msg) => {
  if (msg === 'close') { parentPort.close(); return }
  for (const [name, key] of msg.keys) keys.set(name, key)
  const { jobs, signatures } = msg
  const ok = new Uint8Array(jobs.length)
  let left = jobs.length + 1
  const done = () => {
    if (--left === 0) parentPort.postMessage({ id: msg.id, ok, signatures }, [ok.buffer, signatures.buffer])
  }
  for (let i = 0; i < jobs.length; i++) {
    const [op, input, keyName] = jobs[i]
    const key = keys.get(keyName)
    if (key === undefined) { ok[i] = 2; done(); continue }
    try {
      const data = Buffer.from(input, 'latin1')
      if (op === 0) {
        verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signatures.subarray(i * 64, i * 64 + 64), (err, valid) => {
          ok[i] = err !== null ? 2 : valid ? 1 : 0
          done()
        })
      } else {
        sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, (err, signature) => {
          if (err !== null) ok[i] = 2; else { signatures.set(signature, i * 64); ok[i] = 1 }
          done()
        })
      }
    } catch {
      ok[i] = 2
      done()
    }
  }
  done()
})

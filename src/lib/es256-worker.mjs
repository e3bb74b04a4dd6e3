// The ES256 thread (src/lib/es256-thread.ts): signature checks and signatures in batches, one message each way.
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
parentPort.on('message', (msg) => {
  if (msg === 'close') { parentPort.close(); return }
  for (const [name, key] of msg.keys) keys.set(name, key)
  const { jobs, signatures } = msg
  const ok = new Uint8Array(jobs.length)
  for (let i = 0; i < jobs.length; i++) {
    const [op, input, keyName] = jobs[i]
    const key = keys.get(keyName)
    try {
      if (key === undefined) { ok[i] = 2; continue }
      const data = Buffer.from(input, 'latin1')
      if (op === 0) {
        ok[i] = verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signatures.subarray(i * 64, i * 64 + 64)) ? 1 : 0
      } else {
        signatures.set(sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }), i * 64)
        ok[i] = 1
      }
    } catch {
      ok[i] = 2
    }
  }
  parentPort.postMessage({ id: msg.id, ok, signatures }, [ok.buffer, signatures.buffer])
})

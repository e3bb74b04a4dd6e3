// Random ids (src/lib/ids.ts): 22 base64url characters of 128 random bits each, drawn from a pool refilled every 256
// ids; none repeats across refills, and every bit position varies.
import t from 'tap'
import { randomId } from '../src/lib/ids.ts'

t.test('randomId: 128-bit base64url ids, unique across the pool\'s refills', async (t) => {
  const ids = Array.from({ length: 5000 }, () => randomId())
  t.ok(ids.every((id) => /^[A-Za-z0-9_-]{22}$/.test(id)), 'each 22 base64url characters')
  t.equal(new Set(ids).size, ids.length, 'no id twice in 5,000 (about twenty refills of the pool)')
  const bytes = ids.map((id) => Buffer.from(id, 'base64url'))
  t.ok(bytes.every((b) => b.length === 16), 'each 16 bytes')
  let ones = 0
  let zeros = 0
  for (const b of bytes) { let or = 0; for (const x of b) or |= x; if (or === 0) zeros++; ones += b.reduce((n, x) => n + x.toString(2).replaceAll('0', '').length, 0) }
  t.equal(zeros, 0, 'no all-zero id (a pool used before it was filled)')
  const share = ones / (bytes.length * 128)
  t.ok(share > 0.48 && share < 0.52, `about half the bits set (${share.toFixed(4)})`)
})

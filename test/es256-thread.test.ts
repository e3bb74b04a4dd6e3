// The ES256 thread (src/lib/es256-thread.ts): batches of checks and signatures answered exactly as node:crypto
// answers them one by one, whatever happens to the thread.
import { execFile } from 'node:child_process'
import { generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto'
import { promisify } from 'node:util'
import t from 'tap'
import { MESSAGE_JOBS, createEs256Thread, poolEs256 } from '../src/lib/es256-thread.ts'
import { signCompact } from '../src/lib/jws.ts'

const pair = (): { publicKey: KeyObject, privateKey: KeyObject } => generateKeyPairSync('ec', { namedCurve: 'P-256' })
const p1363 = (input: string, key: KeyObject): Buffer => sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
const checks = (input: string, signature: Uint8Array, key: KeyObject): boolean => verify('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }, signature)

t.test('hundreds of checks and signatures in one turn: each answered as node:crypto answers it', async (t) => {
  const thread = createEs256Thread()
  t.teardown(thread.close)
  const a = pair()
  const b = pair()
  const inputs = Array.from({ length: 300 }, (_, i) => `eyJhbGciOiJFUzI1NiJ9.${Buffer.from(`payload ${i}`).toString('base64url')}`)
  const jobs = inputs.map(async (input, i) => {
    const signature = p1363(input, i % 3 === 0 ? b.privateKey : a.privateKey)
    if (i % 5 === 0) signature[10] = (signature[10] as number) ^ 1
    return { i, ok: await thread.verify(i % 7 === 0 ? `${input}x` : input, signature, a.publicKey, 'kid-a'), signature, input }
  })
  const made = inputs.map(async (input) => ({ input, signature: await thread.sign(input, a.privateKey, 'kid-a') }))
  let wrong = 0
  for (const { i, ok, signature, input } of await Promise.all(jobs)) if (ok !== checks(i % 7 === 0 ? `${input}x` : input, signature, a.publicKey)) wrong++
  t.equal(wrong, 0, 'every verdict is node:crypto\'s (good, tampered, another key\'s, another input)')
  const signed = await Promise.all(made)
  t.ok(signed.every(({ input, signature }) => signature.length === 64 && checks(input, signature, a.publicKey)), 'every signature verifies with the public key')
  t.equal(await thread.verify(inputs[0] as string, new Uint8Array(63), a.publicKey, 'kid-a'), false, 'a signature of the wrong length: false')
})

t.test('a big turn travels in several messages: its first checks are answered while the last are still being made', async (t) => {
  // A thread that answers its first message at once and every later one 300 ms after (as a busy machine might): the
  // first message's checks must not wait for the rest. (With the real thread the gap is a few milliseconds, too little
  // to tell apart on a loaded machine, where the event loop may find every answer waiting at once.)
  const slowAfterFirst = new URL(`data:text/javascript,${encodeURIComponent(`
    import { parentPort } from 'node:worker_threads'
    let messages = 0
    parentPort.on('message', (msg) => {
      if (msg === 'close') { parentPort.close(); return }
      const answer = () => { parentPort.postMessage({ id: msg.id, ok: new Uint8Array(msg.jobs.length).fill(1), signatures: msg.signatures }) }
      if (messages++ === 0) answer(); else setTimeout(answer, 300)
    })`)}`)
  const thread = createEs256Thread({ workerUrl: slowAfterFirst })
  t.teardown(thread.close)
  // This thread answers every check as valid without making it: one signature of the right length serves them all.
  const { publicKey } = pair()
  const signature = new Uint8Array(64)
  const count = 192 // six messages of MESSAGE_JOBS
  let lastAnswered = false
  let lastWhenFirstWasUsed: boolean | null = null
  let answered = 0
  await Promise.all(Array.from({ length: count }, async (_, i) => {
    if (await thread.verify(`in.${i}`, signature, publicKey, 'k')) answered++
    if (i === count - 1) lastAnswered = true
    // What the event loop can do with the first answer happens before the last check is answered.
    if (i === 0) await new Promise<void>((resolve) => { setImmediate(() => { lastWhenFirstWasUsed = lastAnswered; resolve() }) })
  }))
  t.ok(count >= MESSAGE_JOBS * 2, 'more checks than one message holds')
  t.equal(answered, count, 'every check answered')
  t.equal(lastWhenFirstWasUsed, false, 'the first answer was back (and used) before the last check was made')
})

t.test('keys are told apart by their material, not by the kid or the object', async (t) => {
  const thread = createEs256Thread()
  t.teardown(thread.close)
  const a = pair()
  const b = pair()
  const input = 'eyJ.eyJ'
  const byA = p1363(input, a.privateKey)
  t.equal(await thread.verify(input, byA, a.publicKey, 'k'), true)
  t.equal(await thread.verify(input, byA, b.publicKey, 'k'), false, 'another key under the same kid is checked as itself')
  const reloaded = a.publicKey.export({ format: 'jwk' })
  const { createPublicKey } = await import('node:crypto')
  t.equal(await thread.verify(input, byA, createPublicKey({ key: reloaded, format: 'jwk' }), 'k'), true, 'the same key re-read (a new KeyObject) still verifies')
  const [x, y] = await Promise.all([thread.verify(input, byA, a.publicKey, 'k'), thread.verify(input, byA, b.publicKey, 'k')])
  t.same([x, y], [true, false], 'both keys of one kid in one batch')
})

t.test('a thread that ends leaves nothing unanswered: its batches are done on the pool, then a new thread starts', async (t) => {
  // A worker that dies at its first message.
  const dying = new URL(`data:text/javascript,${encodeURIComponent("import { parentPort } from 'node:worker_threads'; parentPort.on('message', () => process.exit(3))")}`)
  const thread = createEs256Thread({ workerUrl: dying })
  t.teardown(thread.close)
  const { publicKey, privateKey } = pair()
  const answers = await Promise.all(Array.from({ length: 20 }, async (_, i) => {
    const input = `in.${i}`
    return i % 2 === 0 ? thread.verify(input, p1363(input, privateKey), publicKey, 'k') : (async () => checks(input, await thread.sign(input, privateKey, 'k'), publicKey))()
  }))
  t.ok(answers.every((ok) => ok), 'all 20 answered correctly')
  const healthy = createEs256Thread()
  await healthy.verify('x.y', p1363('x.y', privateKey), publicKey, 'k')
  await healthy.close()
  t.equal(await healthy.verify('x.y', p1363('x.y', privateKey), publicKey, 'k'), true, 'after close, the next check starts a new thread')
  await healthy.close()
})

t.test('signCompact through the thread and through the pool: tokens that verify with the public key', async (t) => {
  const thread = createEs256Thread()
  t.teardown(thread.close)
  const { publicKey, privateKey } = pair()
  for (const es256 of [thread, poolEs256]) {
    const token = await signCompact({ alg: 'ES256', kid: 'k', typ: 'x' }, { sub: 'p' }, privateKey, es256)
    const [h, p, s] = token.split('.') as [string, string, string]
    t.ok(checks(`${h}.${p}`, Buffer.from(s, 'base64url'), publicKey))
  }
})

t.test('an unclosed thread does not keep the process alive', async (t) => {
  const script = "import { generateKeyPairSync } from 'node:crypto'; import { createEs256Thread } from './src/lib/es256-thread.ts'; " +
    "const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' }); const s = await createEs256Thread().sign('a.b', privateKey, 'k'); console.log(s.length)"
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 20_000 })
  t.equal(stdout.trim(), '64', 'signed, then exited by itself')
})

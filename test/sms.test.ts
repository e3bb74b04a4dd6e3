// Login codes by SMS: the signed webhook against a real local HTTP gateway (body, signature, retries, timeout), what a
// resident gets when the gateway works and when it does not, the development log sender, and the start-up refusals.
import { createHmac } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import pino from 'pino'
import { ConfigError, loadConfig, type Config } from '../src/config.ts'
import { SmsSendError, maskPhone, verifyWebhook, webhookSender } from '../src/lib/sms.ts'
import { dialects, eachDb, makeCtx, nextPhone, type Ctx, type Test } from './helper.ts'

const SECRET = 'gateway-shared-secret-for-tests'

interface Received { headers: IncomingMessage['headers'], raw: string, body: { id: string, phone: string, code: string, ttlSeconds: number, purpose: string } }
type Behaviour = 'ok' | 500 | 400 | 429 | 'hang'

/** A county SMS gateway on 127.0.0.1: answers each request as the next behaviour in the plan (the last one repeats). */
async function gateway (test: Test, ...plan: Behaviour[]): Promise<{ url: string, received: Received[], plan: Behaviour[] }> {
  const received: Received[] = []
  const state = { plan: plan.length === 0 ? ['ok' as Behaviour] : plan }
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      received.push({ headers: req.headers, raw, body: JSON.parse(raw) as Received['body'] })
      const behaviour = state.plan.length > 1 ? state.plan.shift() as Behaviour : state.plan[0] as Behaviour
      if (behaviour === 'hang') return // never answers; closed at teardown
      res.writeHead(behaviour === 'ok' ? 200 : behaviour, { 'content-type': 'application/json' })
      res.end(behaviour === 'ok' ? '{"accepted":true}' : '{"error":"x"}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  test.teardown(async () => {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => { resolve() }))
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/sms/send`,
    received,
    get plan () { return state.plan },
    set plan (p: Behaviour[]) { state.plan = p }
  }
}

/** A port nothing listens on (a gateway that is down). */
async function closedPort (): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => { resolve() }))
  return `http://127.0.0.1:${port}/sms/send`
}

const silent = pino({ level: 'silent' })
const sender = (url: string, o: { timeoutMs?: number, retries?: number } = {}) =>
  webhookSender({ url, secret: SECRET, timeoutMs: o.timeoutMs ?? 2000, retries: o.retries ?? 2, log: silent, backoffMs: 20 })
const message = { phone: '+8613912345678', code: '123456', ttlSeconds: 300, purpose: 'login' as const }

t.test('the webhook: the JSON body, signed with the shared secret, verifiable by the gateway', async (t) => {
  const gw = await gateway(t, 'ok')
  await sender(gw.url).send(message)
  t.equal(gw.received.length, 1)
  const [got] = gw.received as [Received]
  t.match(got.headers['content-type'], /^application\/json/)
  t.match(got.body, { phone: '+8613912345678', code: '123456', ttlSeconds: 300, purpose: 'login' })
  t.match(got.body.id, /^[0-9a-f-]{36}$/, 'a delivery id')
  t.same(Object.keys(got.body).sort(), ['code', 'id', 'phone', 'purpose', 'ttlSeconds'])
  t.equal(got.headers['x-gridpass-delivery'], got.body.id, 'X-Gridpass-Delivery is the body\'s id')

  const timestamp = got.headers['x-gridpass-timestamp'] as string
  const signature = got.headers['x-gridpass-signature'] as string
  t.match(timestamp, /^\d{10}$/, 'unix seconds')
  t.ok(Math.abs(Number(timestamp) - Date.now() / 1000) < 60, 'the current time')
  // Recomputed as the gateway documentation says, independently of the service's code.
  const expected = 'sha256=' + createHmac('sha256', SECRET).update(`${timestamp}.${got.raw}`).digest('hex')
  t.equal(signature, expected, 'X-Gridpass-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>')
  const now = Number(timestamp)
  t.ok(verifyWebhook(SECRET, { timestamp, signature }, got.raw, now), 'the reference check accepts it')
  t.notOk(verifyWebhook('another-secret-of-16+', { timestamp, signature }, got.raw, now), 'another secret does not')
  t.notOk(verifyWebhook(SECRET, { timestamp, signature }, got.raw.replace('123456', '654321'), now), 'a changed body does not')
  t.notOk(verifyWebhook(SECRET, { timestamp: String(now + 1), signature }, got.raw, now), 'a changed timestamp does not')
  t.notOk(verifyWebhook(SECRET, { timestamp, signature }, got.raw, now + 301), 'a replay after 5 minutes does not')
  t.ok(verifyWebhook(SECRET, { timestamp, signature }, got.raw, now + 300), 'within 5 minutes it does')
})

t.test('the webhook: retried after a 500 and a 429, with the same id; never after another 4xx', async (t) => {
  const gw = await gateway(t, 500, 429, 'ok')
  await sender(gw.url).send(message)
  t.equal(gw.received.length, 3, 'two retries')
  t.same(new Set(gw.received.map((r) => r.body.id)).size, 1, 'one delivery id on every attempt')
  t.same(new Set(gw.received.map((r) => r.raw)).size, 1, 'the same body')
  for (const r of gw.received) t.ok(verifyWebhook(SECRET, { timestamp: r.headers['x-gridpass-timestamp'] as string, signature: r.headers['x-gridpass-signature'] as string }, r.raw, Math.floor(Date.now() / 1000)), 'each attempt is signed')

  const refusing = await gateway(t, 400)
  const err = await sender(refusing.url).send(message).then(() => null, (e: unknown) => e)
  t.ok(err instanceof SmsSendError, String(err))
  t.match(err, { delivered: 'no', attempts: 1 })
  t.match((err as Error).message, 'HTTP 400')
  t.equal(refusing.received.length, 1, 'a 400 is not retried')

  const down = await gateway(t, 500)
  const err500 = await sender(down.url, { retries: 2 }).send(message).then(() => null, (e: unknown) => e)
  t.match(err500, { delivered: 'no', attempts: 3 }, 'a gateway that keeps answering 500: three attempts, nothing sent')
  t.equal(down.received.length, 3)
})

t.test('the webhook: a timeout per attempt; a gateway that may have sent is told apart from one that cannot have', async (t) => {
  const gw = await gateway(t, 'hang')
  const started = Date.now()
  const err = await sender(gw.url, { timeoutMs: 200, retries: 1 }).send(message).then(() => null, (e: unknown) => e)
  const took = Date.now() - started
  t.ok(err instanceof SmsSendError)
  t.match(err, { delivered: 'unknown', attempts: 2 }, 'timed out: the gateway may have sent it')
  t.match((err as Error).message, 'no answer within 200 ms')
  t.equal(gw.received.length, 2, 'retried once')
  t.ok(took >= 400 && took < 3000, `two attempts of 200 ms and a short back-off: ${took} ms`)

  const slowThenOk = await gateway(t, 'hang', 'ok')
  await sender(slowThenOk.url, { timeoutMs: 200, retries: 1 }).send(message)
  t.equal(slowThenOk.received.length, 2, 'a retry after a timeout can succeed')

  const err2 = await sender(await closedPort(), { retries: 1 }).send(message).then(() => null, (e: unknown) => e)
  t.match(err2, { delivered: 'no', attempts: 2 }, 'connection refused: nothing can have been sent')
})

t.test('masked phones', async (t) => {
  t.equal(maskPhone('13912345678'), '139****5678')
  t.equal(maskPhone('+8613912345678'), '139****5678')
})

t.test('start-up refusals and defaults (loadConfig)', async (t) => {
  const refusal = (() => { try { loadConfig({ NODE_ENV: 'production' }); return null } catch (err) { return err } })()
  t.ok(refusal instanceof ConfigError, 'a ConfigError: the service prints its message and exits 1')
  t.throws(() => loadConfig({ NODE_ENV: 'production' }), /NODE_ENV=production needs an SMS sender.*GRIDPASS_SMS_WEBHOOK_URL and GRIDPASS_SMS_WEBHOOK_SECRET/)
  t.throws(() => loadConfig({ NODE_ENV: 'production', GRIDPASS_SMS_SENDER: 'log' }), /NODE_ENV=production needs an SMS sender/, 'the log sender is refused in production')
  t.throws(() => loadConfig({ GRIDPASS_SMS_WEBHOOK_URL: 'https://sms.example.org/send' }), /needs GRIDPASS_SMS_WEBHOOK_URL and GRIDPASS_SMS_WEBHOOK_SECRET/, 'a webhook without its secret')
  t.throws(() => loadConfig({ NODE_ENV: 'production', GRIDPASS_DEV_OTP: 'true', GRIDPASS_SMS_WEBHOOK_URL: 'https://sms.example.org/send', GRIDPASS_SMS_WEBHOOK_SECRET: SECRET }), /GRIDPASS_DEV_OTP=true is refused/)
  const prod = loadConfig({ NODE_ENV: 'production', GRIDPASS_SMS_WEBHOOK_URL: 'https://sms.example.org/send', GRIDPASS_SMS_WEBHOOK_SECRET: SECRET })
  t.match(prod.sms, { sender: 'webhook', webhookUrl: 'https://sms.example.org/send', timeoutMs: 5000, retries: 2 })
  t.equal(prod.devOtp, false)
  const dev = loadConfig({})
  t.equal(dev.devOtp, false, 'dev OTP is off unless asked for')
  t.equal(dev.sms.sender, 'log', 'outside production the log sender is the default')
  t.equal(loadConfig({ GRIDPASS_DEV_OTP: 'true' }).devOtp, true)
  t.same(loadConfig({ GRIDPASS_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' }).trustProxy, ['127.0.0.1', '10.0.0.0/8'])
  t.equal(loadConfig({}).trustProxy, false)
})

// Through the API, on both databases, with the webhook sender and dev OTP off (as in production).
const withGateway = (url: string, o: { timeoutMs?: number, retries?: number } = {}): Partial<Config> => ({
  devOtp: false,
  sms: { sender: 'webhook', webhookUrl: url, webhookSecret: SECRET, timeoutMs: o.timeoutMs ?? 2000, retries: o.retries ?? 1 }
})
const otp = (ctx: Ctx, phone: string) => ctx.inject({ method: 'POST', url: '/v1/auth/otp', payload: { phone } })
const verify = (ctx: Ctx, phone: string, code: string) => ctx.inject({ method: 'POST', url: '/v1/auth/otp/verify', payload: { phone, code } })

for (const dialect of dialects()) {
  void t.test(`POST /v1/auth/otp with the SMS webhook [${dialect}]`, async (t) => {
    const gw = await gateway(t, 'ok')
    const ctx = await makeCtx(t, dialect, { config: withGateway(gw.url, { timeoutMs: 300, retries: 1 }) })

    // Works: {sent:true} and nothing else; the code the gateway got logs in.
    const phone = nextPhone()
    const ok = await otp(ctx, phone)
    t.equal(ok.statusCode, 202, ok.body)
    t.same(ok.json(), { sent: true }, 'no devCode')
    const sms = gw.received.at(-1) as Received
    t.equal(sms.body.phone, `+86${phone}`)
    t.equal((await verify(ctx, phone, sms.body.code)).statusCode, 200, 'the code sent by SMS logs in')

    // A live code survives a failed send of a newer one; the newer one, never delivered, is not usable.
    const p2 = nextPhone()
    t.equal((await otp(ctx, p2)).statusCode, 202)
    const first = (gw.received.at(-1) as Received).body.code
    gw.plan = [500]
    const before = gw.received.length
    const down = await otp(ctx, p2)
    t.equal(down.statusCode, 503, down.body)
    t.same(down.json(), { statusCode: 503, code: 'GP_SMS_UNAVAILABLE', error: 'Service Unavailable', message: down.json().message })
    t.match(down.json().message, 'SMS')
    t.notOk('sent' in down.json(), 'never sent:true')
    t.equal(down.headers['retry-after'], '30')
    t.equal(gw.received.length - before, 2, 'one retry')
    const undelivered = (gw.received.at(-1) as Received).body.code
    if (undelivered !== first) {
      const r = await verify(ctx, p2, undelivered)
      t.equal(r.statusCode, 401, 'the code that was not delivered is not usable')
    }
    t.equal((await verify(ctx, p2, first)).statusCode, 200, 'the earlier code still works')

    // Refused sends do not count towards 5 per phone per 15 minutes: after 6 failures the resident gets a code.
    const p3 = nextPhone()
    for (let i = 0; i < 6; i++) t.equal((await otp(ctx, p3)).statusCode, 503, `failed send ${i + 1}`)
    gw.plan = ['ok']
    const after = await otp(ctx, p3)
    t.equal(after.statusCode, 202, `once the gateway is back: ${after.body}`)
    t.equal((await verify(ctx, p3, (gw.received.at(-1) as Received).body.code)).statusCode, 200)

    // A timed-out send may have reached the phone: unusable, but counted.
    const p4 = nextPhone()
    gw.plan = ['hang']
    for (let i = 0; i < 5; i++) t.equal((await otp(ctx, p4)).statusCode, 503, `timed-out send ${i + 1}`)
    const hung = (gw.received.at(-1) as Received).body.code
    gw.plan = ['ok']
    const limited = await otp(ctx, p4)
    t.equal(limited.statusCode, 429, `five timed-out sends count: ${limited.body}`)
    t.equal((await verify(ctx, p4, hung)).statusCode, 401, 'a timed-out code is not usable')

    // Connection refused: the same 503.
    const refused = await makeCtx(t, dialect, { config: withGateway(await closedPort(), { retries: 0 }) })
    const r = await otp(refused, nextPhone())
    t.equal(r.statusCode, 503, r.body)
    t.equal(r.json().code, 'GP_SMS_UNAVAILABLE')
  })
}

const lines: string[] = []
eachDb('the log sender (development): the code and a masked phone in one marked log line, never the full phone', async (t, ctx) => {
  t.equal(ctx.config.sms.sender, 'log')
  const phone = nextPhone()
  const res = await otp(ctx, phone)
  t.equal(res.statusCode, 202, res.body)
  t.same(res.json(), { sent: true }, 'no devCode without GRIDPASS_DEV_OTP')
  const masked = `${phone.slice(0, 3)}****${phone.slice(-4)}`
  const all = lines.join('\n')
  const line = lines.find((l) => l.includes('SMS NOT SENT') && l.includes(masked))
  t.ok(line, 'a marked line')
  t.match(line, /GRIDPASS_SMS_SENDER=log, development only/)
  t.match(line, /login code \d{6} for 139\*{4}\d{4}, valid 300 s/)
  t.notOk(all.includes(phone), 'the full phone is in no log line')
}, { config: { devOtp: false, logger: true, logLevel: 'info' }, build: { logStream: { write (l: string) { lines.push(l) } } } })

eachDb('dev OTP only when asked for: devCode with GRIDPASS_DEV_OTP=true (the test default)', async (t, ctx) => {
  const phone = nextPhone()
  const res = await otp(ctx, phone)
  t.equal(res.statusCode, 202)
  t.match(res.json().devCode, /^\d{6}$/)
  t.equal((await verify(ctx, phone, res.json().devCode)).statusCode, 200)
})

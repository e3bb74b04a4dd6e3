// The scan thread's commit interval (GRIDPASS_COMMIT_INTERVAL_MS, SQLite): a commit group begins at least that long
// after the one before it began, so that at a moderate rate more scans share each commit and fsync. The thread's own
// behaviour is tested in test/sqlite-thread.test.ts; here the setting's limits, and that the service hands it over.
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { loadConfig } from '../src/config.ts'
import { bearerOf, makeCtx } from './helper.ts'

t.test('GRIDPASS_COMMIT_INTERVAL_MS: 3 ms unless set, 0 to 50', async (t) => {
  t.equal(loadConfig({}).commitIntervalMs, 3, 'a few milliseconds by default: the 20 ms p99 of a scan leaves room for it')
  t.equal(loadConfig({ GRIDPASS_COMMIT_INTERVAL_MS: '0' }).commitIntervalMs, 0, '0: each group as soon as the one before is synced')
  t.throws(() => loadConfig({ GRIDPASS_COMMIT_INTERVAL_MS: '51' }), { message: /GRIDPASS_COMMIT_INTERVAL_MS=51: Expected integer to be less or equal to 50/ }, 'more than 50 ms is refused, naming the variable')
  t.throws(() => loadConfig({ GRIDPASS_COMMIT_INTERVAL_MS: 'soon' }), { message: /GRIDPASS_COMMIT_INTERVAL_MS="soon": Expected integer/ }, 'not a number is refused, naming the variable')
})

t.test('the service\'s scans wait for the interval it is given: two scans right after another are answered once it has passed, both recorded', async (t) => {
  const INTERVAL = 400 // far beyond a commit and fsync here: the wait can only be the interval's
  const ctx = await makeCtx(t, 'sqlite', { config: { commitIntervalMs: INTERVAL } })
  const cp = await ctx.checkpoint()
  const volunteer = await ctx.staff('volunteer', { checkpointIds: [cp] })
  const person = await ctx.resident()
  const code = (await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(person.token) })).json().token as string
  const scan = async (): Promise<[unknown, number]> => {
    const res = await ctx.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(volunteer), payload: { id: randomUUID(), token: code, checkpointId: cp } })
    return [res.json(), performance.now() - t0]
  }
  const t0 = performance.now()
  t.match((await scan())[0], { decision: 'allow', recorded: true }, 'the first scan recorded')
  const [[second, at2], [third, at3]] = await Promise.all([scan(), scan()])
  t.match([second, third], [{ decision: 'allow', recorded: true }, { decision: 'allow', recorded: true }], 'both recorded')
  t.ok(at2 >= INTERVAL - 1 && at3 >= INTERVAL - 1, `answered ${Math.round(at2)} and ${Math.round(at3)} ms after the first was sent: not before its group's interval had passed`)
})

// The real server process: starts on a fresh directory, says where things are, answers, and shuts down cleanly on SIGTERM.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'

/** `node [nodeArgs] --import tsx src/server.ts` with `env`; resolves once it prints where the API is (or exits). */
async function startService (nodeArgs: string[], env: Record<string, string | undefined>): Promise<{ base: string | undefined, output: () => string, child: ReturnType<typeof spawn>, exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/server.ts'], { env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr.on('data', (d: Buffer) => { out += d.toString() })
  let gone = false
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => { gone = true; resolve(code) }))
  const deadline = Date.now() + 60_000
  while (!/API doc: (http:\/\/\S+)\/docs/.test(out) && !gone && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
  return { base: /API doc: (http:\/\/\S+)\/docs/.exec(out)?.[1], output: () => out, child, exited }
}

void t.test('npm start on an empty directory: keys, migrations, admin, pages, graceful stop', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gridpass-server-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const { base, output, child, exited } = await startService([], { DATABASE_URL: `file:${join(dir, 'data', 'gridpass.db')}`, GRIDPASS_KEYS_DIR: join(dir, 'keys'), GRIDPASS_ADMIN_PASSWORD: undefined })
  const out = output()
  t.ok(base, 'prints where the API documentation is')
  t.match(out, /pages: +http:\/\/127\.0\.0\.1:\d+\/h5\//, 'prints where the pages are')
  const passwordFile = /created user "admin"; its password is in (\S+) \(mode 0600\)/.exec(out)?.[1]
  t.equal(passwordFile, join(dir, 'keys', 'initial-admin-password.txt'), 'a first start without GRIDPASS_ADMIN_PASSWORD says where the generated admin password is')
  const password = readFileSync(passwordFile as string, 'utf8').trim()
  t.ok(password.length >= 10, 'the file holds the password')
  t.equal(statSync(passwordFile as string).mode & 0o777, 0o600, 'readable only by the service\'s user')
  t.notOk(out.includes(password), 'and the password itself is never printed')
  t.ok(existsSync(join(dir, 'data', 'gridpass.db')), 'the SQLite file is created')
  t.ok(readdirSync(join(dir, 'keys', 'signing')).some((f) => f.endsWith('.json')), 'a signing key is created')

  const modeOf = (path: string): string => (statSync(path).mode & 0o777).toString(8)
  t.equal(modeOf(join(dir, 'data')), '700', 'the database folder it created is 0700')
  for (const f of readdirSync(join(dir, 'data')).filter((f) => f.startsWith('gridpass.db'))) t.equal(modeOf(join(dir, 'data', f)), '600', `${f} is 0600`)
  t.ok(existsSync(join(dir, 'data', 'gridpass.db-wal')), 'the WAL is there too (and checked above)')
  t.equal(modeOf(join(dir, 'keys')), '700', 'the keys folder is 0700')
  for (const f of ['data.key', 'session.key', 'audit.key']) t.equal(modeOf(join(dir, 'keys', f)), '600', `${f} is 0600`)

  const health = await fetch(`${base}/healthz`)
  t.equal(health.status, 200)
  const login = await fetch(`${base}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) })
  t.equal(login.status, 200, 'the password in the file logs the admin in')
  const page = await fetch(`${base}/h5/resident.html`)
  t.equal(page.status, 200)
  t.match(await page.text(), /健康码/)

  child.kill('SIGTERM')
  t.equal(await exited, 0, 'SIGTERM ends the process cleanly')
})

void t.test('started with V8 flags (node --max-old-space-size=… --max-semi-space-size=…): the database threads start without them and the service answers', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gridpass-server-flags-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  // Node refuses V8 flags in a worker's execArgv (ERR_WORKER_INVALID_EXEC_ARGV): passed on, the start would fail.
  const { base, output, child, exited } = await startService(['--max-old-space-size=512', '--max-semi-space-size=32'], { DATABASE_URL: `file:${join(dir, 'gridpass.db')}`, GRIDPASS_KEYS_DIR: join(dir, 'keys'), GRIDPASS_ADMIN_PASSWORD: 'flags-admin-password' })
  const out = output()
  t.ok(base, 'the service starts')
  t.notMatch(out, /ERR_WORKER_INVALID_EXEC_ARGV|checkpoint thread failed/, 'no thread refused its flags')
  const login = await fetch(`${base}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'flags-admin-password' }) })
  t.equal(login.status, 200, 'the admin logs in')
  const { accessToken } = await login.json() as { accessToken: string }
  // A checkpoint and a scan: the scan thread (a worker) answers.
  const cp = await fetch(`${base}/v1/checkpoints`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: '清江大桥', kind: 'traffic', lat: 30.39, lon: 111.45 }) })
  t.equal(cp.status, 201, 'a checkpoint is created')
  const { id: checkpointId } = await cp.json() as { id: string }
  const scan = await fetch(`${base}/v1/scans`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ id: '0b7e9b5e-3c1f-4e57-9a38-6d2f0d1b7a11', token: 'not.a.code', checkpointId }) })
  t.equal(scan.status, 200)
  t.match(await scan.json(), { decision: 'deny', recorded: false }, 'a scan is judged and its refusal recorded by the scan thread')
  child.kill('SIGTERM')
  t.equal(await exited, 0, 'SIGTERM ends the process cleanly')
})

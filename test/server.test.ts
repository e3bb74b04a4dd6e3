// The real server process: starts on a fresh directory, says where things are, answers, and shuts down cleanly on SIGTERM.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, existsSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'

void t.test('npm start on an empty directory: keys, migrations, admin, pages, graceful stop', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gridpass-server-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, PORT: '0', DATABASE_URL: `file:${join(dir, 'data', 'gridpass.db')}`, GRIDPASS_KEYS_DIR: join(dir, 'keys'), GRIDPASS_ADMIN_PASSWORD: undefined, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr.on('data', (d: Buffer) => { out += d.toString() })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => { resolve(code) }))

  const deadline = Date.now() + 60_000
  while (!/API doc: (http:\/\/\S+)\/docs/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
  const base = /API doc: (http:\/\/\S+)\/docs/.exec(out)?.[1]
  t.ok(base, 'prints where the API documentation is')
  t.match(out, /pages: +http:\/\/127\.0\.0\.1:\d+\/h5\//, 'prints where the pages are')
  t.match(out, /created user "admin" with password \S{10,}/, 'a first start without GRIDPASS_ADMIN_PASSWORD prints a generated admin password once')
  t.ok(existsSync(join(dir, 'data', 'gridpass.db')), 'the SQLite file is created')
  t.ok(readdirSync(join(dir, 'keys', 'signing')).some((f) => f.endsWith('.json')), 'a signing key is created')

  const health = await fetch(`${base}/healthz`)
  t.equal(health.status, 200)
  const page = await fetch(`${base}/h5/resident.html`)
  t.equal(page.status, 200)
  t.match(await page.text(), /健康码/)

  child.kill('SIGTERM')
  t.equal(await exited, 0, 'SIGTERM ends the process cleanly')
})

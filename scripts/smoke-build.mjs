// `npm run smoke:build`: checks the compiled service (`npm run build`) the way the Docker image runs it, with no tsx
// and no TypeScript source: the operator scripts (keys generate, migrate, audit-verify), then the server with
// NODE_ENV=production (health, readiness, a page, the API documentation, a staff login), and a photo decoded by the
// compiled image worker. Exit 0 when every step passed; each step prints one line.
//   node scripts/smoke-build.mjs [--root DIR]   DIR: a directory laid out like the image (default: this checkout)
// DATABASE_URL picks the database: an empty one, since the keys are always new ones in a temporary directory and the
// service refuses a database that knows other keys (default: a new SQLite file in a temporary directory).
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'

const { values } = parseArgs({ options: { root: { type: 'string', default: resolve(import.meta.dirname, '..') } } })
const ROOT = resolve(values.root)
const BUILD = join(ROOT, 'dist/server')
const tmp = mkdtempSync(join(tmpdir(), 'gridpass-smoke-'))
const env = {
  ...process.env,
  NODE_ENV: 'production',
  HOST: '127.0.0.1',
  PORT: '0',
  DATABASE_URL: process.env.DATABASE_URL ?? `file:${join(tmp, 'gridpass.db')}`,
  GRIDPASS_KEYS_DIR: join(tmp, 'keys'),
  GRIDPASS_AUDIT_ANCHOR_FILE: join(tmp, 'audit-anchor.log'),
  GRIDPASS_ADMIN_PASSWORD: 'smoke-test-password',
  // Production refuses to start without an SMS gateway; nothing is sent in this run (no resident logs in).
  GRIDPASS_SMS_WEBHOOK_URL: 'http://127.0.0.1:9/sms',
  GRIDPASS_SMS_WEBHOOK_SECRET: 'smoke-test-webhook-secret'
}
let failed = 0
const step = (name, ok, detail = '') => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail === '' ? '' : `: ${detail}`}`)
  if (!ok) failed++
}
const script = (name, ...args) => {
  const r = spawnSync(process.execPath, [join(BUILD, 'scripts', `${name}.js`), ...args], { cwd: ROOT, env, encoding: 'utf8' })
  step(`node dist/server/scripts/${name}.js ${args.join(' ')}`.trim(), r.status === 0, (r.status === 0 ? r.stdout : r.stderr + r.stdout).trim().split('\n').pop())
}

console.log(`node ${process.version} (modules ${process.versions.modules}), root ${ROOT}, database ${env.DATABASE_URL.startsWith('file:') ? 'SQLite' : 'PostgreSQL'}`)
try {
  script('keys', 'generate')
  script('migrate')

  const server = spawn(process.execPath, [join(BUILD, 'src/server.js')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  server.stdout.on('data', (d) => { output += d })
  server.stderr.on('data', (d) => { output += d })
  const exited = new Promise((resolve) => server.once('exit', (code, signal) => resolve(code ?? signal)))
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 30 s:\n${output}`)), 30_000)
    const look = () => {
      const m = /health:\s+(http:\/\/\S+)\/healthz/.exec(output)
      if (m !== null) { clearTimeout(timer); resolve(m[1]) }
    }
    server.stdout.on('data', look)
    exited.then((code) => { clearTimeout(timer); reject(new Error(`the server exited (${code}):\n${output}`)) })
  })
  step('node dist/server/src/server.js starts', true, base)

  const get = async (path) => {
    const res = await fetch(base + path, { redirect: 'manual' })
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() }
  }
  for (const [path, type, text] of [['/healthz', 'application/json', '"ok"'], ['/readyz', 'application/json', ''], ['/h5/', 'text/html', '<div id="app"'], ['/h5/scanner/', 'text/html', ''], ['/docs/', 'text/html', 'swagger'], ['/docs/static/swagger-ui.css', 'text/css', ''], ['/openapi.json', 'application/json', '"openapi"']]) {
    const r = await get(path)
    step(`GET ${path}`, r.status === 200 && r.type.startsWith(type) && r.body.includes(text), `${r.status} ${r.type.split(';')[0]} ${r.body.length} bytes`)
  }
  const login = await fetch(base + '/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: env.GRIDPASS_ADMIN_PASSWORD }) })
  const session = await login.json()
  step('POST /v1/auth/login (admin)', login.status === 200 && typeof session.accessToken === 'string', `${login.status} role ${session.role}`)

  server.kill('SIGTERM')
  const code = await exited
  step('SIGTERM: graceful exit', code === 0, `exit ${code}`)
  if (code !== 0) console.log(output)
  script('audit-verify')

  // The image worker: compiled, image-pool.js starts image-worker.js with no TypeScript loader.
  const qrcode = createRequire(join(ROOT, 'package.json'))('qrcode')
  const { createDecodePool } = await import(pathToFileURL(join(BUILD, 'src/modules/scans/image-pool.js')).href)
  const pool = createDecodePool({ limitMs: 10_000 })
  // The pool's thread is unref'd (a server keeps the process alive): this timer does here, and bounds the wait.
  let timer
  const timeout = new Promise((_resolve, reject) => { timer = setTimeout(() => reject(new Error('image worker: no answer within 30 s')), 30_000) })
  try {
    const token = await Promise.race([pool.decode(await qrcode.toBuffer('GP1.smoke-test', { type: 'png', width: 300 }), 'png'), timeout])
    step('image worker decodes a QR photo', token === 'GP1.smoke-test', String(token))
  } finally {
    clearTimeout(timer)
    await pool.close()
  }
} catch (err) {
  step('smoke run', false, err instanceof Error ? err.message : String(err))
} finally {
  rmSync(tmp, { recursive: true, force: true })
}
console.log(failed === 0 ? 'smoke: all steps passed' : `smoke: ${failed} step(s) failed`)
process.exitCode = failed === 0 ? 0 : 1

// The real server process and its signals: SIGHUP switches keys and keeps serving; a keys folder that does not belong
// to the database makes it refuse to start (exit 1), with the fix in the message and nothing created.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { rotateKeys } from '../src/lib/keyring.ts'

const ROOT = join(import.meta.dirname, '..')
const kidOf = (token: string): string => (JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString('utf8')) as { kid: string }).kid

interface Server { child: ChildProcessWithoutNullStreams, output: () => string, exited: Promise<number | null> }

function start (dir: string, keysDir: string): Server {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      NODE_ENV: 'development',
      DATABASE_URL: `file:${join(dir, 'data', 'gridpass.db')}`,
      GRIDPASS_KEYS_DIR: keysDir,
      GRIDPASS_ADMIN_PASSWORD: 'admin-password-for-tests',
      GRIDPASS_DEV_OTP: 'true',
      LOG_LEVEL: 'warn'
    }
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr.on('data', (d: Buffer) => { out += d.toString() })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => { resolve(code) }))
  return { child, output: () => out, exited }
}

async function listening (server: Server): Promise<string> {
  const deadline = Date.now() + 60_000
  let exitedEarly = false
  void server.exited.then(() => { exitedEarly = true })
  while (Date.now() < deadline && !exitedEarly) {
    const base = /API doc: (http:\/\/\S+)\/docs/.exec(server.output())?.[1]
    if (base !== undefined) return base
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`the server did not start:\n${server.output()}`)
}

async function json (base: string, method: string, path: string, body?: unknown, token?: string): Promise<{ status: number, body: Record<string, unknown> }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {})
  })
  return { status: res.status, body: await res.json() as Record<string, unknown> }
}

void t.test('kill -HUP reloads the keys and the service keeps serving, signing with the new key', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gridpass-sighup-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const keysDir = join(dir, 'keys')
  const server = start(dir, keysDir)
  t.teardown(() => { if (server.child.exitCode === null) server.child.kill('SIGKILL') })
  const base = await listening(server)

  const phone = '13912345678'
  const otp = await json(base, 'POST', '/v1/auth/otp', { phone })
  t.equal(otp.status, 202, JSON.stringify(otp.body))
  const login = await json(base, 'POST', '/v1/auth/otp/verify', { phone, code: otp.body.devCode })
  t.equal(login.status, 200, JSON.stringify(login.body))
  const token = login.body.accessToken as string
  t.equal((await json(base, 'PUT', '/v1/me/profile', { name: '张三', idNumber: '11010519491231002X' }, token)).status, 200)
  const first = await json(base, 'GET', '/v1/me/code', undefined, token)
  t.equal(first.status, 200)
  const kidOld = kidOf(first.body.token as string)

  const { active: kidNew } = await rotateKeys(keysDir, Date.now(), Date.now())
  for (let i = 0; i < 2; i++) server.child.kill('SIGHUP') // a second HUP is a second reload, not "second signal, exit"
  let kid = kidOld
  const deadline = Date.now() + 10_000
  while (kid !== kidNew && Date.now() < deadline && server.child.exitCode === null) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    const res = await json(base, 'GET', '/v1/me/code', undefined, token).catch(() => null)
    if (res?.status === 200) kid = kidOf(res.body.token as string)
  }
  t.equal(server.child.exitCode, null, 'the process is still running after SIGHUP')
  t.equal((await fetch(`${base}/healthz`)).status, 200, '/healthz answers 200')
  t.equal(kid, kidNew, 'a freshly issued code carries the new kid')
  const jwks = await json(base, 'GET', '/.well-known/jwks.json')
  t.same((jwks.body.keys as Array<{ kid: string }>).map((k) => k.kid).sort(), [kidOld, kidNew].sort(), 'both keys are published')
  t.notMatch(server.output(), /closing/, 'SIGHUP did not start a shutdown')

  server.child.kill('SIGTERM')
  t.equal(await server.exited, 0, 'SIGTERM still ends it cleanly')

  // The same database with an empty keys folder (a volume not mounted): refused, exit 1, nothing created.
  const empty = join(dir, 'empty-keys')
  const refused = start(dir, empty)
  t.teardown(() => { if (refused.child.exitCode === null) refused.child.kill('SIGKILL') })
  t.equal(await refused.exited, 1, 'exits 1')
  t.match(refused.output(), `gridpass: refusing to start: GRIDPASS_KEYS_DIR=${empty} has no data.key, but this database was set up with one: restore the keys folder that belongs to this database from its backup (keys/README.md)`)
  t.notMatch(refused.output(), /API doc:/, 'never listened')
  t.same(readdirSync(dir).includes('empty-keys') ? readdirSync(empty) : [], [], 'and created no key')
})

// A keys folder that does not belong to the database is refused before anything is written: fingerprints of data.key,
// session.key and audit.key in the settings table, an older installation recorded once, modes tightened at every start.
import { spawnSync } from 'node:child_process'
import { chmodSync, cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { sql } from '../src/db/index.ts'
import { ensureKeys, fingerprintOf } from '../src/lib/keyring.ts'
import { eachDb, makeCtx, T0, type Ctx, type Test } from './helper.ts'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const SECRETS = ['data.key', 'session.key', 'audit.key']

async function settings (ctx: Ctx): Promise<Array<{ key: string, value: string }>> {
  const { store } = ctx.app
  return store.rows<{ key: string, value: string }>(store.db, sql`SELECT key, value FROM settings ORDER BY key`)
}

/** What a refused start must leave as it was. */
async function snapshot (ctx: Ctx): Promise<string> {
  const { store } = ctx.app
  const people = await store.rows(store.db, sql`SELECT id, phone_idx FROM people ORDER BY id`)
  const users = await store.rows(store.db, sql`SELECT id, username FROM users ORDER BY id`)
  const audit = await store.rows(store.db, sql`SELECT seq FROM audit_log ORDER BY seq`)
  return JSON.stringify({ people, users, audit, settings: await settings(ctx) })
}

const emptyDir = (t: Test, prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  return dir
}

const keyOf = (dir: string, name: string): Buffer => Buffer.from(readFileSync(join(dir, name), 'utf8').trim(), 'base64')

eachDb('a first start records the fingerprints of its keys, never the keys', async (t, ctx) => {
  const rows = await settings(ctx)
  const fingerprints = rows.filter((r) => r.key.startsWith('key-fingerprint:'))
  t.same(fingerprints.map((r) => r.key).sort(), SECRETS.map((n) => `key-fingerprint:${n}`).sort(), 'one for each secret')
  for (const name of SECRETS) {
    const key = keyOf(ctx.keysDir, name)
    const row = fingerprints.find((r) => r.key === `key-fingerprint:${name}`)
    t.equal(row?.value, fingerprintOf(key), `${name}: HMAC-SHA-256 under the key itself`)
    t.notOk(row?.value.includes(key.toString('base64')) ?? true, `${name}: the key is not in it`)
  }
  const again = await makeCtx(t, ctx.dialect, { share: ctx })
  t.equal((await again.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'a restart with the same keys starts')
  t.same(await settings(again), rows, 'and changes no fingerprint')
})

eachDb('an empty keys folder against a database set up with keys is refused, and nothing is written', async (t, ctx) => {
  await ctx.resident()
  const before = await snapshot(ctx)
  const empty = emptyDir(t, 'gridpass-keys-empty-')
  await t.rejects(makeCtx(t, ctx.dialect, { share: ctx, keysDir: empty }), {
    message: new RegExp(`^GRIDPASS_KEYS_DIR=${empty} has no data\\.key, but this database was set up with one: restore the keys folder that belongs to this database from its backup \\(keys/README\\.md\\); if it is a volume, check that it is mounted\\. .*every phone and ID number would be bound to a second person.*The service did not start and changed nothing\\.$`)
  })
  t.same(readdirSync(empty), [], 'no key was created')
  t.equal(await snapshot(ctx), before, 'the database is unchanged')
  t.equal((await ctx.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'the copy that has its keys keeps running')
})

eachDb('a different data.key (or session.key, audit.key) is refused', async (t, ctx) => {
  await ctx.resident()
  const before = await snapshot(ctx)
  for (const name of SECRETS) {
    const other = emptyDir(t, 'gridpass-keys-other-')
    cpSync(ctx.keysDir, other, { recursive: true })
    const replaced = randomBytes(32).toString('base64') + '\n'
    writeFileSync(join(other, name), replaced)
    await t.rejects(makeCtx(t, ctx.dialect, { share: ctx, keysDir: other }), {
      message: new RegExp(`^GRIDPASS_KEYS_DIR=${other} holds a ${name.replace('.', '\\.')} that is not the one this database was set up with`)
    }, name)
    t.equal(readFileSync(join(other, name), 'utf8'), replaced, `${name}: the folder is left as it was`)
  }
  t.equal(await snapshot(ctx), before, 'the database is unchanged')
})

eachDb('an installation from before the fingerprints: its keys are recorded; without them it is refused', async (t, ctx) => {
  await ctx.resident()
  const { store } = ctx.app
  await store.tx(async (db) => { await store.rows(db, sql`DELETE FROM settings RETURNING key`) })
  const before = await snapshot(ctx)

  const empty = emptyDir(t, 'gridpass-keys-unmounted-')
  await t.rejects(makeCtx(t, ctx.dialect, { share: ctx, keysDir: empty }), {
    message: `GRIDPASS_KEYS_DIR=${empty} has no data.key, but the database holds 1 person and 1 staff user: restore the keys folder from its backup (keys/README.md); if it is a volume, check that it is mounted. With another data.key no stored name, ID number or phone can be read, and every phone and ID number would be bound to a second person. The service did not start and changed nothing.`
  })
  t.same(readdirSync(empty), [], 'no key was created')
  t.equal(await snapshot(ctx), before, 'the database is unchanged')

  // With its own keys folder it starts, and the fingerprints of its keys are recorded.
  const older = emptyDir(t, 'gridpass-keys-older-')
  cpSync(ctx.keysDir, older, { recursive: true })
  const upgraded = await makeCtx(t, ctx.dialect, { share: ctx, keysDir: older })
  t.equal((await upgraded.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'the older installation starts')
  const rows = await settings(upgraded)
  for (const name of SECRETS) t.equal(rows.find((r) => r.key === `key-fingerprint:${name}`)?.value, fingerprintOf(keyOf(older, name)), `${name} recorded`)
})

eachDb('every start makes the keys folder 0700 and the key files 0600, whatever they were', async (t, ctx) => {
  const dir = emptyDir(t, 'gridpass-keys-loose-')
  await ensureKeys(dir, T0)
  const signing = readdirSync(join(dir, 'signing')).map((f) => join(dir, 'signing', f))
  chmodSync(dir, 0o755)
  chmodSync(join(dir, 'signing'), 0o755)
  for (const f of [...SECRETS.map((n) => join(dir, n)), ...signing]) chmodSync(f, 0o644)
  const loose = await makeCtx(t, ctx.dialect, { keysDir: dir })
  t.equal((await loose.inject({ method: 'GET', url: '/healthz' })).statusCode, 200)
  t.equal(statSync(dir).mode & 0o777, 0o700, 'the folder')
  t.equal(statSync(join(dir, 'signing')).mode & 0o777, 0o700, 'signing/')
  for (const f of [...SECRETS.map((n) => join(dir, n)), ...signing]) t.equal(statSync(f).mode & 0o777, 0o600, f)
})

void t.test('an existing SQLite file and its WAL are made 0600 at start; a folder the service creates is 0700', async (t) => {
  const parent = emptyDir(t, 'gridpass-db-modes-')
  const ctx = await makeCtx(t, 'sqlite', { config: { databaseUrl: `file:${join(parent, 'new', 'deeper', 'gridpass.db')}` } })
  t.equal(statSync(join(parent, 'new')).mode & 0o777, 0o700, 'the folders it creates are 0700')
  t.equal(statSync(join(parent, 'new', 'deeper')).mode & 0o777, 0o700)
  t.equal(statSync(parent).mode & 0o777, 0o700, 'mkdtemp made this one 0700 already')
  const db = join(parent, 'new', 'deeper', 'gridpass.db')
  for (const f of [db, `${db}-wal`, `${db}-shm`]) {
    t.equal(statSync(f).mode & 0o777, 0o600, `${f} is 0600`)
    chmodSync(f, 0o644)
  }
  const again = await makeCtx(t, 'sqlite', { share: ctx })
  t.equal((await again.inject({ method: 'GET', url: '/healthz' })).statusCode, 200)
  for (const f of [db, `${db}-wal`, `${db}-shm`]) t.equal(statSync(f).mode & 0o777, 0o600, `${f} is 0600 again after a restart`)

  const shared = emptyDir(t, 'gridpass-db-shared-')
  chmodSync(shared, 0o755)
  await makeCtx(t, 'sqlite', { config: { databaseUrl: `file:${join(shared, 'gridpass.db')}` } })
  t.equal(statSync(shared).mode & 0o777, 0o755, 'a folder that existed before is left alone (it may be /tmp or /var/lib)')
  t.equal(statSync(join(shared, 'gridpass.db')).mode & 0o777, 0o600)
})

void t.test('npm run keys:accept: a session.key lost for good is accepted; a data.key only for a database without people', async (t) => {
  const ctx = await makeCtx(t, 'sqlite')
  await ctx.resident()
  const other = emptyDir(t, 'gridpass-keys-accept-')
  cpSync(ctx.keysDir, other, { recursive: true })
  rmSync(join(other, 'session.key'))
  const env = { ...process.env, GRIDPASS_KEYS_DIR: other, DATABASE_URL: ctx.config.databaseUrl }
  const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'scripts/keys.ts', ...args], { cwd: ROOT, encoding: 'utf8', env })

  await t.rejects(makeCtx(t, 'sqlite', { share: ctx, keysDir: other }), { message: /has no session\.key, but this database was set up with one.*npm run keys:accept -- session\.key/ })
  const missing = run('accept', 'session.key')
  t.equal(missing.status, 1)
  t.match(missing.stderr, /has no session\.key: restore it from the backup, or run npm run keys:generate/)
  t.equal(run('generate').status, 0)
  await t.rejects(makeCtx(t, 'sqlite', { share: ctx, keysDir: other }), { message: /holds a session\.key that is not the one/ }, 'a new session.key alone is still refused')
  const accepted = run('accept', 'session.key')
  t.equal(accepted.status, 0, accepted.stderr)
  t.match(accepted.stdout, /every staff user and resident has to log in again/)
  const restarted = await makeCtx(t, 'sqlite', { share: ctx, keysDir: other })
  t.equal((await restarted.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'then the service starts')

  writeFileSync(join(other, 'data.key'), randomBytes(32).toString('base64') + '\n')
  const data = run('accept', 'data.key')
  t.equal(data.status, 1)
  t.match(data.stderr, /refused: the database holds 1 person whose names, ID numbers and phones only the original data\.key can read/)
})

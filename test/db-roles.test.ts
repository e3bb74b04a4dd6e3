// GRIDPASS_MIGRATE=false: the service checks the migrations instead of applying them, and runs as a PostgreSQL role
// without DDL or trigger rights (granted as docs/audit.md says), which can neither drop the audit log's triggers nor
// change its rows.
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import t from 'tap'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { createDb } from '../src/db/index.ts'
import { verifyChain } from '../src/modules/audit/audit.verify.ts'
import { bearerOf, dialects, makeCtx } from './helper.ts'

const PG_URL = process.env.GRIDPASS_TEST_PG_URL as string

t.test('GRIDPASS_MIGRATE=false on a SQLite file behind its migrations: the start is refused, naming npm run migrate; once migrated it starts', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gridpass-migrate-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const config = { ...loadConfig({}), databaseUrl: `file:${join(dir, 'gridpass.db')}`, keysDir: join(dir, 'keys'), auditAnchorFile: join(dir, 'anchor.log'), adminPassword: 'admin-password-for-tests', logger: false, maxEventLoopDelayMs: 0, migrate: false }
  await t.rejects(buildApp(config), { message: /the database is \d+ migration\(s\) behind \(0000_init, .*\) and GRIDPASS_MIGRATE=false: run `npm run migrate`/ })
  const migrated = await createDb(config.databaseUrl, { migrate: true })
  await migrated.close()
  const app = await buildApp(config)
  t.teardown(async () => { await app.close() })
  await app.ready()
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200)
})

if (dialects().includes('pg')) {
  t.test('the service as a PostgreSQL role without DDL or trigger rights (GRIDPASS_MIGRATE=false) [pg]', async (t) => {
    // The owner (this superuser, as `npm run migrate` would) creates and migrates the schema.
    const owner = await makeCtx(t, 'pg')
    const schema = owner.pgSchema
    const role = `gp_svc_${randomBytes(4).toString('hex')}`
    const password = randomBytes(12).toString('hex')
    const admin = new pg.Client({ connectionString: PG_URL })
    await admin.connect()
    t.teardown(async () => {
      await admin.query(`DROP OWNED BY ${role}`).catch(() => undefined)
      await admin.query(`DROP ROLE IF EXISTS ${role}`)
      await admin.end()
    })
    // As docs/audit.md ("Database roles") grants them: rows, but no DDL, no TRUNCATE, no triggers; audit_log only
    // SELECT and INSERT; the migrations table only read.
    for (const statement of [
      `CREATE ROLE ${role} LOGIN PASSWORD '${password}'`,
      `GRANT USAGE ON SCHEMA ${schema} TO ${role}`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${role}`,
      `REVOKE UPDATE, DELETE ON ${schema}.audit_log FROM ${role}`,
      `REVOKE INSERT, UPDATE, DELETE ON ${schema}.__drizzle_migrations FROM ${role}`,
      `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${schema} TO ${role}`
    ]) await admin.query(statement)
    const url = new URL(PG_URL)
    url.username = role
    url.password = password
    const roleUrl = url.toString()

    // The service, on that role, neither migrating nor able to.
    const svc = await makeCtx(t, 'pg', { share: owner, config: { databaseUrl: roleUrl, migrate: false } })
    const cp = await svc.checkpoint()
    const volunteer = await svc.staff('volunteer', { checkpointIds: [cp] })
    const tracer = await svc.staff('tracer')
    const r = await svc.resident()
    const token = (await svc.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(r.token) })).json().token as string
    const scan = await svc.inject({ method: 'POST', url: '/v1/scans', headers: bearerOf(volunteer), payload: { id: randomUUID(), token, checkpointId: cp } })
    t.equal(scan.statusCode, 200, scan.body)
    t.match(scan.json(), { decision: 'allow', recorded: true })
    const trail = await svc.inject({ method: 'GET', url: `/v1/people/${r.personId}/trail?purpose=case-roles`, headers: bearerOf(tracer) })
    t.equal(trail.statusCode, 200, trail.body)
    t.equal(trail.json().scans.length, 1)
    const audit = await svc.inject({ method: 'GET', url: '/v1/audit?limit=5', headers: bearerOf(await svc.admin()) })
    t.equal(audit.json().entries[0]?.action, 'trail.read', 'the audited read is in the log')
    t.match(await verifyChain(svc.app.store, { key: svc.app.keyring.auditKey }), { ok: true })

    // What the role cannot do, whatever the service's code did.
    const asRole = new pg.Client({ connectionString: roleUrl, options: `-c search_path=${schema}` })
    await asRole.connect()
    t.teardown(async () => { await asRole.end() })
    const refused = async (statement: string): Promise<string> => {
      try { await asRole.query(statement); return 'not refused' } catch (err) { return (err as Error).message }
    }
    t.match(await refused('DROP TRIGGER audit_log_no_update_delete ON audit_log'), /must be owner of (table|relation) audit_log/, 'cannot drop the trigger')
    t.match(await refused('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete'), /must be owner/, 'cannot disable it')
    t.match(await refused("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1"), /permission denied for table audit_log/, 'cannot UPDATE audit_log')
    t.match(await refused('DELETE FROM audit_log'), /permission denied for table audit_log/, 'cannot DELETE from it')
    t.match(await refused('TRUNCATE audit_log'), /permission denied for table audit_log/, 'cannot TRUNCATE it')
    t.match(await refused('CREATE TABLE sneaky (x int)'), /permission denied for schema/, 'cannot create tables')
    t.match(await refused('DROP TABLE scans'), /must be owner of (table|relation) scans/, 'cannot drop tables')

    // Behind a migration (the migrations table says one is missing): the role's start is refused, naming the fix.
    await admin.query(`DELETE FROM ${schema}.__drizzle_migrations WHERE created_at = (SELECT max(created_at) FROM ${schema}.__drizzle_migrations)`)
    await t.rejects(createDb(roleUrl, { pgSchema: schema, migrate: false }), { message: /1 migration\(s\) behind \(\d{4}_\w+\) and GRIDPASS_MIGRATE=false: run `npm run migrate`/ })
  })
}

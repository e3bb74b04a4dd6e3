// createDb(url) → { db, t, dialect, tx, close }: the only place that knows which SQL dialect runs.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { startWorker } from '../lib/worker-args.ts'
import Database from 'better-sqlite3'
import pg from 'pg'
import { sql, type InferSelectModel } from 'drizzle-orm'
import { drizzle as drizzleSqlite, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator'
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator'
import * as sqliteSchema from './schema.sqlite.ts'
import * as pgSchema from './schema.pg.ts'
import { PACKAGE_ROOT } from '../lib/package-root.ts'
import { ConfigError } from '../config.ts'

/**
 * Repositories are written once against this type. At run time `db` and `t` are the
 * PostgreSQL ones when DATABASE_URL says so: both schema files declare the same tables with
 * the same TypeScript types (checked below), and shared code only uses what both dialects have
 * (awaited queries, returning(), onConflictDoNothing(), no .all()/.get()/.run()).
 */
export type Db = BetterSQLite3Database<typeof sqliteSchema>
export type Tables = typeof sqliteSchema
export type Dialect = 'sqlite' | 'pg'

export interface Database_ {
  db: Db
  t: Tables
  dialect: Dialect
  /** Runs fn in one transaction. On SQLite every write must go through here (see below). */
  tx: <T>(fn: (db: Db) => Promise<T>) => Promise<T>
  /**
   * The transaction `db` belongs to (the `db` that tx handed to fn); throws outside one. A fresh object per
   * transaction: state kept under it (a WeakMap) cannot leak into the next transaction, even after a rollback.
   */
  txContext: (db: Db) => TxContext
  /**
   * Serialises transactions that take the same key until they end. SQLite already runs one transaction at a time;
   * PostgreSQL takes a transaction-scoped advisory lock (several service copies share one database).
   */
  lock: (db: Db, key: string) => Promise<void>
  /** Runs a raw statement that returns rows, on either dialect. */
  rows: <R = Record<string, unknown>>(db: Db, query: ReturnType<typeof sql>) => Promise<R[]>
  /** Resolves when the database answers a trivial statement (readiness). */
  ping: () => Promise<void>
  /** Where the data is, for people: the SQLite file, or "PostgreSQL" (never the connection string and its password). */
  label: string
  close: () => Promise<void>
  /** How long a statement waits for another connection's lock (DbOptions.lockTimeoutMs). */
  lockTimeoutMs: number
  /**
   * Tells the in-memory caches of hot paths (scan-queries.ts) that a person's rows in `table` change in the transaction
   * `db` belongs to (personId null: anyone's). Listeners hear of it once that transaction has committed, never on a
   * rollback; outside a transaction (PostgreSQL's autocommit), at once. Every write that changes or removes rows of a cached
   * table calls it (inserting a new person need not: what is not there is never cached).
   */
  changed: (db: Db, table: CachedTable, personId: string | null) => void
  /** Adds a listener of `changed`; returns its removal. */
  onChanged: (listener: ChangeListener) => () => void
  /** SQLite only: the raw connection, for the prepared statements of hot paths (scan-queries.ts, tracing-queries.ts). */
  sqlite?: Database.Database
  /**
   * PostgreSQL only: the pool, for named prepared statements on hot paths (planned once per connection, where
   * drizzle's queries are planned at every call). Its bigint columns come back as strings.
   */
  pg?: pg.Pool
}
export type { Database_ as GridpassDb }

/**
 * A read built and prepared once, for a hot path outside transactions: on SQLite one better-sqlite3 statement
 * (drizzle otherwise builds the SQL and SQLite compiles it at every call: most of a live code's CPU was that), on
 * PostgreSQL a named statement, planned once per connection. `query` is a drizzle select on store.db with
 * sql.placeholder() parameters; `name` must be unique per SQL text.
 */
export function prepareRead<R> (store: Database_, name: string, query: unknown): (values: Record<string, unknown>) => Promise<R[]> {
  if (store.dialect === 'sqlite') {
    const prepared = (query as { prepare: () => { all: (v: Record<string, unknown>) => R[] } }).prepare()
    return async (values) => prepared.all(values)
  }
  const prepared = (query as { prepare: (name: string) => { execute: (v: Record<string, unknown>) => Promise<R[]> } }).prepare(name)
  return async (values) => prepared.execute(values)
}

/** The tables whose rows hot paths keep in memory (scan-queries.ts): their writers call store.changed. */
export type CachedTable = 'people' | 'status_entries'
export type ChangeListener = (table: CachedTable, personId: string | null) => void

/**
 * A per-person read of a hot path outside transactions (a live code's person and colour entries), answered from
 * memory on SQLite: one process owns the file and every write of `table` tells store.changed, which drops the person
 * after its commit. A read made while a transaction is open on the one connection (it would see that transaction's
 * rows) or overtaken by a change is returned, not kept; nothing is kept for a person not found. The values are shared:
 * callers must not change them. On PostgreSQL, where several copies share the database, every call reads.
 */
export function personMemo<R> (store: Database_, table: CachedTable, read: (personId: string) => Promise<R | undefined>, max = 50_000): (personId: string) => Promise<R | undefined> {
  const client = store.sqlite
  if (client === undefined) return read
  const kept = new Map<string, R>()
  let generation = 0
  store.onChanged((changed, personId) => {
    if (changed !== table) return
    generation++
    if (personId === null) kept.clear(); else kept.delete(personId)
  })
  return async (personId) => {
    const hit = kept.get(personId)
    if (hit !== undefined) return hit
    const seen = generation
    const open = client.inTransaction
    const value = await read(personId)
    if (value !== undefined && !open && seen === generation) {
      if (kept.size >= max) kept.delete(kept.keys().next().value as string)
      kept.set(personId, value)
    }
    return value
  }
}

export interface TxContext {
  /**
   * Runs hook in this transaction after fn has returned, just before COMMIT, in the order added (a hook may add
   * more). A hook that throws rolls the whole transaction back. Work that takes a lock every copy shares (the audit
   * chain's head) goes here, so that the lock is held only for that step and the commit, not for the whole action.
   */
  beforeCommit: (hook: (db: Db) => Promise<void>) => void
  /** Runs hook once the transaction has committed (never after a rollback), in the order added; it must not throw. */
  afterCommit: (hook: () => void) => void
}

type Hook = (db: Db) => Promise<void>
/** A transaction's context, its hooks run by runHooks before COMMIT, and the ones runCommitted runs after it. */
function newTxContext (): { context: TxContext, hooks: Hook[], committed: Array<() => void> } {
  const hooks: Hook[] = []
  const committed: Array<() => void> = []
  return { context: { beforeCommit: (hook) => { hooks.push(hook) }, afterCommit: (hook) => { committed.push(hook) } }, hooks, committed }
}
function runCommitted (committed: Array<() => void>): void {
  for (const hook of committed) hook()
}

/** store.changed and store.onChanged over a dialect's txContext. */
function changeFeed (txContext: (db: Db) => TxContext | undefined): Pick<Database_, 'changed' | 'onChanged'> {
  const listeners = new Set<ChangeListener>()
  const tell = (table: CachedTable, personId: string | null): void => { for (const l of listeners) l(table, personId) }
  const toldIn = new WeakMap<TxContext, Set<string>>()
  return {
    changed: (db, table, personId) => {
      const context = txContext(db)
      if (context === undefined) { tell(table, personId); return }
      // Told once per transaction for each person (or for anyone: null, which covers every person of the table).
      let seen = toldIn.get(context)
      if (seen === undefined) { seen = new Set(); toldIn.set(context, seen) }
      const key = `${table}\u0000${personId ?? ''}`
      if (seen.has(key) || seen.has(`${table}\u0000`)) return
      seen.add(key)
      context.afterCommit(() => { tell(table, personId) })
    },
    onChanged: (listener) => {
      listeners.add(listener)
      return () => { listeners.delete(listener) }
    }
  }
}
async function runHooks (hooks: Hook[], db: Db): Promise<void> {
  // By index: a hook may add another.
  for (let i = 0; i < hooks.length; i++) await (hooks[i] as Hook)(db)
}

const DEFAULT_LOCK_TIMEOUT_MS = 5000
const MIGRATIONS = resolve(PACKAGE_ROOT, 'migrations')

export interface DbOptions {
  /** PostgreSQL: schema to create and use (tests get one each). */
  pgSchema?: string
  /** PostgreSQL pool size. */
  poolSize?: number
  /**
   * How long a statement waits for a lock another connection holds before it fails (default 5000 ms): SQLite's
   * busy_timeout, on the main connection and the scan thread; PostgreSQL's lock_timeout. Such a failure is
   * answered 503 GP_UNAVAILABLE (see transientDbError), never a wait without end.
   */
  lockTimeoutMs?: number
  /**
   * Apply pending migrations (default true). false (GRIDPASS_MIGRATE=false): the database role may lack DDL rights;
   * nothing is created or changed, and a database behind the migrations is refused with the fix (`npm run migrate`).
   */
  migrate?: boolean
}

/** The migrations of a dialect that the database has not applied: drizzle applies those newer than the last applied one. */
function pendingMigrations (dialect: Dialect, lastApplied: number | null): string[] {
  const journal = JSON.parse(readFileSync(resolve(MIGRATIONS, dialect === 'pg' ? 'pg' : 'sqlite', 'meta/_journal.json'), 'utf8')) as { entries: Array<{ when: number, tag: string }> }
  return journal.entries.filter((e) => lastApplied === null || lastApplied < e.when).map((e) => e.tag)
}

function refuseBehind (pending: string[]): void {
  if (pending.length === 0) return
  throw new ConfigError(`the database is ${pending.length} migration(s) behind (${pending.join(', ')}) and GRIDPASS_MIGRATE=false: ` +
    'run `npm run migrate` with a DATABASE_URL whose role may change the schema (docs/audit.md, "Database roles"), then start the service again.')
}

function lockTimeoutOf (options: DbOptions): number {
  const ms = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS
  if (!Number.isSafeInteger(ms) || ms < 1) throw new Error(`bad lock timeout ${ms}`)
  return ms
}

export async function createDb (url: string, options: DbOptions = {}): Promise<Database_> {
  if (url.startsWith('file:')) return openSqlite(url.slice('file:'.length), options)
  return openPg(url, options)
}

function openSqlite (path: string, options: DbOptions): Database_ {
  const lockTimeoutMs = lockTimeoutOf(options)
  if (path !== ':memory:') privateFile(resolve(path))
  const client = new Database(path)
  client.pragma('journal_mode = WAL')
  // SQLite gives the -wal and -shm files the database file's mode; older ones may predate it.
  if (path !== ':memory:') for (const extra of ['-wal', '-shm']) chmodIfThere(`${resolve(path)}${extra}`, 0o600)
  client.pragma('foreign_keys = ON')
  // FULL: an answered write survives a power cut, not only a process crash.
  client.pragma('synchronous = FULL')
  client.pragma(`busy_timeout = ${lockTimeoutMs}`)
  // A county's trail is millions of rows: keep the hot indexes in memory (64 MiB cache). No mmap: with the scan
  // thread committing on its own connection, mapped reads here were measured 6× slower than plain ones.
  client.pragma('cache_size = -65536')
  const db = drizzleSqlite(client, { schema: sqliteSchema })
  if (options.migrate === false) {
    const table = client.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'").get()
    const last = table === undefined ? undefined : client.prepare('SELECT max(created_at) AS at FROM __drizzle_migrations').get() as { at: number | null } | undefined
    try {
      refuseBehind(pendingMigrations('sqlite', last?.at ?? null))
    } catch (err) {
      client.close()
      throw err
    }
  } else {
    migrateSqlite(db, { migrationsFolder: resolve(MIGRATIONS, 'sqlite') })
  }
  // Checkpoints run in their own thread (sqlite-checkpoint-worker.mjs), never inside a commit of this connection.
  const checkpointer = client.memory ? null : startCheckpointer(client.name)
  if (checkpointer !== null) {
    client.pragma('wal_autocheckpoint = 0')
    client.pragma('journal_size_limit = 67108864')
  }

  // One connection serves every request, and awaits interleave: a statement from another request
  // issued while a transaction is open would join it (and vanish on its rollback). So transactions
  // queue behind each other, and writes never run outside one.
  let queue: Promise<unknown> = Promise.resolve()
  // Transactions run one at a time here: the open one's context, if any.
  let current: ReturnType<typeof newTxContext> | null = null
  const tx = <T>(fn: (db: Db) => Promise<T>): Promise<T> => {
    const run = async (): Promise<T> => {
      client.exec('BEGIN IMMEDIATE')
      const open = newTxContext()
      current = open
      try {
        const result = await fn(db)
        await runHooks(open.hooks, db)
        client.exec('COMMIT')
        current = null
        runCommitted(open.committed)
        return result
      } catch (err) {
        if (client.inTransaction) client.exec('ROLLBACK')
        throw err
      } finally {
        current = null
      }
    }
    const next = queue.then(run, run)
    queue = next.catch(() => undefined)
    return next
  }
  return {
    db,
    t: sqliteSchema,
    dialect: 'sqlite',
    sqlite: client,
    lockTimeoutMs,
    tx,
    txContext: () => {
      if (current === null) throw new Error('not inside store.tx')
      return current.context
    },
    // One connection: a write outside store.tx is not allowed on SQLite, so there is always the open transaction.
    ...changeFeed(() => current?.context),
    lock: async () => {},
    rows: async <R>(d: Db, query: ReturnType<typeof sql>) => d.all(query) as R[],
    ping: async () => { db.all(sql`SELECT 1`) },
    label: `file:${path}`,
    // The checkpointer stops first; closing the last connection then checkpoints and removes the WAL.
    close: async () => { await queue; await checkpointer?.close(); if (client.open) client.close() }
  }
}

/**
 * Only the service's user may read the database: its folder is made 0700 when the service creates it (an existing
 * folder, such as /tmp, is left alone), the file 0600 whether it is new or not.
 */
function privateFile (path: string): void {
  const dir = dirname(path)
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    chmodSync(dir, 0o700)
  }
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600))
  chmodSync(path, 0o600)
}

function chmodIfThere (path: string, mode: number): void {
  try {
    chmodSync(path, mode)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
}

/** Every 200 ms, a PASSIVE checkpoint on a connection of its own, in a worker thread. */
function startCheckpointer (path: string): { close: () => Promise<void> } {
  const worker = startWorker(new URL('./sqlite-checkpoint-worker.mjs', import.meta.url), { workerData: { path, intervalMs: 200 } })
  worker.on('message', (msg: { warning?: string }) => { if (msg.warning !== undefined) process.emitWarning(`SQLite checkpoint: ${msg.warning}`) })
  worker.on('error', (err) => { process.emitWarning(`SQLite checkpoint thread failed: ${err.message}`) })
  worker.unref()
  let exited = false
  const gone = new Promise<void>((resolve) => { worker.once('exit', () => { exited = true; resolve() }) })
  return {
    close: async () => {
      if (exited) return
      // Unref'd so it never holds the process open; while closing, it must.
      worker.ref()
      worker.postMessage('close')
      await gone
    }
  }
}

async function openPg (url: string, options: DbOptions): Promise<Database_> {
  const schema = options.pgSchema
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`bad schema name ${schema}`)
  const lockTimeoutMs = lockTimeoutOf(options)
  const searchPath = schema !== undefined ? ` -c search_path=${schema}` : ''
  // Migrations on a connection of their own, without the lock timeout: a copy of the service that starts while
  // another one migrates waits for it, however long that takes.
  const migrator = new pg.Pool({ connectionString: url, max: 1, ...(schema !== undefined ? { options: searchPath.trim() } : {}) })
  try {
    const migrationsSchema = schema ?? 'drizzle'
    if (options.migrate === false) {
      // Read only: the service's role may create nothing.
      const table = await migrator.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [`${migrationsSchema}.__drizzle_migrations`])
      const last = table.rows[0]?.t === null ? undefined
        : (await migrator.query<{ at: string | null }>(`SELECT max(created_at)::text AS at FROM ${migrationsSchema}.__drizzle_migrations`)).rows[0]
      refuseBehind(pendingMigrations('pg', last?.at === undefined || last.at === null ? null : Number(last.at)))
    } else {
      if (schema !== undefined) await migrator.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`)
      await migratePg(drizzlePg(migrator), { migrationsFolder: resolve(MIGRATIONS, 'pg'), migrationsSchema })
    }
  } finally {
    await migrator.end()
  }
  // jit=off: the service's statements are index look-ups, short however large their estimated cost. A contacts read
  // of 35 ranges spent 27 of its 48 ms compiling itself (EXPLAIN ANALYZE, 1 % county), since the planner cannot tell
  // how many ranges a JSON parameter holds.
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, options: `-c lock_timeout=${lockTimeoutMs} -c jit=off${searchPath}` })
  const pgDb = drizzlePg(pool, { schema: pgSchema })
  const db = pgDb as unknown as Db
  // Each transaction's own drizzle object, to its context.
  const contexts = new WeakMap<object, TxContext>()
  return {
    db,
    t: pgSchema as unknown as Tables,
    dialect: 'pg',
    lockTimeoutMs,
    tx: async (fn) => {
      let committed: Array<() => void> = []
      const result = await pgDb.transaction(async (trx) => {
        const d = trx as unknown as Db
        const open = newTxContext()
        committed = open.committed
        contexts.set(trx, open.context)
        try {
          const value = await fn(d)
          await runHooks(open.hooks, d)
          return value
        } finally {
          contexts.delete(trx)
        }
      })
      runCommitted(committed)
      return result
    },
    txContext: (d) => {
      const context = contexts.get(d)
      if (context === undefined) throw new Error('not inside store.tx')
      return context
    },
    ...changeFeed((d) => contexts.get(d)),
    // Advisory locks belong to the whole database: copies of the service on other schemas of it (the tests' own
    // schemas) get keys of their own, so one's long transaction never holds up another's. Without a schema the key
    // is the bare name, as every copy of a deployment takes it.
    lock: async (d, key) => { await (d as unknown as typeof pgDb).execute(sql`SELECT pg_advisory_xact_lock(hashtext(${schema === undefined ? key : `${schema}:${key}`}))`) },
    rows: async <R>(d: Db, query: ReturnType<typeof sql>) => {
      const result = await (d as unknown as typeof pgDb).execute(query)
      return result.rows as R[]
    },
    ping: async () => { await pool.query('SELECT 1') },
    label: 'PostgreSQL',
    close: async () => { await pool.end() },
    pg: pool
  }
}

/**
 * When err (or its cause) says the database could not do the work right now, but could in a moment: a lock held too
 * long by another connection (SQLite BUSY or LOCKED, PostgreSQL lock_not_available), a serialisation failure or
 * deadlock, a server refusing connections. Nothing of the failed transaction was written, and retrying is safe.
 */
export function transientDbError (err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const { code } = e as Error & { code?: unknown }
    if (typeof code !== 'string') continue
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return true
    if (PG_TRANSIENT.has(code)) return true
  }
  return false
}
/** lock_not_available, serialization_failure, deadlock_detected, too_many_connections, cannot_connect_now. */
const PG_TRANSIENT = new Set(['55P03', '40001', '40P01', '53300', '57P03'])

/**
 * When err (or its cause) is a unique-index violation, on either dialect: the constraint name and message, for the
 * caller to tell which index; otherwise undefined. Races past a "taken?" check end here, and become a 409.
 */
export function uniqueViolation (err: unknown): string | undefined {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const { code, constraint } = e as Error & { code?: unknown, constraint?: unknown }
    if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE') return `${String(constraint)} ${e.message}`
  }
  return undefined
}

// Compile-time proof that both dialects give every table the same row type.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
type RowsMatch = { [K in keyof typeof sqliteSchema & keyof typeof pgSchema]:
  Same<InferSelectModel<(typeof sqliteSchema)[K]>, InferSelectModel<(typeof pgSchema)[K]>> }
const rowsMatch: { [K in keyof RowsMatch]: RowsMatch[K] extends true ? true : never } = {
  users: true, grids: true, checkpoints: true, people: true, otps: true, declarations: true,
  statusEntries: true, statusChanges: true, appeals: true, auditLog: true, scans: true, securityEvents: true,
  cases: true, caseContacts: true, caseSites: true, paperCards: true, changes: true, rateLimits: true, settings: true,
  areas: true, households: true, screeningRounds: true, screenings: true, screeningMembers: true, highRiskAreas: true,
  areaTeams: true, dutyShifts: true, scanHours: true
}
void rowsMatch
export { sql }

// The audit log for every module: app.audit.append(db, entry) inside the transaction of the action it records,
// app.audit.record(entry) for reads that change nothing else. Entries of a transaction wait in memory and are written
// in one short step just before its commit (store.txContext(db).beforeCommit): the chain's lock, which every copy on
// PostgreSQL shares, is held for that step and the commit only, never for the action itself.
//
// The chain is keyed: hash = HMAC-SHA-256 under audit.key (keys folder) of prevHash + "\n" + the entry's JSON. A
// database written before the key existed has plain SHA-256 rows; they stay as they are, up to the audit.chain_keyed
// entry appended once at the first start with the key, from which every row is keyed (its HMAC covers the plain hash
// before it, so the older rows cannot be rewritten either). The chain's head is also written outside the database
// (audit-anchor.ts) so that a cut log is found.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import fp from 'fastify-plugin'
import { ConfigError } from '../config.ts'
import type { Db, GridpassDb, TxContext } from '../db/index.ts'
import { createAuditRepository, type AuditRepository, type AuditRow } from './audit.repository.ts'
import { startAnchor, type Anchor } from './audit-anchor.ts'

export type { AuditRow }
export const GENESIS = '0'.repeat(64)
/** The entry from which the chain is keyed: written by the system, its target names the chain. */
export const KEYED_MARKER = { actor: 'system', role: 'system', action: 'audit.chain_keyed', target: 'audit-chain', purpose: 'HMAC-SHA-256 under audit.key from this entry on' } as const

export interface AuditInput {
  actor: string
  role: string
  action: string
  target?: string | null
  purpose?: string | null
}

type Unhashed = Omit<AuditRow, 'hash'>

const bodyOf = (row: Unhashed): string => `${row.prevHash}\n${JSON.stringify([row.seq, row.at, row.actor, row.role, row.action, row.target, row.purpose])}`

/** The plain SHA-256 of a row written before the chain was keyed. */
export function chainHash (row: Unhashed): string {
  return createHash('sha256').update(bodyOf(row)).digest('hex')
}

/** The HMAC-SHA-256 of a row from the audit.chain_keyed entry on. */
export function keyedHash (row: Unhashed, key: Buffer): string {
  return createHmac('sha256', key).update(bodyOf(row)).digest('hex')
}

export const isKeyedMarker = (row: Pick<AuditRow, 'action' | 'target'>): boolean => row.action === KEYED_MARKER.action && row.target === KEYED_MARKER.target

const sameHex = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b))

interface Deps {
  store: GridpassDb
  repo: AuditRepository
  key: Buffer
  now: () => number
}

export function createAuditLog ({ store, repo, key, now }: Deps) {
  // A transaction's entries, until its commit.
  const buffers = new WeakMap<TxContext, AuditInput[]>()

  /** The short step: under the chain's lock, the head, then every entry of the transaction in one insert. */
  async function write (db: Db, entries: AuditInput[]): Promise<AuditRow[]> {
    await repo.lockChain(db)
    const last = await repo.head(db)
    let seq = Number(last?.seq ?? 0)
    let prevHash = last?.hash ?? GENESIS
    const at = now()
    const rows = entries.map((entry) => {
      const base: Unhashed = { seq: ++seq, at, actor: entry.actor, role: entry.role, action: entry.action, target: entry.target ?? null, purpose: entry.purpose ?? null, prevHash }
      const row = { ...base, hash: keyedHash(base, key) }
      prevHash = row.hash
      return row
    })
    await repo.insert(db, rows)
    return rows
  }

  const log = {
    /**
     * Must run inside store.tx: the entry is written with the transaction's other entries just before its commit, so
     * the entry and the action it records commit together (or neither does). Its seq and hash are known after that.
     */
    async append (db: Db, entry: AuditInput): Promise<void> {
      const context = store.txContext(db)
      let entries = buffers.get(context)
      if (entries === undefined) {
        const mine: AuditInput[] = []
        entries = mine
        buffers.set(context, mine)
        context.beforeCommit(async (d) => { await write(d, mine) })
      }
      entries.push({ ...entry })
    },
    /** Appends in a transaction of its own, for reads that change nothing else. */
    async record (entry: AuditInput): Promise<void> {
      await store.tx(async (db) => { await log.append(db, entry) })
    },
    /**
     * At start: the audit.chain_keyed entry once (the first start with the key), under the chain's lock so that two
     * copies starting together write one. A chain keyed under another key is refused: the keys folder is not this
     * database's (or audit.key was replaced), and every entry written now would fail verification.
     */
    async ensureKeyed (): Promise<{ markerSeq: number, appended: boolean }> {
      return store.tx(async (db) => {
        await repo.lockChain(db)
        const marker = await repo.keyedMarker(db)
        if (marker !== undefined) {
          if (!sameHex(keyedHash(marker, key), marker.hash)) {
            throw new ConfigError(`audit.key in the keys folder is not the key the audit log was written with (its audit.chain_keyed entry, seq ${marker.seq}, does not verify): ` +
              'restore the keys folder that belongs to this database (docs/audit.md).')
          }
          return { markerSeq: Number(marker.seq), appended: false }
        }
        const [row] = await write(db, [KEYED_MARKER])
        return { markerSeq: (row as AuditRow).seq, appended: true }
      })
    },
    /** The latest committed entry (a transaction of its own: on SQLite a read outside one could see another's uncommitted rows). */
    async head (): Promise<{ seq: number, hash: string } | undefined> {
      return store.tx(async (db) => {
        const last = await repo.head(db)
        return last === undefined ? undefined : { seq: Number(last.seq), hash: last.hash }
      })
    },
    page: repo.page,
    forTarget: repo.forTarget
  }
  return log
}
export type AuditLog = ReturnType<typeof createAuditLog> & { anchor: Anchor }

declare module 'fastify' {
  interface FastifyInstance { audit: AuditLog }
}

export default fp(async (app) => {
  const log = createAuditLog({ store: app.store, repo: createAuditRepository(app.store), key: app.keyring.auditKey, now: app.config.now })
  const { markerSeq, appended } = await log.ensureKeyed()
  if (appended) app.log.info({ seq: markerSeq }, 'audit chain keyed from here on (audit.chain_keyed)')
  const anchor = await startAnchor({ file: app.config.auditAnchorFile, head: log.head, now: app.config.now, log: app.log, metrics: app.metrics })
  // Closing hooks run in the reverse order of registration: this one before the database closes.
  app.addHook('onClose', async () => { await anchor.close() })
  app.decorate('audit', { ...log, anchor })
}, { name: 'gp-audit', dependencies: ['gp-db', 'gp-keys', 'gp-metrics'] })

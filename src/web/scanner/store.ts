// The scanner's durable state in IndexedDB (through idb): the queue of scans the server has not answered yet, and the
// public keys and status list last fetched. A scan is written here before it is sent anywhere.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb'
import type { OfflineJudgement } from '../shared/verify.ts'

export interface ScanBody {
  id: string
  token: string
  checkpointId: string
  scannedAt: string
  direction?: 'in' | 'out' | 'pass'
  plate?: string
}

export interface QueuedScan {
  body: ScanBody
  /** The verdict judged on this device; null when it could not be judged here (no keys yet, no WebCrypto). */
  local: OfflineJudgement | null
  /** Whether the volunteer was shown the local verdict (offline, or the server slower than 1.5 s). */
  shownLocal: boolean
}

export interface CachedKeys { keys: unknown[], fetchedAt: number }
export interface CachedList { token: string, fetchedAt: number }

interface ScannerDb extends DBSchema {
  queue: { key: string, value: QueuedScan }
  meta: { key: string, value: unknown }
}

export interface Store {
  durable: boolean
  add: (scan: QueuedScan) => Promise<void>
  update: (scan: QueuedScan) => Promise<void>
  remove: (ids: string[]) => Promise<void>
  all: () => Promise<QueuedScan[]>
  count: () => Promise<number>
  get: <T>(key: string) => Promise<T | undefined>
  set: (key: string, value: unknown) => Promise<void>
}

export async function openStore (): Promise<Store> {
  let db: IDBPDatabase<ScannerDb>
  try {
    if (typeof indexedDB === 'undefined') throw new Error('no IndexedDB')
    db = await openDB<ScannerDb>('gridpass-scanner', 1, {
      upgrade (d) {
        d.createObjectStore('queue', { keyPath: 'body.id' })
        d.createObjectStore('meta')
      }
    })
    // Ask the browser not to evict the queue under storage pressure (granted silently to installed or engaged sites).
    void navigator.storage?.persist?.().catch(() => false)
  } catch {
    return memoryStore()
  }
  return {
    durable: true,
    // A transaction's completion means the browser has the write: only then is the scan sent or shown.
    add: async (scan) => { await db.add('queue', scan) },
    update: async (scan) => { await db.put('queue', scan) },
    remove: async (ids) => {
      const tx = db.transaction('queue', 'readwrite')
      await Promise.all([...ids.map((id) => tx.store.delete(id)), tx.done])
    },
    all: async () => (await db.getAll('queue')).sort((a, b) => a.body.scannedAt.localeCompare(b.body.scannedAt)),
    count: async () => db.count('queue'),
    get: async <T>(key: string) => await db.get('meta', key) as T | undefined,
    set: async (key, value) => { await db.put('meta', value, key) }
  }
}

/** IndexedDB refused (private mode, storage full): this visit only, and the page says so and scans online only. */
function memoryStore (): Store {
  const queue = new Map<string, QueuedScan>()
  const meta = new Map<string, unknown>()
  return {
    durable: false,
    add: async (scan) => { queue.set(scan.body.id, scan) },
    update: async (scan) => { queue.set(scan.body.id, scan) },
    remove: async (ids) => { for (const id of ids) queue.delete(id) },
    all: async () => [...queue.values()].sort((a, b) => a.body.scannedAt.localeCompare(b.body.scannedAt)),
    count: async () => queue.size,
    get: async <T>(key: string) => meta.get(key) as T | undefined,
    set: async (key, value) => { meta.set(key, value) }
  }
}

// Form drafts in IndexedDB (through idb): a screening or a registration is saved as it is typed, comes back after a
// reload or a dead battery, and is removed once the server has accepted it. Keyed by the worker too, so another
// worker logging in on the same phone never sees them; logging out removes the worker's drafts.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb'

interface Draft { key: string, owner: string, savedAt: number, value: unknown }
interface DraftDb extends DBSchema { drafts: { key: string, value: Draft, indexes: { owner: string } } }

let db: Promise<IDBPDatabase<DraftDb>> | null = null
function open (): Promise<IDBPDatabase<DraftDb>> {
  db ??= openDB<DraftDb>('gridpass-grid', 1, {
    upgrade (d) { d.createObjectStore('drafts', { keyPath: 'key' }).createIndex('owner', 'owner') }
  })
  return db
}

const id = (owner: string, key: string): string => `${owner}\n${key}`

export async function loadDraft<T> (owner: string, key: string): Promise<{ value: T, savedAt: number } | null> {
  try {
    const d = await (await open()).get('drafts', id(owner, key))
    return d === undefined ? null : { value: d.value as T, savedAt: d.savedAt }
  } catch { return null }
}

/** Saves a plain copy (never a Vue proxy, which IndexedDB cannot clone); false when the device refused. */
export async function saveDraft (owner: string, key: string, value: unknown): Promise<boolean> {
  try {
    await (await open()).put('drafts', { key: id(owner, key), owner, savedAt: Date.now(), value: JSON.parse(JSON.stringify(value)) as unknown })
    return true
  } catch { return false }
}

export async function clearDraft (owner: string, key: string): Promise<void> {
  try { await (await open()).delete('drafts', id(owner, key)) } catch { /* nothing kept */ }
}

export async function clearOwner (owner: string): Promise<void> {
  try {
    const d = await open()
    for (const k of await d.getAllKeysFromIndex('drafts', 'owner', owner)) await d.delete('drafts', k)
  } catch { /* nothing kept */ }
}

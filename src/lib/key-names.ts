// Keys sent to a worker thread once each, under a short name: a KeyObject is cloned at every postMessage, and the
// keyring is re-read every minute (new KeyObjects, the same keys).
import type { KeyObject } from 'node:crypto'

/**
 * A name per key: a key equal to one already named gets that name, so what a thread holds grows with the keys, not
 * with the keyring's reloads. `kid`: the key's id (keys are compared only with those of the same id and type).
 */
export function createKeyNames (): (key: KeyObject, kid: string) => string {
  const names = new WeakMap<KeyObject, string>()
  const named = new Map<string, Array<{ key: KeyObject, name: string }>>()
  let nextName = 0
  return (key, kid) => {
    let name = names.get(key)
    if (name !== undefined) return name
    const slot = `${key.type}:${kid}`
    const list = named.get(slot) ?? []
    name = list.find((e) => e.key.equals(key))?.name
    if (name === undefined) {
      name = String(++nextName)
      list.push({ key, name })
      named.set(slot, list)
    }
    names.set(key, name)
    return name
  }
}

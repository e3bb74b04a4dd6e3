// The resident's session on this device, shared by the resident and check-in pages: the access token and the masked
// name (張* — the API has no GET for the profile), both under one prefix so that logging out can wipe every trace.
import { makeClient } from './api.ts'

const PREFIX = 'gp.resident.'
const TOKEN = `${PREFIX}token`
const MASKED = `${PREFIX}masked`
// What the static page of the previous release kept: removed on logout too, so an upgraded phone is left clean.
const LEGACY = ['gp.token']

function read (key: string): string | null {
  try { return localStorage.getItem(key) } catch { return null }
}
function write (key: string, value: string): void {
  try { localStorage.setItem(key, value) } catch { /* private mode: the session lasts this visit */ }
}

export const session = {
  token: (): string | null => read(TOKEN),
  setToken: (token: string): void => write(TOKEN, token),
  maskedName: (): string | null => read(MASKED),
  setMaskedName: (masked: string | null): void => { if (masked !== null) write(MASKED, masked) },
  /** Every trace of the person on this device: storage keys of both pages, and any per-visit check-in ids. */
  async clear (): Promise<void> {
    for (const store of [localStorage, sessionStorage]) {
      try {
        for (const key of Object.keys(store)) if (key.startsWith(PREFIX) || key.startsWith('gp.checkin.') || LEGACY.includes(key)) store.removeItem(key)
      } catch { /* storage unavailable: nothing was kept there */ }
    }
    // The service worker caches only the build's own files; any other cache on this origin that names the resident's
    // API is dropped, so no answer about the person outlives the session.
    try {
      if ('caches' in window) {
        for (const name of await caches.keys()) {
          const cache = await caches.open(name)
          for (const req of await cache.keys()) if (new URL(req.url).pathname.startsWith('/v1/')) await cache.delete(req)
        }
      }
    } catch { /* no Cache API here */ }
  }
}

export const residentClient = () => makeClient(session.token)

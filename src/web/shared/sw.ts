// Registers the pages' service worker, so a page reloaded with no network opens from the cache.
export function registerServiceWorker (): void {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return
  navigator.serviceWorker.register('/h5/sw.js', { scope: '/h5/' }).catch(() => undefined)
}

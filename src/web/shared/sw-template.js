// The pages' service worker (vite.config.ts fills in the cache name and the file list at build time): every page
// and asset of this build is cached on install, so a page reloaded with no network still opens and says it is offline.
const CACHE = '__CACHE__'
const FILES = __FILES__

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()))
})

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => n.startsWith('gridpass-h5-') && n !== CACHE).map((n) => caches.delete(n))))
    .then(() => self.clients.claim()))
})

self.addEventListener('fetch', (event) => {
  const request = event.request
  const url = new URL(request.url)
  // Only this build's own files: the API is never cached here (the pages keep what they need in IndexedDB).
  if (request.method !== 'GET' || url.origin !== self.location.origin || !url.pathname.startsWith('/h5/')) return
  if (request.mode === 'navigate') {
    // A page: the network first (a new build shows at once), the cached copy when there is no network.
    const path = url.pathname.endsWith('/') || url.pathname.endsWith('.html') ? url.pathname : `${url.pathname}/`
    event.respondWith(fetch(request).catch(() => caches.match(path, { ignoreSearch: true })
      .then((hit) => hit ?? new Response('offline', { status: 503, headers: { 'content-type': 'text/plain' } }))))
    return
  }
  // Hashed assets never change: the cache first.
  event.respondWith(caches.match(request, { ignoreSearch: true }).then((hit) => hit ?? fetch(request)))
})

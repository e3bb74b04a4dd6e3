// The pages: one Vite build, one entry per page, served by the service under /h5/ and the staff console also at
// /console/ (npm ci builds it: `prepare`).
import { readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { defineConfig, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'

const root = resolve(import.meta.dirname, 'src/web')
const ALL_PAGES = ['index', 'scanner', 'resident', 'checkin', 'grid', 'console'] as const
// GRIDPASS_PAGES=index,scanner builds only those entries (a quicker loop while working on one page).
const only = process.env.GRIDPASS_PAGES ?? ''
const PAGES = ALL_PAGES.filter((p) => only === '' || only.split(',').includes(p))

type Bundle = Parameters<NonNullable<Extract<Plugin['generateBundle'], (...args: never[]) => unknown>>>[1]

/** Every file an entry loads: its chunk, the chunks it imports (also dynamically), their CSS and assets. */
function reachable (bundle: Bundle, entries: string[]): Set<string> {
  const seen = new Set<string>()
  const walk = (file: string): void => {
    if (seen.has(file)) return
    seen.add(file)
    const out = bundle[file]
    if (out === undefined || out.type !== 'chunk') return
    for (const f of [...out.imports, ...out.dynamicImports]) walk(f)
    const meta = (out as { viteMetadata?: { importedCss: Set<string>, importedAssets: Set<string> } }).viteMetadata
    for (const f of [...(meta?.importedCss ?? []), ...(meta?.importedAssets ?? [])]) seen.add(f)
  }
  entries.forEach(walk)
  return seen
}

/**
 * Emits sw.js, the service worker that lets a page load with no network: every file of the build is cached on
 * install, under a cache name derived from the build, and served cache first; pages are tried on the network first.
 * Written here instead of workbox because it is 40 lines and workbox-build brings Babel and Rollup into every install.
 */
function serviceWorker (): Plugin {
  return {
    name: 'gridpass-service-worker',
    apply: 'build',
    // After every other plugin's generateBundle: Vite drops the chunks that only carried CSS there (a shared
    // stylesheet of two pages), and a file listed but never written would fail the worker's install.
    writeBundle (options, bundle) {
      // The staff console is a desktop page outside the worker's scope: what only it loads (Element Plus, ECharts)
      // stays out of the phones' offline cache.
      const entryFiles = (console: boolean): string[] => Object.values(bundle)
        .filter((o) => o.type === 'chunk' && o.isEntry && (o.name === 'console') === console).map((o) => o.fileName)
      const phones = reachable(bundle, entryFiles(false))
      const consoleOnly = new Set([...reachable(bundle, entryFiles(true))].filter((f) => !phones.has(f)))
      const files = Object.keys(bundle).filter((f) => !f.endsWith('.map') && !consoleOnly.has(f) && !f.startsWith('console/')).sort()
      let hash = 0
      for (const f of files) for (let i = 0; i < f.length; i++) hash = (Math.imul(hash, 31) + f.charCodeAt(i)) | 0
      const source = readFileSync(resolve(root, 'shared/sw-template.js'), 'utf8')
        .replace("const CACHE = '__CACHE__'", 'const CACHE = ' + JSON.stringify(`gridpass-h5-${(hash >>> 0).toString(36)}`))
        .replace('const FILES = __FILES__', 'const FILES = ' + JSON.stringify(files.map((f) => `/h5/${f}`).concat(PAGES.filter((p) => p !== 'console').map((p) => p === 'index' ? '/h5/' : `/h5/${p}/`))))
      writeFileSync(resolve(options.dir ?? resolve(import.meta.dirname, 'dist/h5'), 'sw.js'), source)
    }
  }
}

export default defineConfig({
  root,
  base: '/h5/',
  publicDir: resolve(root, 'public'),
  plugins: [vue(), serviceWorker()],
  worker: { format: 'es' },
  build: {
    outDir: resolve(import.meta.dirname, 'dist/h5'),
    emptyOutDir: true,
    target: 'es2020',
    // A volunteer's phone on a weak network: no source maps shipped, assets hashed and cached for good.
    sourcemap: false,
    reportCompressedSize: false,
    rollupOptions: {
      input: Object.fromEntries(PAGES.map((p) => [p, resolve(root, p === 'index' ? 'index.html' : `${p}/index.html`)]))
    }
  },
  server: {
    // npm run dev:web: hot reload against a running service (npm start) on its default port.
    proxy: { '/v1': 'http://127.0.0.1:3000', '/.well-known': 'http://127.0.0.1:3000' }
  }
})

// The phones' service worker caches every file of its list at install, all or nothing: one listed file the service
// does not serve and the worker never installs, so no page opens offline. Each listed file must be served.
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import t from 'tap'
import { H5_DIR } from '../src/plugins/pages.ts'
import { makeCtx } from './helper.ts'

void t.test('every file the service worker caches is served', async (t) => {
  // The pages are built by `npm ci` (prepare) and by `npm run build:web`.
  const sw = await readFile(resolve(H5_DIR, 'sw.js'), 'utf8').catch(() => { throw new Error('dist/h5/sw.js is missing: run `npm run build:web`') })
  const list = /const FILES = (\[.*\])/.exec(sw)?.[1]
  t.ok(list, 'sw.js holds its file list')
  const files = JSON.parse(list ?? '[]') as string[]
  t.ok(files.length > 10, `${files.length} files`)
  t.ok(files.includes('/h5/grid/') && files.includes('/h5/resident/') && files.includes('/h5/scanner/'), 'the phone pages are in it')
  const ctx = await makeCtx(t, 'sqlite')
  for (const file of files) {
    const res = await ctx.inject({ method: 'GET', url: file })
    t.equal(res.statusCode, 200, `${file} is served`)
  }
})

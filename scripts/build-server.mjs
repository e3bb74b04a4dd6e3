// `npm run build:server`: compiles the service (src/, without the pages) and the operator scripts (keys, migrate,
// audit-verify) with tsc into dist/server/ (tsconfig.build.json; `.ts` imports become `.js`), then copies the worker
// threads written in plain JavaScript next to the code that starts them. `node dist/server/src/server.js` runs it.
// Plain JavaScript itself, so that it needs nothing but TypeScript (a dev dependency) to run.
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'

const ROOT = resolve(import.meta.dirname, '..')
const OUT = join(ROOT, 'dist/server')

rmSync(OUT, { recursive: true, force: true })
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
const compiled = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit', cwd: ROOT })
if (compiled.status !== 0) process.exit(compiled.status ?? 1)

// A .mjs that registers tsx is the bootstrap of a TypeScript worker (image-worker.mjs): compiled code starts the
// worker's .js directly (image-pool.ts), and the runtime has no tsx. Every other .mjs is a worker as it is.
let copied = 0
for (const entry of readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })) {
  const file = join('src', entry)
  if (!file.endsWith('.mjs') || file.startsWith(join('src', 'web'))) continue
  if (/from\s+['"]tsx\//.test(readFileSync(join(ROOT, file), 'utf8'))) continue
  mkdirSync(dirname(join(OUT, file)), { recursive: true })
  copyFileSync(join(ROOT, file), join(OUT, file))
  copied++
}
console.log(`build:server: compiled into ${OUT} (${copied} plain JavaScript worker${copied === 1 ? '' : 's'} copied)`)

// The directory holding package.json: migrations/ and dist/h5 are found from it, so the same code runs from the
// TypeScript source (src/, through tsx) and compiled (dist/server/src/, `npm run build`).
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export function packageRootOf (moduleUrl: string): string {
  const start = dirname(fileURLToPath(moduleUrl))
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir
    if (dirname(dir) === dir) throw new Error(`no package.json in ${start} or any directory above it`)
  }
}

export const PACKAGE_ROOT = packageRootOf(import.meta.url)

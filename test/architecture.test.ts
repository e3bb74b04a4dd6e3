// The module doors of DESIGN.md (Layout, Modules), checked on the source: a module is imported only through its
// index.ts, module dependencies form no cycle, the layers below the modules never import them, SQL lives only in
// repositories and src/db/, and only src/db/ asks which database runs.
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import t from 'tap'

const SRC = resolve(import.meta.dirname, '../src')
const files: string[] = []
const walk = (dir: string): void => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) walk(path)
    else if (/\.(ts|mjs)$/.test(name)) files.push(relative(SRC, path))
  }
}
walk(SRC)
const text = new Map(files.map((f) => [f, readFileSync(join(SRC, f), 'utf8')]))
/** Relative imports (and re-exports) of a file, as paths under src/. */
const importsOf = (file: string): string[] =>
  [...(text.get(file) as string).matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+'(\.[^']+)'/gm)].map((m) => relative(SRC, resolve(SRC, dirname(file), m[1] as string)))
/** 'people' for src/modules/people/…; null for modules/common.schemas.ts and everything outside modules. */
const moduleOf = (file: string): string | null => { const p = file.split('/'); return p[0] === 'modules' && p.length > 2 ? p[1] as string : null }

t.test('a module is entered only through its index.ts', async (t) => {
  const bad: string[] = []
  for (const file of files) {
    const from = moduleOf(file)
    if (from === null) continue
    for (const target of importsOf(file)) {
      const to = moduleOf(target)
      if (to !== null && to !== from && !target.endsWith('/index.ts')) bad.push(`${file} -> ${target}`)
    }
  }
  t.same(bad, [], 'ask the module\'s service (imported from its index.ts), never its repository, routes or internals')
})

t.test('module dependencies have no cycle, and each index.ts declares the modules it takes services from', async (t) => {
  const modules = [...new Set(files.map(moduleOf).filter((m): m is string => m !== null))]
  const imports = new Map(modules.map((m) => [m, new Set<string>()]))
  for (const file of files) {
    const from = moduleOf(file)
    if (from === null) continue
    for (const target of importsOf(file)) {
      const to = moduleOf(target)
      if (to !== null && to !== from) imports.get(from)?.add(to)
    }
  }
  const stack: string[] = []
  const done = new Set<string>()
  const cycles: string[] = []
  const visit = (m: string): void => {
    if (stack.includes(m)) { cycles.push([...stack.slice(stack.indexOf(m)), m].join(' -> ')); return }
    if (done.has(m)) return
    stack.push(m)
    for (const n of imports.get(m) ?? []) visit(n)
    stack.pop()
    done.add(m)
  }
  for (const m of modules) visit(m)
  t.same(cycles, [], 'no module depends on itself through others')

  for (const m of modules) {
    const index = text.get(`modules/${m}/index.ts`)
    if (index === undefined) { t.fail(`modules/${m} has no index.ts`); continue }
    const declared = new Set(/dependencies:\s*\[([^\]]*)\]/.exec(index)?.[1]?.match(/'[^']+'/g)?.map((s) => s.slice(1, -1)) ?? [])
    const missing = [...(imports.get(m) ?? [])].filter((d) => !declared.has(d))
    t.same(missing, [], `modules/${m}/index.ts declares the modules it imports as fastify-plugin dependencies`)
  }
})

t.test('the layers below the modules import none of them', async (t) => {
  const bad = files.filter((f) => !f.startsWith('modules/') && f !== 'app.ts')
    .flatMap((f) => importsOf(f).filter((x) => x.startsWith('modules/')).map((x) => `${f} -> ${x}`))
  t.same(bad, [], 'src/db, src/lib, src/plugins, types.ts, config.ts and errors.ts stand below every module')
})

t.test('SQL lives in repositories and src/db/ only', async (t) => {
  const SQL = /\bdb\.(select|insert|update|delete|execute|all|run)\(|\.from\(t\.|\bsql`|\.prepare\(|\bpool\.query\(|\b(SELECT|INSERT INTO|DELETE FROM)\b/
  const bad = files.filter((f) => !f.startsWith('db/') && !f.endsWith('.repository.ts') && SQL.test(text.get(f) as string))
  t.same(bad, [], 'a statement belongs to the repository of the module (or plugin) that owns its table')
})

t.test('only src/db/ asks which database runs', async (t) => {
  const bad = files.filter((f) => !f.startsWith('db/') && /\.(sqlite|pg)\b(?!\.)|dialect\s*===|=== '(sqlite|pg)'/.test(text.get(f) as string))
  t.same(bad, [], 'per-dialect choices (statements, batch sizes) sit behind one interface in src/db/')
})

t.test('no service is built twice: each create*Service is called once, in its own module\'s index.ts', async (t) => {
  const calls = files.flatMap((f) => [...(text.get(f) as string).matchAll(/\b(create\w+Service)\(/g)]
    .filter((m) => !/function\s+$/.test((text.get(f) as string).slice(Math.max(0, (m.index as number) - 9), m.index)))
    .map((m) => ({ file: f, name: m[1] as string })))
  const where = new Map<string, string[]>()
  for (const c of calls) where.set(c.name, [...(where.get(c.name) ?? []), c.file])
  for (const [name, places] of where) {
    t.equal(places.length, 1, `${name} is built once (${places.join(', ')})`)
    t.match(places[0], /^modules\/[a-z]+\/index\.ts$/, `${name} is built in a module's index.ts`)
  }
})

// npm run docs:modules — draws docs/img/modules.svg from the code: every module of src/modules (its index.ts's
// fastify-plugin `dependencies`), one row per layer, each arrow a module that takes another's service; the
// infrastructure plugins (gp-*) every module may use form the bottom row.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

const ROOT = resolve(import.meta.dirname, '..')
const MODULES = join(ROOT, 'src/modules')
const OUT = join(ROOT, 'docs/img/modules.svg')

const deps = new Map<string, string[]>()
for (const dir of readdirSync(MODULES, { withFileTypes: true })) {
  if (!dir.isDirectory()) continue
  const index = readFileSync(join(MODULES, dir.name, 'index.ts'), 'utf8')
  const name = /name:\s*'([^']+)'/.exec(index)?.[1] ?? dir.name
  const list = /dependencies:\s*\[([^\]]*)\]/.exec(index)?.[1]?.match(/'[^']+'/g)?.map((s) => s.slice(1, -1)) ?? []
  deps.set(name, list.filter((d) => !d.startsWith('gp-')))
}
const level = new Map<string, number>()
const levelOf = (m: string): number => {
  const known = level.get(m)
  if (known !== undefined) return known
  const l = Math.max(-1, ...(deps.get(m) ?? []).map(levelOf)) + 1
  level.set(m, l)
  return l
}
for (const m of deps.keys()) levelOf(m)
const rows: string[][] = []
for (const [m, l] of [...level].sort((a, b) => a[0].localeCompare(b[0]))) (rows[l] ??= []).push(m)
// Fewer crossings: each row ordered by the mean place of the modules it is joined to (a few barycentre sweeps).
const users = (m: string): string[] => [...deps].filter(([, list]) => list.includes(m)).map(([u]) => u)
const place = (m: string): number => { const l = level.get(m) as number; const row = rows[l] as string[]; return (row.indexOf(m) + 0.5) / row.length }
const mean = (xs: number[], fallback: number): number => (xs.length === 0 ? fallback : xs.reduce((a, b) => a + b, 0) / xs.length)
for (let sweep = 0; sweep < 6; sweep++) {
  const order = sweep % 2 === 0 ? rows.map((_, i) => i) : rows.map((_, i) => rows.length - 1 - i)
  for (const l of order) {
    const row = rows[l] as string[]
    const key = new Map(row.map((m) => [m, mean(sweep % 2 === 0 ? (deps.get(m) ?? []).map(place) : users(m).map(place), place(m))]))
    row.sort((a, b) => (key.get(a) as number) - (key.get(b) as number))
  }
}

const W = 860
const BOX_W = 118
const BOX_H = 34
const ROW_H = 78
const top = 56
const height = top + rows.length * ROW_H + 100
const pos = new Map<string, { x: number, y: number }>()
rows.forEach((row, l) => {
  const y = top + (rows.length - 1 - l) * ROW_H
  row.forEach((m, i) => pos.set(m, { x: (W / (row.length + 1)) * (i + 1), y }))
})
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;')
const parts: string[] = []
parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="sans-serif" role="img" aria-label="gridpass modules and the services each takes">`)
parts.push('<defs><marker id="a" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>')
parts.push(`<rect width="${W}" height="${height}" fill="#fff"/>`)
parts.push(`<text x="${W / 2}" y="26" text-anchor="middle" font-size="16" font-weight="bold">Modules and the services each takes (an arrow: uses)</text>`)
// Each arrow leaves its box's bottom edge and reaches its target's top edge at points spread by direction, so that
// arrows into one module do not pile onto one point.
const spread = (n: number, i: number): number => (n === 1 ? 0 : (i / (n - 1) - 0.5) * (BOX_W - 24))
const byX = (ms: string[]): string[] => [...ms].sort((a, b) => (pos.get(a)?.x as number) - (pos.get(b)?.x as number))
for (const [m, list] of deps) {
  const a = pos.get(m) as { x: number, y: number }
  const outs = byX(list)
  for (const d of list) {
    const b = pos.get(d) as { x: number, y: number }
    const ins = byX(users(d))
    const x1 = a.x + spread(outs.length, outs.indexOf(d))
    const x2 = b.x + spread(ins.length, ins.indexOf(m))
    // An arrow that skips a row bends through the nearest gap between that row's boxes instead of crossing one.
    const points: Array<[number, number]> = [[x1, a.y + BOX_H / 2]]
    const y2 = b.y - BOX_H / 2 - 2
    for (let l = (level.get(m) as number) - 1; l > (level.get(d) as number); l--) {
      const y = top + (rows.length - 1 - l) * ROW_H
      const [px, py] = points[points.length - 1] as [number, number]
      let x = px + (x2 - px) * (y - py) / (y2 - py)
      for (const other of rows[l] as string[]) {
        const o = pos.get(other) as { x: number, y: number }
        if (Math.abs(x - o.x) < BOX_W / 2 + 8) x = x < o.x ? o.x - BOX_W / 2 - 10 : o.x + BOX_W / 2 + 10
      }
      points.push([x, y])
    }
    points.push([x2, y2])
    const d3 = points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`).join(' ')
    parts.push(`<path d="${d3}" fill="none" stroke="#8a8a8a" stroke-width="1.2" stroke-linejoin="round" marker-end="url(#a)"/>`)
  }
}
for (const [m, p] of pos) {
  parts.push(`<rect x="${p.x - BOX_W / 2}" y="${p.y - BOX_H / 2}" width="${BOX_W}" height="${BOX_H}" rx="6" fill="#e8f1fb" stroke="#2a5d9f"/>`)
  parts.push(`<text x="${p.x}" y="${p.y + 5}" text-anchor="middle" font-size="14" fill="#12335c">${esc(m)}</text>`)
}
const baseY = top + rows.length * ROW_H + 10
parts.push(`<rect x="20" y="${baseY}" width="${W - 40}" height="76" rx="6" fill="#f3f3f3" stroke="#777"/>`)
parts.push(`<text x="${W / 2}" y="${baseY + 22}" text-anchor="middle" font-size="13">Plugins every module may use: db · keys · audit (the log) · metrics ·</text>`)
parts.push(`<text x="${W / 2}" y="${baseY + 40}" text-anchor="middle" font-size="13">auth (sessions, roles, staff accounts and their scope)</text>`)
parts.push(`<text x="${W / 2}" y="${baseY + 62}" text-anchor="middle" font-size="12" fill="#444">Below them: src/db (connections, schemas, the hot paths' SQL) · src/lib (pure helpers) · config · errors</text>`)
parts.push('</svg>')
writeFileSync(OUT, parts.join('\n') + '\n')
console.log(`wrote ${OUT}: ${deps.size} modules in ${rows.length} layers`)

// Which threads ran at the same time: from a `perf sched record` file, the share of its time during which each
// combination of the given threads was on a CPU. A pipeline whose stages take turns (one runs, the others wait for it)
// shows as long stretches of one thread alone, though the machine has cores to spare.
import { execFileSync } from 'node:child_process'

/** tid → label; over the whole recording (start it and stop it around the phase to look at). */
export function schedOverlap (file: string, threads: Map<number, string>): Array<{ running: string[], share: number }> {
  // timehist: one line per switch-out: time, cpu, task name[tid/pid], wait time, sch delay, run time (ms).
  const text = execFileSync('perf', ['sched', 'timehist', '-i', file], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] })
  const runs = new Map<string, Array<[number, number]>>()
  let from = Infinity
  let to = -Infinity
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/)
    if (f.length < 6 || !/^\d/.test(f[0] as string)) continue
    const end = Number(f[0])
    from = Math.min(from, end)
    to = Math.max(to, end)
    const tid = Number(/\[(\d+)/.exec(f[2] as string)?.[1])
    const label = threads.get(tid)
    if (label === undefined) continue
    const run = Number(f[f.length - 1]) / 1000
    const list = runs.get(label) ?? []
    list.push([end - run, end])
    runs.set(label, list)
  }
  // Each label's running time on a 0.1 ms grid, then the combinations counted slot by slot.
  const slot = 0.0001
  const slots = Math.max(1, Math.floor((to - from) / slot))
  const labels = [...new Set(threads.values())]
  const grids = labels.map((label) => {
    const grid = new Uint8Array(slots)
    for (const [a, b] of runs.get(label) ?? []) {
      for (let i = Math.max(0, Math.floor((a - from) / slot)); i < Math.min(slots, Math.ceil((b - from) / slot)); i++) grid[i] = 1
    }
    return grid
  })
  const counts = new Map<number, number>()
  for (let i = 0; i < slots; i++) {
    let mask = 0
    grids.forEach((g, j) => { if (g[i] === 1) mask |= 1 << j })
    counts.set(mask, (counts.get(mask) ?? 0) + 1)
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1])
    .map(([mask, n]) => ({ running: labels.filter((_, j) => (mask & (1 << j)) !== 0), share: n / slots }))
}

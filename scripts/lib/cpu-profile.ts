// Summarises a V8 .cpuprofile (node --cpu-prof): self time per function, the biggest first.
import { readFileSync } from 'node:fs'

interface Node { id: number, callFrame: { functionName: string, url: string, lineNumber: number }, children?: number[] }
interface Profile { nodes: Node[], samples: number[], timeDeltas: number[], startTime: number }

/** Now on the clock V8's profiler uses (CLOCK_MONOTONIC in µs, shared by the processes of one machine on Linux). */
export const profileClock = (): number => Number(process.hrtime.bigint() / 1000n)

/** A profile frame as the summaries print it: the function, then its file (shortened) and line. */
export function frameName ({ functionName, url, lineNumber }: { functionName: string, url: string, lineNumber: number }): string {
  const where = url === '' ? '' : ` ${url.replace(/^file:\/\/.*?\/node_modules\//, '~/').replace(/^file:\/\/.*?\/main\//, '')}:${lineNumber + 1}`
  return `${functionName === '' ? '(anonymous)' : functionName}${where}`
}

/** Self time per function, only for samples inside [from, to] (profileClock() values) when given. */
export function topSelfTime (file: string, limit = 25, window?: { from: number, to: number }): Array<{ share: number, ms: number, fn: string }> {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map<string, number>()
  let total = 0
  let at = profile.startTime
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0
    at += dt
    if (window !== undefined && (at < window.from || at > window.to)) return
    const n = byId.get(id)
    if (n === undefined) return
    const key = frameName(n.callFrame)
    self.set(key, (self.get(key) ?? 0) + dt)
    total += dt
  })
  return [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([fn, us]) => ({ share: us / total, ms: us / 1000, fn }))
}

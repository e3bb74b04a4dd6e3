// Summarises what scripts/lib/heap-sample.mjs wrote: bytes allocated per request, by the function that allocated them.
import { readFileSync } from 'node:fs'
import { frameName } from './cpu-profile.ts'

interface Node { callFrame: { functionName: string, url: string, lineNumber: number }, selfSize: number, children: Node[] }
interface Sampled { requests: Record<string, number>, profile: { head: Node } }

/** Bytes a request allocated in all, and the functions that allocated most (self, bytes a request), the biggest first. */
export function allocationsPerRequest (file: string, limit = 15): { requests: number, bytes: number, top: Array<{ fn: string, bytes: number }> } {
  const { requests, profile } = JSON.parse(readFileSync(file, 'utf8')) as Sampled
  const count = Object.values(requests).reduce((a, b) => a + b, 0)
  const self = new Map<string, number>()
  let total = 0
  const walk = (n: Node): void => {
    if (n.selfSize > 0) {
      const key = frameName(n.callFrame)
      self.set(key, (self.get(key) ?? 0) + n.selfSize)
      total += n.selfSize
    }
    for (const c of n.children) walk(c)
  }
  walk(profile.head)
  const per = (b: number): number => (count === 0 ? 0 : b / count)
  return { requests: count, bytes: per(total), top: [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([fn, b]) => ({ fn, bytes: per(b) })) }
}

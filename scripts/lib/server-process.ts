// Starts `src/server.ts` (or another entry) as a child process and waits until it says where it listens.
import { spawn, type ChildProcessByStdio } from 'node:child_process'
import { resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Readable } from 'node:stream'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

export interface ServerProcess {
  base: string
  child: ChildProcessByStdio<null, Readable, Readable>
  /** Resolves with the exit code (null) and signal once the process has ended. */
  exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
  /** Everything the process printed so far (stdout and stderr). */
  output: () => string
}

export interface StartOptions {
  env: Record<string, string | undefined>
  /** Entry file relative to the repository root. */
  entry?: string
  /** Extra node flags, e.g. ['--cpu-prof']. */
  nodeArgs?: string[]
  timeoutMs?: number
  /** The line that carries the base URL. */
  ready?: RegExp
}

export async function startServer (opts: StartOptions): Promise<ServerProcess> {
  const ready = opts.ready ?? /API doc: (http:\/\/\S+)\/docs/
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', opts.entry ?? 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr.on('data', (d: Buffer) => { out += d.toString() })
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => { resolve({ code, signal }) })
  })
  let gone = false
  void exited.then(() => { gone = true })
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000)
  while (!ready.test(out)) {
    if (gone) throw new Error(`server exited before it was ready:\n${out}`)
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`server not ready in time:\n${out}`) }
    await new Promise((r) => setTimeout(r, 25))
  }
  const base = ready.exec(out)?.[1] as string
  return { base, child, exited, output: () => out }
}

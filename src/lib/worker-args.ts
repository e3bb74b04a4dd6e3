// Node flags for worker threads.
/**
 * The process's Node flags without its module hooks (`--import`, `--require`, `--loader`): a worker loads what it
 * needs itself (the database threads are plain JavaScript, the image worker registers tsx). Inherited, a TypeScript
 * loader (`node --import tsx`) or a test runner's hooks load again in every thread started: more than half a second
 * of CPU each.
 */
export function workerExecArgv (): string[] {
  const out: string[] = []
  const args = process.execArgv
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string
    if (/^(--import|--require|-r|--loader|--experimental-loader)$/.test(a)) { i++; continue }
    if (/^(--import|--require|--loader|--experimental-loader)=/.test(a)) continue
    out.push(a)
  }
  return out
}

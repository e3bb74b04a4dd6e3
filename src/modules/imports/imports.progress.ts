// Where each import of this copy stands (GET /v1/imports/{importId}): kept in memory, never in the database.
import { Conflict } from '../../errors.ts'
import type { RowError } from './imports.rows.ts'

export type ImportState = 'receiving' | 'validating' | 'writing' | 'done' | 'failed'

export interface Progress {
  state: ImportState
  /** Bytes of the body received so far. */
  bytes: number
  /** Data rows read so far (all of them once validating is over). */
  rows: number
  /** Rows through the current state: checked while validating, written while writing. */
  done: number
  /** done: the answer's counts. */
  result?: { people: number, households: number, updated: number }
  /** failed: why, and the refused rows (at most 100) when the file was refused row by row. */
  message?: string
  errors?: RowError[]
}

/** Finished imports are shown this long, then forgotten; at most KEEP of them are kept. */
const KEEP_MS = 15 * 60_000
const KEEP = 100

interface Entry { owner: string, progress: Progress, finishedAt: number | null }

export function createProgressBoard (now: () => number = Date.now) {
  const entries = new Map<string, Entry>()
  let running = 0
  const prune = (): void => {
    const finished = [...entries].filter(([, e]) => e.finishedAt !== null)
    finished.forEach(([id, e], i) => {
      if (now() - (e.finishedAt as number) > KEEP_MS || finished.length - i > KEEP) entries.delete(id)
    })
  }
  return {
    /**
     * A new import under this id. One import runs at a time on a copy: a register holds up to 200,000 rows in memory
     * while it is checked, and on SQLite two would only queue behind each other's write.
     */
    start (importId: string, owner: string): Progress {
      prune()
      if (entries.has(importId)) throw new Conflict(`headers.x-import-id: import ${importId} was already started; choose a new id for each import`)
      if (running > 0) throw new Conflict('body: another import is running on this service; wait until it is done (GET /v1/imports/{importId})')
      const progress: Progress = { state: 'receiving', bytes: 0, rows: 0, done: 0 }
      entries.set(importId, { owner, progress, finishedAt: null })
      running++
      return progress
    },
    finish (importId: string): void {
      const entry = entries.get(importId)
      if (entry === undefined || entry.finishedAt !== null) return
      entry.finishedAt = now()
      running--
    },
    /** The import as its starter sees it (an admin sees every one); anyone else: undefined. */
    get (importId: string, viewer: { sub: string, role: string }): Progress | undefined {
      prune()
      const entry = entries.get(importId)
      if (entry === undefined || (entry.owner !== viewer.sub && viewer.role !== 'admin')) return undefined
      return entry.progress
    }
  }
}

export type ProgressBoard = ReturnType<typeof createProgressBoard>

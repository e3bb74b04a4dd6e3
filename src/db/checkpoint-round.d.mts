// Types of checkpoint-round.mjs (plain JavaScript, run by the checkpoint thread).
import type Database from 'better-sqlite3'

export const RESTART_FRAMES: number
export const INSIST_FRAMES: number
export const INSIST_WAIT_MS: number
export const ROUND_BUSY_MS: number
export function checkpointRound (db: Database.Database): { log: number, restarted: boolean }

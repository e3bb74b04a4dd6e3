// Rate limits counted in the database (rate_limits), so that every copy of the service on one database shares them:
// app.rateCounter for the service's own counters (failed logins), and the store behind every route's
// `config.rateLimit` (@fastify/rate-limit). A single copy on SQLite uses the same table and needs nothing else.
import fp from 'fastify-plugin'
import rateLimit, { type FastifyRateLimitStore, type FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import type { GridpassDb } from '../db/index.ts'
import { RateLimited } from '../errors.ts'
import { createRateLimitsRepository } from './rate-limits.repository.ts'

/** Expired windows are deleted at most this often, by whichever request comes first (per copy). */
export const PURGE_EVERY_MS = 60_000

export interface RateCount {
  /** Hits in the current window, this one included. */
  count: number
  /** Milliseconds until the window ends (0 for no live window). */
  ttlMs: number
}

export interface RateCounter {
  /** Counts one hit on key in a fixed window of windowMs that starts with the first hit. */
  hit: (key: string, windowMs: number) => Promise<RateCount>
  /** Takes one hit back, if the window is still live. */
  undo: (key: string) => Promise<void>
  /** The count now, without counting. */
  read: (key: string) => Promise<RateCount>
}

export function createRateCounter (store: GridpassDb, now: () => number): RateCounter {
  const repo = createRateLimitsRepository(store)
  let nextPurge = 0
  return {
    async hit (key, windowMs) {
      const at = now()
      const row = await store.tx(async (db) => {
        if (at >= nextPurge) {
          nextPurge = at + PURGE_EVERY_MS
          await repo.purge(db, at)
        }
        return repo.hit(db, key, at, windowMs)
      })
      return { count: row.count, ttlMs: Math.max(0, row.resetAt - at) }
    },
    async undo (key) {
      const at = now()
      await store.tx(async (db) => { await repo.undo(db, key, at) })
    },
    async read (key) {
      const at = now()
      const row = await repo.read(store.db, key)
      if (row === undefined || row.resetAt <= at) return { count: 0, ttlMs: 0 }
      return { count: row.count, ttlMs: row.resetAt - at }
    }
  }
}

interface ChildOptions { routeInfo?: { method?: string | string[], url?: string }, groupId?: string, continueExceeding?: boolean, exponentialBackoff?: boolean }

/**
 * The @fastify/rate-limit store (its interface: store/LocalStore.js in the package): incr/read call back with
 * { current, ttl }, child(routeOptions) gives each route its own counters. Keys are `route:<METHOD> <url>|<key>`
 * (or `group:<key><groupId>` for routes sharing a groupId), so two routes never share a count by accident.
 */
export function databaseStore (counter: RateCounter): FastifyRateLimitStoreCtor {
  class DatabaseStore implements FastifyRateLimitStore {
    private readonly prefix: string
    constructor (_options: unknown, prefix = 'route:*|') { this.prefix = prefix }

    incr (key: string, callback: (error: Error | null, result?: { current: number, ttl: number }) => void, timeWindow: number): void {
      counter.hit(this.prefix + key, timeWindow).then((r) => { callback(null, { current: r.count, ttl: r.ttlMs }) }, (err: Error) => { callback(err) })
    }

    read (key: string, callback: (error: Error | null, result?: { current: number, ttl: number }) => void): void {
      counter.read(this.prefix + key).then((r) => { callback(null, { current: r.count, ttl: r.ttlMs }) }, (err: Error) => { callback(err) })
    }

    child (routeOptions: unknown): FastifyRateLimitStore {
      const o = routeOptions as ChildOptions
      if (o.continueExceeding === true || o.exponentialBackoff === true) {
        throw new Error(`rate limit of ${String(o.routeInfo?.url)}: continueExceeding and exponentialBackoff are not supported by the database store (fixed windows only)`)
      }
      if (o.groupId !== undefined) return new DatabaseStore(undefined, 'group:')
      const method = Array.isArray(o.routeInfo?.method) ? o.routeInfo.method.join(',') : (o.routeInfo?.method ?? '*')
      return new DatabaseStore(undefined, `route:${method} ${o.routeInfo?.url ?? '*'}|`)
    }
  }
  return DatabaseStore
}

declare module 'fastify' {
  interface FastifyInstance { rateCounter: RateCounter }
}

export default fp(async (app) => {
  const counter = createRateCounter(app.store, app.config.now)
  app.decorate('rateCounter', counter)
  // No global limit: each route that needs one says so in its config.rateLimit (max, timeWindow, keyGenerator).
  // The default key is the client address, request.ip: behind a reverse proxy set GRIDPASS_TRUST_PROXY, or every
  // client shares the proxy's address and its limit.
  await app.register(rateLimit, {
    global: false,
    store: databaseStore(counter),
    errorResponseBuilder: (_req, ctx) => new RateLimited(`too many requests; retry in ${Math.ceil(ctx.ttl / 1000)} s`)
  })
}, { name: 'gp-rate-limit', dependencies: ['gp-db'] })

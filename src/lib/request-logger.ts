// Each request's logger, made only when the request logs something. Fastify gives every request a child of the
// service's logger ({reqId}); pino builds a child by serialising its bindings through the redaction paths, about 3 %
// of the event loop on the scan path, where at the usual level (warn) nothing is ever written.
import type { Bindings, ChildLoggerOptions, Logger } from 'pino'
import type { FastifyBaseLogger } from 'fastify'

type Method = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'

/** A pino logger as Fastify holds it (when logging is off Fastify holds a no-op logger without these). */
const isPino = (logger: FastifyBaseLogger): logger is FastifyBaseLogger & Pick<Logger, 'isLevelEnabled' | 'levels'> =>
  typeof (logger as Partial<Logger>).isLevelEnabled === 'function' && typeof (logger as Partial<Logger>).levels === 'object'

/**
 * Logs exactly as `parent.child(bindings, options)` would: the same lines, bindings, serializers and redaction. The
 * child is made at the first call of a level that is enabled (for this request's level: the route's logLevel when
 * it has one), and kept for the rest of the request.
 */
export class RequestLogger {
  #parent: FastifyBaseLogger & Pick<Logger, 'isLevelEnabled' | 'levels'>
  #bindings: Bindings
  #options: ChildLoggerOptions
  #child: FastifyBaseLogger | undefined

  constructor (parent: FastifyBaseLogger & Pick<Logger, 'isLevelEnabled' | 'levels'>, bindings: Bindings, options: ChildLoggerOptions) {
    this.#parent = parent
    this.#bindings = bindings
    this.#options = options
  }

  /** The child, made now if it was not yet. */
  get made (): FastifyBaseLogger {
    this.#child ??= this.#parent.child(this.#bindings, this.#options)
    return this.#child
  }

  get level (): string { return this.#child?.level ?? this.#options.level ?? this.#parent.level }
  set level (level: string) { this.made.level = level }

  #enabled (method: Method): boolean {
    if (this.#child !== undefined) return true
    const own = this.#options.level
    if (own === undefined) return this.#parent.isLevelEnabled(method)
    const values = this.#parent.levels.values
    return (values[method] ?? 0) >= (values[own] ?? Infinity)
  }

  #log (method: Method, args: unknown[]): void {
    if (!this.#enabled(method)) return
    const made = this.made
    ;(made[method] as (...a: unknown[]) => void).apply(made, args)
  }

  // Methods on the prototype, not closures per request: pino's LogFn overloads, each call passed on as it came.
  fatal (...args: unknown[]): void { this.#log('fatal', args) }
  error (...args: unknown[]): void { this.#log('error', args) }
  warn (...args: unknown[]): void { this.#log('warn', args) }
  info (...args: unknown[]): void { this.#log('info', args) }
  debug (...args: unknown[]): void { this.#log('debug', args) }
  trace (...args: unknown[]): void { this.#log('trace', args) }
  silent (): void {}

  child (bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.made.child(bindings, options)
  }
}

/** Fastify's childLoggerFactory: a RequestLogger over a pino logger; with logging off, the no-op logger itself. */
export function requestLoggerFactory (logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  // The class has every method of FastifyBaseLogger; its LogFn overloads are typed as one rest parameter.
  return isPino(logger) ? new RequestLogger(logger, bindings, options) as unknown as FastifyBaseLogger : logger
}

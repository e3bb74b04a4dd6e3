// Metrics on the request path without prom-client's work per call. prom-client hashes and validates the label object
// on every inc and observe, even through metric.labels(…): about a microsecond and a half a request for the three
// series a scan touches, and garbage for the collector. Here each labelled series is looked up once by its values
// (which must come from small sets: routes, reasons, never ids: every distinct combination is kept), counts in
// plain numbers, and is handed to Prometheus when it scrapes: the same exposition as prom-client's own metrics.
import { Counter, type CounterConfiguration, type Metric, type Registry } from 'prom-client'

type Labels = Record<string, string | number>
const keyOf = (labels: Labels): string => Object.values(labels).join('\u0000')
/** Checked once per series, where prom-client checks at every call. */
const checkLabels = (name: string, labelNames: readonly string[], labels: Labels): void => {
  const unknown = Object.keys(labels).find((k) => !labelNames.includes(k))
  if (unknown !== undefined) throw new Error(`${name}: unknown label ${unknown}`)
}

export interface CounterSeries { inc: (by?: number) => void }

/**
 * A prom-client counter whose series count in plain numbers; what they counted is added to the counter when it is
 * read (a scrape, or registry.getSingleMetric(…).get()). Returns the series by their labels.
 */
export function counterSeries<L extends Labels> (config: Omit<CounterConfiguration<Extract<keyof L, string>>, 'collect'>): (labels: L) => CounterSeries {
  const series = new Map<string, { labels: L, pending: number, handle: CounterSeries }>()
  // Read only through the registries it is registered with.
  void new Counter<Extract<keyof L, string>>({
    ...config,
    collect () {
      for (const s of series.values()) if (s.pending > 0) { this.inc(s.labels as never, s.pending); s.pending = 0 }
    }
  })
  return (labels) => {
    const key = keyOf(labels)
    let s = series.get(key)
    if (s === undefined) {
      checkLabels(config.name, config.labelNames ?? [], labels)
      const created = { labels: { ...labels }, pending: 0, handle: { inc: (by = 1) => { created.pending += by } } }
      s = created
      series.set(key, s)
    }
    return s.handle
  }
}

export interface HistogramSeries { observe: (value: number) => void }
interface Value<L> { labels: Labels, sharedLabels?: L, value: number, metricName: string }
interface Exposed<L> { name: string, help: string, type: 'histogram', aggregator: 'sum', values: Array<Value<L>> }
interface Buckets<L> { labels: L, counts: number[], sum: number, count: number, handle: HistogramSeries }

/** A histogram whose series are arrays of bucket counts; registered with prom-client's registries, exposed as its histograms are. */
export class SeriesHistogram<L extends Labels> {
  readonly type = 'histogram'
  readonly aggregator = 'sum'
  readonly name: string
  readonly help: string
  private readonly bounds: number[]
  private readonly labelNames: string[]
  private series = new Map<string, Buckets<L>>()

  constructor ({ name, help, labelNames, buckets, registers }: { name: string, help: string, labelNames: Array<Extract<keyof L, string>>, buckets: number[], registers: Registry[] }) {
    this.name = name
    this.help = help
    this.labelNames = labelNames
    this.bounds = [...buckets].sort((a, b) => a - b)
    for (const registry of registers) registry.registerMetric(this as unknown as Metric)
  }

  labels (labels: L): HistogramSeries {
    const key = keyOf(labels)
    let s = this.series.get(key)
    if (s === undefined) {
      checkLabels(this.name, this.labelNames, labels)
      const bounds = this.bounds
      const created: Buckets<L> = {
        labels: { ...labels }, counts: new Array<number>(bounds.length + 1).fill(0), sum: 0, count: 0,
        handle: {
          observe: (value) => {
            let i = 0
            while (i < bounds.length && value > (bounds[i] as number)) i++
            ;(created.counts[i] as number)++
            created.sum += value
            created.count++
          }
        }
      }
      s = created
      this.series.set(key, s)
    }
    return s.handle
  }

  /** The exposition prom-client's Registry writes (its own histograms' shape: `le` first, then the series' labels). */
  getForPromString (): Exposed<L> {
    const values: Array<Value<L>> = []
    const bucket = `${this.name}_bucket`
    for (const s of this.series.values()) {
      let acc = 0
      this.bounds.forEach((le, i) => { acc += s.counts[i] as number; values.push({ labels: { le }, sharedLabels: s.labels, value: acc, metricName: bucket }) })
      values.push({ labels: { le: '+Inf' }, sharedLabels: s.labels, value: s.count, metricName: bucket })
      values.push({ labels: {}, sharedLabels: s.labels, value: s.sum, metricName: `${this.name}_sum` })
      values.push({ labels: {}, sharedLabels: s.labels, value: s.count, metricName: `${this.name}_count` })
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values }
  }

  /** The same values with their labels in one object (registry.getMetricsAsJSON). */
  async get (): Promise<Exposed<never>> {
    const data = this.getForPromString()
    return { ...data, values: data.values.map(({ sharedLabels, ...v }) => ({ ...v, labels: { ...sharedLabels, ...v.labels } })) }
  }

  reset (): void { this.series = new Map() }
}

// A prom-client metric's labelled series, each looked up once: prom-client hashes the label object on every inc or
// observe otherwise, which showed on the scan path. Label values must come from small sets (routes, reasons), never
// from ids: every distinct combination is kept.
type Labels = Record<string, string | number>

export function labelledSeries<L extends Labels, S> (metric: { labels: (labels: L) => S }): (labels: L) => S {
  const series = new Map<string, S>()
  return (labels) => {
    const key = Object.values(labels).join('\u0000')
    let s = series.get(key)
    if (s === undefined) { s = metric.labels(labels); series.set(key, s) }
    return s
  }
}

// The request path's metrics (src/lib/metric-series.ts) count in plain numbers and are exposed when scraped: the text
// Prometheus reads is the text prom-client's own counter and histogram give for the same observations.
import t from 'tap'
import { Counter, Histogram, Registry } from 'prom-client'
import { counterSeries, SeriesHistogram } from '../src/lib/metric-series.ts'

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5]
// Values on, between and beyond the bounds (a value equal to a bound counts in that bucket, `le`).
const SECONDS = [0, 0.0005, 0.001, 0.0011, 0.0025, 0.003, 0.01, 0.02, 0.049, 0.1, 0.7, 2.5, 2.6, 30]
const ROUTES = [{ method: 'POST', route: '/v1/scans' }, { method: 'GET', route: '/v1/me/code' }]

t.test('a histogram of series: the exposition of prom-client\'s histogram', async (t) => {
  const ours = new Registry()
  const theirs = new Registry()
  const mine = new SeriesHistogram<{ method: string, route: string }>({ name: 'h_seconds', help: 'latency', labelNames: ['method', 'route'], buckets: BUCKETS, registers: [ours] })
  const ref = new Histogram({ name: 'h_seconds', help: 'latency', labelNames: ['method', 'route'], buckets: BUCKETS, registers: [theirs] })
  for (const [i, labels] of ROUTES.entries()) {
    for (const s of SECONDS.slice(i)) { mine.labels(labels).observe(s); ref.observe(labels, s) }
  }
  const text = await ours.metrics()
  t.equal(text, await theirs.metrics(), 'the same text')
  t.match(text, /h_seconds_bucket\{le="0.001",method="POST",route="\/v1\/scans"\} 3\n/, 'values up to a bound count in its bucket')
  t.match(text, /h_seconds_count\{method="GET",route="\/v1\/me\/code"\} 13\n/, 'a count per series')
  const figures = async (r: Registry): Promise<unknown> => (await r.getMetricsAsJSON()).map((m) => m.values.map((v) => [(v as { metricName?: string }).metricName, v.labels, v.value]))
  t.same(await figures(ours), await figures(theirs), 'the same figures as JSON')
  ours.resetMetrics()
  t.notMatch(await ours.metrics(), /h_seconds_count/, 'reset empties it')
  t.throws(() => mine.labels({ method: 'GET', route: '/', user: 'x' } as never), /unknown label user/, 'a label it does not have is refused')
})

t.test('a counter of series: added to the prom-client counter when read', async (t) => {
  const registry = new Registry()
  const count = counterSeries<{ decision: string, reason: string }>({ name: 'c_total', help: 'answers', labelNames: ['decision', 'reason'], registers: [registry] })
  const before = await registry.metrics()
  t.notMatch(before, /c_total\{/, 'nothing counted, no series')
  for (let i = 0; i < 5; i++) count({ decision: 'allow', reason: 'none' }).inc()
  count({ decision: 'deny', reason: 'color_red' }).inc(3)
  t.match(await registry.metrics(), /c_total\{decision="allow",reason="none"\} 5\n[^]*c_total\{decision="deny",reason="color_red"\} 3/, 'the counts at the scrape')
  count({ decision: 'allow', reason: 'none' }).inc()
  const refRegistry = new Registry()
  const ref = new Counter({ name: 'c_total', help: 'answers', labelNames: ['decision', 'reason'], registers: [refRegistry] })
  ref.inc({ decision: 'allow', reason: 'none' }, 6)
  ref.inc({ decision: 'deny', reason: 'color_red' }, 3)
  t.match(await registry.metrics(), /c_total\{decision="allow",reason="none"\} 6\n/, 'a later scrape adds what came since')
  t.equal(await registry.getSingleMetricAsString('c_total'), await refRegistry.getSingleMetricAsString('c_total'), 'the text of prom-client\'s counter with the same counts')
  t.throws(() => count({ decision: 'allow', actor: 'x' } as never), /label/i, 'a label it does not have is refused')
})


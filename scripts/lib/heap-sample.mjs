// Preloaded into the gridpass server by `bench:scans --heap-sample` (node --import): the first SIGWINCH starts V8's
// sampling heap profiler, counting the objects collected since as well as those kept (what the main thread
// allocates, not only what it holds); the second stops it and writes the profile, with the requests answered
// meanwhile, to the file named by GRIDPASS_HEAP_SAMPLE. (SIGWINCH: ignored by default; on SIGUSR2 close-with-grace
// shuts the server down.) An experiment's tool: the sampling slows the server down.
import { Session } from 'node:inspector'
import { writeFileSync } from 'node:fs'
import { subscribe } from 'node:diagnostics_channel'

const file = process.env.GRIDPASS_HEAP_SAMPLE
if (file === undefined || file === '') throw new Error('GRIDPASS_HEAP_SAMPLE: the file the heap profile is written to')
const session = new Session()
session.connect()
const post = (method, params = {}) => new Promise((resolve, reject) => { session.post(method, params, (err, result) => { if (err) reject(err); else resolve(result) }) })
let requests = null
subscribe('http.server.request.start', ({ request }) => {
  if (requests === null) return
  const key = `${request.method} ${request.url.split('?')[0]}`
  requests[key] = (requests[key] ?? 0) + 1
})
await post('HeapProfiler.enable')
process.on('SIGWINCH', () => {
  if (requests === null) {
    requests = {}
    void post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true })
    return
  }
  const answered = requests
  requests = null
  void post('HeapProfiler.stopSampling').then(({ profile }) => { writeFileSync(file, JSON.stringify({ requests: answered, profile })) })
})

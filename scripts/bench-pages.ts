// npm run bench:pages -- [--quick] [--no-build] [--samples 20] [--loads 10] [--decode-seconds 5]
//
// The scanner page in this machine's Chromium (Debian's, driven by playwright-core), each figure beside its target and
// a yardstick measured in the same run:
//   1. QR decoders in a Web Worker on 640×480 frames holding a real health code (about 77×77 modules, EC level M):
//      jsQR as the page's fallback calls it, jsQR trying inverted images too, zxing-wasm's reader (the page's decoder), the native BarcodeDetector if
//      the browser has one → frames/s and the median ms per frame (target ≥ 15 frames/s);
//   2. a code appearing in front of the fake camera → the verdict on screen in the real /h5/scanner/ page, online (the
//      server's verdict) and offline (the phone's), with where the time goes (target ≤ 500 ms, median);
//   3. the scanner page's first load with a cold cache → the login form visible and the load event (target ≤ 1 s);
//      yardstick: the service's /healthz navigated the same way;
//   4. the JavaScript the scanner page loads before its decoder, gzip level 9 (target ≤ 250 KiB), and its CSS; the
//      decoder worker chunk apart.
// The service runs in this process (buildApp, a temp SQLite file and keys) and serves dist/h5, built first with
// `vite build` unless --no-build. The decoder bench page is served by a small node:http server on 127.0.0.1.
import { spawnSync } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { gzipSync } from 'node:zlib'
import cliProgress from 'cli-progress'
import { build } from 'esbuild'
import jpeg from 'jpeg-js'
import QRCode from 'qrcode'
import type { Browser, Page } from 'playwright-core'
import { buildApp } from '../src/app.ts'
import { loadConfig, type Config } from '../src/config.ts'
import { checkCharacter } from '../src/lib/id-number.ts'
import { H5_DIR } from '../src/plugins/pages.ts'
import { launch } from '../test/support/browser.ts'

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    samples: { type: 'string' },
    loads: { type: 'string' },
    'decode-seconds': { type: 'string' },
    keep: { type: 'boolean', default: false }
  }
})
const QUICK = args.quick
const SAMPLES = Number(args.samples ?? (QUICK ? 6 : 20))
const LOADS = Number(args.loads ?? (QUICK ? 4 : 10))
const DECODE_S = Number(args['decode-seconds'] ?? (QUICK ? 1.5 : 5))
const ROOT = resolve(import.meta.dirname, '..')
const RESIDENTS = 20
const WARM_CYCLES = 2
// The fake camera plays an .mjpeg file at 30 frames/s: each code is shown 1.2 s, after 0.6 s of an empty grey frame.
const GREY_FRAMES = 18
const CODE_FRAMES = 36
const TARGET = { fps: 15, latencyMs: 500, loadMs: 1000, jsKiB: 250 }

const dir = mkdtempSync(join(tmpdir(), 'gridpass-bench-pages-'))
const browsers: Browser[] = []
let benchServer: Server | null = null

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
const median = (xs: number[]): number => quantile(xs, 0.5)
function quantile (xs: number[], q: number): number {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  const i = (s.length - 1) * q
  const lo = Math.floor(i)
  return (s[lo] as number) + ((s[Math.ceil(i)] as number) - (s[lo] as number)) * (i - lo)
}
const ms = (n: number): string => Number.isNaN(n) ? 'n/a' : `${fmt(n, n < 10 ? 1 : 0)} ms`
const kib = (bytes: number): string => `${fmt(bytes / 1024, 1)} KiB`
const verdict = (ok: boolean): string => ok ? 'met' : 'MISSED'
const row = (cells: string[]): string => `| ${cells.join(' | ')} |`

function bar (label: string, total: number, unit: string): cliProgress.SingleBar {
  const b = new cliProgress.SingleBar({
    format: `  ${label.padEnd(14)} [{bar}] {value}/{total} ${unit} | elapsed {duration_formatted}`,
    hideCursor: true, noTTYOutput: true, notTTYSchedule: 10_000, fps: 5
  }, cliProgress.Presets.shades_classic)
  b.start(total, 0)
  return b
}

// ---------------------------------------------------------------------------------------------------------------
// Code running in the browser, as plain JavaScript (tsx would wrap named functions in a helper the page lacks).

/** The decoder worker: holds sets of frames and decodes them round-robin for a given time with one decoder. */
const WORKER_SOURCE = `
import jsQR from 'jsqr'
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader'
prepareZXingModule({ overrides: { locateFile: (path, prefix) => path.endsWith('.wasm') ? '/bench/' + path : prefix + path } })
const sets = {}
let detector = null
async function nativeInfo () {
  if (typeof self.BarcodeDetector !== 'function') return { present: false, formats: [] }
  try {
    const formats = await self.BarcodeDetector.getSupportedFormats()
    if (formats.includes('qr_code')) detector = new self.BarcodeDetector({ formats: ['qr_code'] })
    return { present: true, formats }
  } catch (err) { return { present: true, formats: [], error: String(err) } }
}
const decoders = {
  jsqr: (f) => jsQR(f.data, f.width, f.height, { inversionAttempts: 'dontInvert' })?.data ?? null,
  jsqrBoth: (f) => jsQR(f.data, f.width, f.height, { inversionAttempts: 'attemptBoth' })?.data ?? null,
  zxing: async (f) => (await readBarcodes(f, { formats: ['QRCode'], tryHarder: false, maxNumberOfSymbols: 1 }))[0]?.text ?? null,
  native: async (f) => (await detector.detect(f))[0]?.rawValue ?? null
}
self.onmessage = async (e) => {
  const m = e.data
  try {
    if (m.type === 'info') { self.postMessage({ native: await nativeInfo() }); return }
    if (m.type === 'frames') {
      sets[m.set] = m.frames.map((f) => ({ image: new ImageData(new Uint8ClampedArray(f.pixels), f.width, f.height), text: f.text }))
      self.postMessage({ ok: true })
      return
    }
    const decode = decoders[m.decoder]
    const frames = sets[m.set]
    let i = 0
    const warmEnd = performance.now() + m.warmupMs
    do { await decode(frames[i++ % frames.length].image) } while (performance.now() < warmEnd)
    const times = []
    let ok = 0
    let n = 0
    const start = performance.now()
    while (performance.now() - start < m.durationMs) {
      const f = frames[n % frames.length]
      const t0 = performance.now()
      const text = await decode(f.image)
      times.push(performance.now() - t0)
      if (text === f.text) ok++
      n++
    }
    self.postMessage({ frames: n, seconds: (performance.now() - start) / 1000, times, ok })
  } catch (err) { self.postMessage({ error: String(err && err.stack || err) }) }
}
`

/**
 * The decoder bench page: draws the frames (640×480 grey, the code about 400 px square) and hands them to the worker.
 * "clean": the code drawn crisp; "rough": in perspective (top 10 % narrower, turned 4°), blurred 0.8 px, lower contrast, ±8 noise;
 * "empty" and "noisy": no code, the grey frame with ±8 and ±16 noise: what the scanner decodes most of the time.
 */
const BENCH_PAGE = `<!doctype html><meta charset="utf-8"><title>decoders</title><script type="module">
const worker = new Worker('/bench/worker.js', { type: 'module' })
const ask = (msg, transfer = []) => new Promise((resolve, reject) => {
  worker.onmessage = (e) => e.data.error ? reject(new Error(e.data.error)) : resolve(e.data)
  worker.onerror = (e) => reject(new Error(e.message))
  worker.postMessage(msg, transfer)
})
let seed = 7
const random = () => { seed = (seed + 0x6D2B79F5) | 0; let t = Math.imul(seed ^ (seed >>> 15), 1 | seed); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296 }
function drawCode (code, px) {
  const n = code.size + 8
  const small = new OffscreenCanvas(n, n)
  const s = small.getContext('2d')
  s.fillStyle = '#fff'; s.fillRect(0, 0, n, n); s.fillStyle = '#000'
  for (let r = 0; r < code.size; r++) for (let q = 0; q < code.size; q++) if (code.bits[r * code.size + q] === '1') s.fillRect(q + 4, r + 4, 1, 1)
  const big = new OffscreenCanvas(px, px)
  const b = big.getContext('2d')
  b.imageSmoothingEnabled = false
  b.drawImage(small, 0, 0, px, px)
  return big
}
/** The code seen by a phone held at a slant: a true perspective (the top edge 10 % narrower, turned 4°), bilinear. */
function tilted (code) {
  const src = drawCode(code, 400).getContext('2d').getImageData(0, 0, 400, 400).data
  const turn = 4 * Math.PI / 180
  const quad = [[-171, -190], [171, -190], [190, 190], [-190, 190]].map(([x, y]) => [320 + x * Math.cos(turn) - y * Math.sin(turn), 240 + x * Math.sin(turn) + y * Math.cos(turn)])
  // Heckbert's square-to-quad homography, then its inverse: each frame pixel is looked up in the code image.
  const [[x0, y0], [x1, y1], [x2, y2], [x3, y3]] = quad
  const dx1 = x1 - x2, dx2 = x3 - x2, dx3 = x0 - x1 + x2 - x3, dy1 = y1 - y2, dy2 = y3 - y2, dy3 = y0 - y1 + y2 - y3
  const den = dx1 * dy2 - dx2 * dy1
  const g = (dx3 * dy2 - dx2 * dy3) / den, h = (dx1 * dy3 - dx3 * dy1) / den
  const a = x1 - x0 + g * x1, b = x3 - x0 + h * x3, c = x0, d = y1 - y0 + g * y1, e = y3 - y0 + h * y3, f = y0
  const A = e - f * h, B = c * h - b, C = b * f - c * e, D = f * g - d, E = a - c * g, F = c * d - a * f, G = d * h - e * g, H = b * g - a * h, I = a * e - b * d
  const out = new ImageData(640, 480)
  const o = out.data
  for (let Y = 0; Y < 480; Y++) {
    for (let X = 0; X < 640; X++) {
      const w = G * X + H * Y + I
      const u = (A * X + B * Y + C) / w * 400 - 0.5, v = (D * X + E * Y + F) / w * 400 - 0.5
      let value = 128
      if (u >= 0 && v >= 0 && u < 399 && v < 399) {
        const ui = Math.floor(u), vi = Math.floor(v), fu = u - ui, fv = v - vi, k = (vi * 400 + ui) * 4
        value = (src[k] * (1 - fu) + src[k + 4] * fu) * (1 - fv) + (src[k + 1600] * (1 - fu) + src[k + 1604] * fu) * fv
      }
      const j = (Y * 640 + X) * 4
      o[j] = o[j + 1] = o[j + 2] = value
      o[j + 3] = 255
    }
  }
  return out
}
function frame (code, kind) {
  const c = new OffscreenCanvas(640, 480)
  const x = c.getContext('2d', { willReadFrequently: true })
  x.fillStyle = 'rgb(128,128,128)'; x.fillRect(0, 0, 640, 480)
  if (kind === 'clean') { x.drawImage(drawCode(code, 400), 120, 40); return x.getImageData(0, 0, 640, 480) }
  if (kind === 'rough') x.putImageData(tilted(code), 0, 0)
  if (kind === 'rough') { const sharp = new OffscreenCanvas(640, 480); sharp.getContext('2d').drawImage(c, 0, 0); x.filter = 'blur(0.8px)'; x.drawImage(sharp, 0, 0); x.filter = 'none' }
  const img = x.getImageData(0, 0, 640, 480)
  const d = img.data
  for (let i = 0; i < d.length; i += 4) {
    const v = 40 + d[i] * 0.7 + (random() - 0.5) * (kind === 'noisy' ? 32 : 16) + (i / 4 % 640) / 640 * 20
    d[i] = d[i + 1] = d[i + 2] = v
  }
  return img
}
window.benchPrepare = async (codes) => {
  for (const set of ['clean', 'rough', 'empty', 'noisy']) {
    const frames = (set === 'empty' || set === 'noisy' ? codes.slice(0, 4) : codes).map((code) => { const img = frame(code, set); return { width: img.width, height: img.height, pixels: img.data.buffer, text: set === 'empty' || set === 'noisy' ? null : code.text } })
    await ask({ type: 'frames', set, frames }, frames.map((f) => f.pixels))
  }
  return { mainNative: typeof window.BarcodeDetector === 'function', worker: (await ask({ type: 'info' })).native }
}
window.benchRun = (decoder, set, durationMs, warmupMs) => ask({ type: 'run', decoder, set, durationMs, warmupMs })
window.benchSample = async (code, kind) => {
  const img = frame(code, kind)
  const c = new OffscreenCanvas(640, 480)
  c.getContext('2d').putImageData(img, 0, 0)
  const blob = await c.convertToBlob({ type: 'image/png' })
  return await new Promise((resolve) => { const r = new FileReader(); r.onload = () => resolve(String(r.result).split(',')[1]); r.readAsDataURL(blob) })
}
window.benchReady = true
</script>`

/**
 * Put into the scanner page before its own scripts: notes each answer of its decoder worker (time, decode ms, text),
 * when the page goes offline, and, once benchWatch() runs, each camera frame whose corner marker turns dark (a code
 * appeared) and each verdict dialog (tapped away 50 ms after it is painted, so scanning resumes).
 */
const SCANNER_PROBE = `
performance.setResourceTimingBufferSize(5000)
const B = window.__bench = { decodes: [], attempts: 0, onsets: [], dialogs: [], offlineAt: null, videoFrames: 0, errors: [] }
const NativeWorker = window.Worker
window.Worker = class extends NativeWorker {
  constructor (url, opts) {
    super(url, opts)
    this.addEventListener('message', (e) => {
      const d = e.data
      if (d === null || typeof d !== 'object' || !('text' in d)) return
      B.attempts++
      if (d.text !== null) B.decodes.push({ at: performance.now(), ms: d.ms, decoder: d.decoder, text: d.text.slice(-12) })
    })
  }
}
window.addEventListener('offline', () => { B.offlineAt = performance.now() })
window.benchWatch = () => {
  const video = document.querySelector('video')
  const c = document.createElement('canvas')
  c.width = 4; c.height = 4
  const ctx = c.getContext('2d', { willReadFrequently: true })
  let dark = false
  const onFrame = (now, meta) => {
    B.videoFrames++
    ctx.drawImage(video, 8, 8, 48, 48, 0, 0, 4, 4)
    const isDark = ctx.getImageData(2, 2, 1, 1).data[0] < 60
    // The earliest of the frame's capture time, presentation time and this callback: the capture clock of the fake
    // camera drifts under load, up to 90 ms either way.
    if (isDark && !dark) B.onsets.push({ at: Math.min(meta.captureTime ?? Infinity, meta.presentationTime, now), captured: meta.captureTime !== undefined, callback: now })
    dark = isDark
    video.requestVideoFrameCallback(onFrame)
  }
  video.requestVideoFrameCallback(onFrame)
  let open = null
  new MutationObserver(() => {
    const d = document.querySelector('[role=alertdialog]')
    if (d !== null && d !== open) {
      open = d
      const entry = { at: performance.now(), painted: null, text: d.innerText.replace(/\\s+/g, ' ') }
      B.dialogs.push(entry)
      requestAnimationFrame(() => { entry.painted = performance.now(); setTimeout(() => d.click(), 50) })
    }
    if (d === null) open = null
  }).observe(document.body, { childList: true, subtree: true })
}
window.benchScans = () => performance.getEntriesByType('resource').filter((e) => new URL(e.name).pathname === '/v1/scans').map((e) => ({ start: e.startTime, end: e.responseEnd }))
`

/** Put into each page of the cold-load runs: when the login form's username field is first in a frame, FCP, and when
 * the first IndexedDB open was called and succeeded (the scanner shows its login form once its store is open). */
const LOAD_PROBE = `
const L = window.__load = { form: null, fcp: null, idbCalled: null, idbOpened: null }
const idbOpen = IDBFactory.prototype.open
IDBFactory.prototype.open = function (...a) {
  const req = idbOpen.apply(this, a)
  L.idbCalled ??= performance.now()
  req.addEventListener('success', () => { L.idbOpened ??= performance.now() })
  return req
}
try { new PerformanceObserver((list) => { for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') L.fcp = e.startTime }).observe({ type: 'paint', buffered: true }) } catch {}
const tick = (now) => {
  const input = document.querySelector('input[name=username]')
  if (input !== null && input.getBoundingClientRect().width > 0) { L.form = now; return }
  requestAnimationFrame(tick)
}
requestAnimationFrame(tick)
`

// ---------------------------------------------------------------------------------------------------------------

interface Code { text: string, size: number, version: number, bits: string }
interface DecodeRun { frames: number, seconds: number, times: number[], ok: number }
interface Probe {
  decodes: Array<{ at: number, ms: number, decoder: string, text: string }>
  attempts: number
  onsets: Array<{ at: number, captured: boolean, callback: number }>
  dialogs: Array<{ at: number, painted: number | null, text: string }>
  offlineAt: number | null
  videoFrames: number
}
interface Sample { total: number, grab: number, decode: number, beforePost: number, post: number, afterPost: number, local: number, paint: number, text: string }

function codeOf (text: string): Code {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' })
  return { text, size: qr.modules.size, version: qr.version, bits: Array.from(qr.modules.data, (b) => b === 1 ? '1' : '0').join('') }
}

/** One 640×480 JPEG: grey, and when a code is given, the code about 400 px square and the black marker top left. */
function jpegFrame (code: Code | null): Buffer {
  const W = 640
  const H = 480
  const data = Buffer.alloc(W * H * 4, 128)
  if (code !== null) {
    const n = code.size + 8
    for (let y = 0; y < 400; y++) {
      for (let x = 0; x < 400; x++) {
        const r = Math.floor(y * n / 400) - 4
        const q = Math.floor(x * n / 400) - 4
        const black = r >= 0 && q >= 0 && r < code.size && q < code.size && code.bits[r * code.size + q] === '1'
        data.fill(black ? 0 : 255, ((40 + y) * W + 120 + x) * 4, ((40 + y) * W + 120 + x) * 4 + 3)
      }
    }
    for (let y = 8; y < 56; y++) data.fill(0, (y * W + 8) * 4, (y * W + 56) * 4)
  }
  for (let i = 3; i < data.length; i += 4) data[i] = 255
  return jpeg.encode({ data, width: W, height: H }, 85).data
}

/** The JS the scanner page loads before its decoder: the entry, its modulepreloads and their static imports. */
function pageWeight (): { js: Array<[string, number, number]>, css: Array<[string, number, number]>, worker: Array<[string, number, number]>, lazy: string[] } {
  const html = readFileSync(join(H5_DIR, 'scanner/index.html'), 'utf8')
  const file = (url: string): string => join(H5_DIR, url.replace(/^\/h5\//, ''))
  const sized = (url: string): [string, number, number] => { const b = readFileSync(file(url)); return [url.replace(/^\/h5\/assets\//, ''), b.length, gzipSync(b, { level: 9 }).length] }
  const queue = [...html.matchAll(/<script[^>]*\bsrc="([^"]+)"|<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)].map((m) => (m[1] ?? m[2]) as string)
  const css = [...html.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map((m) => m[1] as string)
  const seen = new Set<string>()
  const lazy = new Set<string>()
  const workers = new Set<string>()
  while (queue.length > 0) {
    const url = queue.shift() as string
    if (seen.has(url)) continue
    seen.add(url)
    const text = readFileSync(file(url), 'utf8')
    const dirUrl = url.slice(0, url.lastIndexOf('/') + 1)
    for (const m of text.matchAll(/(?:^|[;\n}])\s*(?:import|export)\s*(?:[\w$*{}\s,]+from\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g)) queue.push(new URL(m[1] as string, `http://x${dirUrl}`).pathname)
    for (const m of text.matchAll(/import\(\s*["'](\.{1,2}\/[^"']+\.js)["']\s*\)/g)) lazy.add(new URL(m[1] as string, `http://x${dirUrl}`).pathname)
    for (const m of text.matchAll(/qr-worker-[\w-]+\.js/g)) workers.add(`/h5/assets/${m[0]}`)
  }
  return { js: [...seen].map(sized), css: css.map(sized), worker: [...workers].map(sized), lazy: [...lazy].filter((u) => !seen.has(u)) }
}

interface Load { form: number, fcp: number, load: number, html: number, dcl: number, idbCalled: number, idbOpened: number, wall: number }

async function coldLoad (browser: Browser, url: string, form: boolean): Promise<Load> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, locale: 'zh-CN' })
  try {
    await context.addInitScript({ content: LOAD_PROBE })
    const page = await context.newPage()
    const started = performance.now()
    await page.goto(url, { waitUntil: 'load' })
    if (form) await page.locator('input[name=username]').waitFor({ state: 'visible' })
    const wall = performance.now() - started
    const m = await page.evaluate(() => {
      const l = (window as unknown as { __load: Record<'form' | 'fcp' | 'idbCalled' | 'idbOpened', number | null> }).__load
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined
      return { form: l.form ?? NaN, fcp: l.fcp ?? NaN, idbCalled: l.idbCalled ?? NaN, idbOpened: l.idbOpened ?? NaN, load: nav?.loadEventEnd ?? NaN, html: nav?.responseEnd ?? NaN, dcl: nav?.domContentLoadedEventEnd ?? NaN }
    })
    return { ...m, wall }
  } finally {
    await context.close()
  }
}

/** Pairs each marker onset with the verdict that followed it, the decode that found it and the POST it caused. */
function samplesOf (p: Probe, scans: Array<{ start: number, end: number }>, from: number, to: number): { samples: Sample[], missed: number } {
  const samples: Sample[] = []
  let missed = 0
  const onsets = p.onsets.filter((o) => o.at >= from && o.at < to)
  for (let i = 0; i < onsets.length; i++) {
    const o = onsets[i] as Probe['onsets'][number]
    const next = p.onsets.find((x) => x.at > o.at)?.at ?? Infinity
    const dialog = p.dialogs.find((d) => d.at > o.at && d.at < next)
    if (dialog === undefined) { if (next !== Infinity && next < to) missed++; continue }
    if (dialog.at > to) continue
    const decode = p.decodes.find((d) => d.at > o.at && d.at <= dialog.at)
    if (decode === undefined) { missed++; continue }
    const post = scans.find((s) => s.start >= decode.at && s.start <= dialog.at)
    samples.push({
      total: dialog.at - o.at,
      grab: decode.at - decode.ms - o.at,
      decode: decode.ms,
      beforePost: post !== undefined ? post.start - decode.at : NaN,
      post: post !== undefined ? post.end - post.start : NaN,
      afterPost: post !== undefined ? dialog.at - post.end : NaN,
      local: dialog.at - decode.at,
      paint: dialog.painted !== null ? dialog.painted - dialog.at : NaN,
      text: dialog.text
    })
  }
  return { samples, missed }
}

async function probe (page: Page): Promise<Probe> {
  return page.evaluate(() => (window as unknown as { __bench: Probe }).__bench)
}

try {
  const started = Date.now()
  const chromiumVersion = spawnSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).stdout.trim()
  console.log(`gridpass pages benchmark — ${new Date().toISOString()}${QUICK ? ' (--quick)' : ''}`)
  console.log(`  machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, node ${process.version}, ${chromiumVersion || 'Chromium ?'}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)

  // 0. The pages, and the service serving them.
  if (!args['no-build']) {
    const t0 = Date.now()
    const r = spawnSync('npx', ['vite', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] })
    if (r.status !== 0) throw new Error('vite build failed')
    console.log(`  built the pages (vite build) in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  }
  if (!existsSync(join(H5_DIR, 'scanner/index.html'))) throw new Error(`${H5_DIR}/scanner/index.html is missing: run without --no-build, or npm run build:web`)

  const ADMIN_PASSWORD = 'bench-admin-password'
  const config: Config = {
    ...loadConfig({}),
    databaseUrl: `file:${join(dir, 'gridpass.db')}`,
    keysDir: join(dir, 'keys'),
    auditAnchorFile: join(dir, 'audit-anchor.log'),
    adminPassword: ADMIN_PASSWORD,
    devOtp: true,
    logger: false,
    maxEventLoopDelayMs: 0,
    // The codes shown to the camera must stay valid for the whole run.
    codeTtlSeconds: 3600
  }
  const app = await buildApp(config)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
  const api = async (method: 'GET' | 'POST' | 'PUT', url: string, token: string | null, payload?: object): Promise<any> => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const res = await app.inject({ method, url, payload, headers: token !== null ? { authorization: `Bearer ${token}` } : {} })
    if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`)
    return res.json()
  }
  const admin = (await api('POST', '/v1/auth/login', null, { username: 'admin', password: ADMIN_PASSWORD })).accessToken as string
  const checkpointId = (await api('POST', '/v1/checkpoints', admin, { name: '陆城高速卡口', kind: 'traffic' })).id as string
  const volunteer = { username: 'bench-volunteer', password: 'bench-volunteer-pw' }
  await api('POST', '/v1/users', admin, { ...volunteer, role: 'volunteer', checkpointIds: [checkpointId] })
  const codes: Code[] = []
  for (let i = 0; i < RESIDENTS; i++) {
    const phone = `139${String(Date.now() % 1e5).padStart(5, '0')}${String(i).padStart(3, '0')}`
    const otp = await api('POST', '/v1/auth/otp', null, { phone })
    const resident = (await api('POST', '/v1/auth/otp/verify', null, { phone, code: otp.devCode })).accessToken as string
    const body = `420581199${i % 10}0${1 + (i % 9)}1${i % 10}${String(100 + i).padStart(3, '0')}`
    await api('PUT', '/v1/me/profile', resident, { name: '欧阳娜娜', idNumber: body + checkCharacter(body) })
    codes.push(codeOf((await api('GET', '/v1/me/code', resident)).token as string))
  }
  const c0 = codes[0] as Code
  console.log(`  ${RESIDENTS} residents' live codes from GET /v1/me/code: ${c0.text.length} characters, QR version ${c0.version}, EC level M, ${c0.size}×${c0.size} modules`)

  // 4. The page's weight (first: it reads files only).
  const weight = pageWeight()
  const sum = (xs: Array<[string, number, number]>, i: 1 | 2): number => xs.reduce((a, x) => a + x[i], 0)
  const served = await fetch(`${base}/h5/assets/${weight.js[0]?.[0] ?? ''}`, { headers: { 'accept-encoding': 'gzip, br' } })
  const encoding = served.headers.get('content-encoding') ?? 'none'

  // 1. Decoders, in a worker of a bench page.
  const workerBundle = (await build({
    stdin: { contents: WORKER_SOURCE, resolveDir: ROOT, loader: 'js', sourcefile: 'bench-worker.js' },
    bundle: true, format: 'esm', platform: 'browser', target: 'es2020', write: false, minify: true, logLevel: 'error'
  })).outputFiles[0]?.contents as Uint8Array
  const wasm = readFileSync(join(ROOT, 'node_modules/zxing-wasm/dist/reader/zxing_reader.wasm'))
  benchServer = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const body = path === '/bench/' ? Buffer.from(BENCH_PAGE) : path === '/bench/worker.js' ? Buffer.from(workerBundle) : path === '/bench/zxing_reader.wasm' ? wasm : null
    if (body === null) { res.statusCode = 404; res.end(); return }
    res.setHeader('content-type', path.endsWith('.wasm') ? 'application/wasm' : path.endsWith('.js') ? 'text/javascript' : 'text/html; charset=utf-8')
    res.end(body)
  })
  await new Promise<void>((ok) => (benchServer as Server).listen(0, '127.0.0.1', ok))
  const benchBase = `http://127.0.0.1:${(benchServer.address() as { port: number }).port}`

  const browser = await launch()
  browsers.push(browser)
  const benchPage = await (await browser.newContext()).newPage()
  const outside: string[] = []
  benchPage.on('request', (r) => { if (!r.url().startsWith(benchBase)) outside.push(r.url()) })
  await benchPage.goto(`${benchBase}/bench/`)
  await benchPage.waitForFunction(() => (window as unknown as { benchReady?: boolean }).benchReady === true)
  const info = await benchPage.evaluate((cs) => (window as unknown as { benchPrepare: (c: Code[]) => Promise<{ mainNative: boolean, worker: { present: boolean, formats: string[], error?: string } }> }).benchPrepare(cs), codes)
  if (args.keep) {
    for (const kind of ['clean', 'rough', 'empty', 'noisy']) {
      const png = await benchPage.evaluate(([c, k]) => (window as unknown as { benchSample: (c: Code, k: string) => Promise<string> }).benchSample(c, k), [c0, kind] as [Code, string])
      writeFileSync(join(dir, `frame-${kind}.png`), Buffer.from(png, 'base64'))
    }
  }
  const nativeQr = info.worker.present && info.worker.formats.includes('qr_code')
  const decoders: Array<[string, string]> = [['jsqr', 'jsQR, inversionAttempts dontInvert (the page\'s fallback)'], ['jsqrBoth', 'jsQR, inversionAttempts attemptBoth'], ['zxing', 'zxing-wasm reader, tryHarder false']]
  if (nativeQr) decoders.push(['native', 'native BarcodeDetector'])
  const SETS: Array<[string, number, string]> = [['clean', DECODE_S, 'clean'], ['rough', DECODE_S * 0.3, 'in perspective, blurred, ±8 noise'], ['empty', DECODE_S * 0.25, 'no code, ±8 noise'], ['noisy', DECODE_S * 0.25, 'no code, ±16 noise']]
  const decodeRuns = new Map<string, DecodeRun>()
  const db = bar('decoders', decoders.length * SETS.length, 'runs')
  for (const [set, seconds] of SETS) {
    for (const [decoder] of decoders) {
      const r = await benchPage.evaluate(([d, s, dur]) => (window as unknown as { benchRun: (d: string, s: string, ms: number, w: number) => Promise<DecodeRun> }).benchRun(d, s, dur, 600), [decoder, set, seconds * 1000] as [string, string, number])
      decodeRuns.set(`${decoder}/${set}`, r)
      db.increment()
    }
  }
  db.stop()
  if (outside.length > 0) console.log(`  warning: the bench page fetched from elsewhere: ${outside.join(', ')}`)

  // 3. First load with a cold cache: a new context (no HTTP cache, no service worker) each time.
  await coldLoad(browser, `${base}/healthz`, false)
  const loads = { scanner: [] as Load[], healthz: [] as Load[] }
  const lb = bar('cold loads', LOADS * 2, 'loads')
  for (let i = 0; i < LOADS; i++) {
    loads.scanner.push(await coldLoad(browser, `${base}/h5/scanner/`, true))
    lb.increment()
    loads.healthz.push(await coldLoad(browser, `${base}/healthz`, false))
    lb.increment()
  }
  lb.stop()
  await browser.close()

  // 2. Code in front of the camera → verdict on screen. The video: grey, then code i with the marker, for 20 codes.
  const grey = jpegFrame(null)
  const parts: Buffer[] = []
  for (const code of codes) {
    const f = jpegFrame(code)
    for (let i = 0; i < GREY_FRAMES; i++) parts.push(grey)
    for (let i = 0; i < CODE_FRAMES; i++) parts.push(f)
  }
  const video = join(dir, 'camera.mjpeg')
  writeFileSync(video, Buffer.concat(parts))
  const camera = await launch({ fakeCamera: video })
  browsers.push(camera)
  const context = await camera.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, locale: 'zh-CN' })
  await context.grantPermissions(['camera'], { origin: base })
  await context.addInitScript({ content: SCANNER_PROBE })
  const page = await context.newPage()
  const pageErrors: string[] = []
  page.on('pageerror', (err) => { pageErrors.push(String(err)) })
  await page.goto(`${base}/h5/scanner/`)
  await page.getByLabel('用户名').fill(volunteer.username)
  await page.getByLabel('密码').fill(volunteer.password)
  await page.getByRole('button', { name: '登录', exact: true }).click()
  await page.getByText('状态名单：刚刚更新').waitFor()
  await page.waitForFunction(() => { const v = document.querySelector('video'); return v !== null && v.videoWidth > 0 })
  await page.evaluate(() => { (window as unknown as { benchWatch: () => void }).benchWatch() })
  const lat = bar('code → verdict', SAMPLES * 2, 'samples')
  /** Waits until `count` verdicts followed onsets after `from`, or no verdict came for 20 s. */
  const collect = async (from: number, want: number, progress: number): Promise<void> => {
    let last = -1
    let lastChange = Date.now()
    for (;;) {
      const p = await probe(page)
      const n = p.dialogs.filter((d) => d.at > from).length
      lat.update(Math.max(0, Math.min(progress + n, SAMPLES * 2)))
      if (n >= want) return
      if (n !== last) { last = n; lastChange = Date.now() }
      if (Date.now() - lastChange > 20_000) return
      await page.waitForTimeout(200)
    }
  }
  await collect(0, SAMPLES + WARM_CYCLES, -WARM_CYCLES)
  const afterWarm = (await probe(page)).onsets[WARM_CYCLES]?.at ?? 0
  await context.setOffline(true)
  await page.waitForFunction(() => (window as unknown as { __bench: Probe }).__bench.offlineAt !== null)
  const offlineAt = (await probe(page)).offlineAt as number
  await collect(offlineAt, SAMPLES, SAMPLES)
  lat.stop()
  const p = await probe(page)
  const scans = await page.evaluate(() => (window as unknown as { benchScans: () => Array<{ start: number, end: number }> }).benchScans())
  const online = samplesOf(p, scans, afterWarm, offlineAt)
  const offline = samplesOf(p, scans, offlineAt, Infinity)
  online.samples = online.samples.slice(0, SAMPLES)
  offline.samples = offline.samples.slice(0, SAMPLES)
  const onsetGaps = p.onsets.slice(1).map((o, i) => o.at - (p.onsets[i] as Probe['onsets'][number]).at)
  const cameraFps = (GREY_FRAMES + CODE_FRAMES) / (median(onsetGaps) / 1000)
  const pageDecoder = p.decodes[0]?.decoder ?? '?'
  const standIns = online.samples.filter((s) => /本机离线判定/.test(s.text)).length
  const notVerdicts = [...online.samples, ...offline.samples].filter((s) => !/通行/.test(s.text)).length
  if (args.keep) writeFileSync(join(dir, 'samples.json'), JSON.stringify({ online, offline, loads, probe: p, scans }, null, 1))
  await camera.close()
  await app.close()

  // Report.
  const run = (k: string): DecodeRun => decodeRuns.get(k) as DecodeRun
  const fps = (r: DecodeRun): number => r.frames / r.seconds
  const page0 = run('jsqr/clean')
  console.log('\n' + [
    row(['measurement', 'result', 'yardstick (same run)', 'target', '']),
    row(['---', '---:', '---', '---', '---']),
    ...SETS.flatMap(([set, seconds, what]) => decoders.map(([d, label]) => {
      const r = run(`${d}/${set}`)
      const yard = run(`jsqr/${set}`)
      const right = set === 'empty' || set === 'noisy' ? `${r.ok}/${r.frames} no false read` : `${r.ok}/${r.frames} read right`
      return row([`1. decode in a worker, 640×480, ${what}, ${fmt(seconds, 1)} s: ${label}`, `${fmt(fps(r), 1)} frames/s, median ${ms(median(r.times))} (p90 ${ms(quantile(r.times, 0.9))}); ${right}`,
        d === 'jsqr' ? '(the yardstick)' : `${fmt(fps(r) / fps(yard), 2)} × jsQR's`, set === 'clean' ? `≥ ${TARGET.fps} frames/s` : '', set === 'clean' ? verdict(fps(r) >= TARGET.fps) : ''])
    })),
    row(['1. native BarcodeDetector', nativeQr ? 'measured above' : `not in this browser (worker: ${info.worker.present ? `present, formats ${info.worker.formats.join(', ') || 'none'}` : 'absent'}; page: ${info.mainNative ? 'present' : 'absent'})`, '', '', '']),
    ...([['online: the server\'s verdict', online], ['offline: the phone\'s verdict', offline]] as const).map(([what, o]) => {
      const t = o.samples.map((s) => s.total)
      const decode = median(o.samples.map((s) => s.decode))
      const yard = what.startsWith('online') ? `decode alone ${ms(decode)}; POST /v1/scans round trip ${ms(median(o.samples.map((s) => s.post)))}` : `decode alone ${ms(decode)}`
      return row([`2. code in front of the camera → verdict on screen, ${what}`, `median **${ms(median(t))}** (p90 ${ms(quantile(t, 0.9))}, max ${ms(Math.max(...t))}) of ${t.length}, ${o.missed} missed`, yard, `≤ ${TARGET.latencyMs} ms`, verdict(median(t) <= TARGET.latencyMs)])
    }),
    row([`3. /h5/scanner/ first load, cold cache: login form in a frame / load event`, `median **${ms(median(loads.scanner.map((l) => l.form)))}** / ${ms(median(loads.scanner.map((l) => l.load)))} (FCP ${ms(median(loads.scanner.map((l) => l.fcp)))}; Playwright's goto → visible ${ms(median(loads.scanner.map((l) => l.wall)))}), of ${LOADS}`,
      `/healthz load event ${ms(median(loads.healthz.map((l) => l.load)))} (goto ${ms(median(loads.healthz.map((l) => l.wall)))})`, `≤ ${fmt(TARGET.loadMs)} ms`, verdict(median(loads.scanner.map((l) => l.form)) <= TARGET.loadMs && median(loads.scanner.map((l) => l.load)) <= TARGET.loadMs)]),
    row([`4. scanner page JS before the decoder, gzip -9 (${weight.js.length} files)`, `**${kib(sum(weight.js, 2))}** (raw ${kib(sum(weight.js, 1))})`, `served with content-encoding: ${encoding}`, `≤ ${TARGET.jsKiB} KiB`, verdict(sum(weight.js, 2) <= TARGET.jsKiB * 1024)]),
    row([`4. … its CSS, gzip -9 (${weight.css.length} files)`, `${kib(sum(weight.css, 2))} (raw ${kib(sum(weight.css, 1))})`, '', '', '']),
    row([`4. … the decoder worker chunk (zxing-wasm's JS and jsQR), gzip -9`, `${kib(sum(weight.worker, 2))} (raw ${kib(sum(weight.worker, 1))})`, `+ zxing_reader.wasm ${kib(gzipSync(wasm, { level: 9 }).length)} gzip (raw ${kib(wasm.length)}), fetched by the worker after login`, '', ''])
  ].join('\n'))

  const parts2 = (o: typeof online, keys: Array<[keyof Sample, string]>): string => keys.map(([k, label]) => `${label} ${ms(median(o.samples.map((s) => s[k] as number)))}`).join(', ')
  console.log(`\n  where the time goes (medians): online: ${parts2(online, [['grab', 'code on camera → its frame taken by the decoder'], ['decode', 'decode'], ['beforePost', 'queue in IndexedDB + local check'], ['post', 'POST /v1/scans'], ['afterPost', 'answer → dialog'], ['paint', 'dialog → next frame']])}`)
  console.log(`  offline: ${parts2(offline, [['grab', 'code on camera → its frame taken by the decoder'], ['decode', 'decode'], ['local', 'queue + local check → dialog'], ['paint', 'dialog → next frame']])}`)
  const ld = (k: keyof Load, of: Load[] = loads.scanner): string => ms(median(of.map((l) => l[k])))
  console.log(`  first load (medians, from the start of navigation): the HTML ${ld('html')} (/healthz's ${ld('html', loads.healthz)}), FCP ${ld('fcp')}, DOMContentLoaded ${ld('dcl')}, load event ${ld('load')}, IndexedDB opened ${ld('idbCalled')} → ready ${ld('idbOpened')}, login form ${ld('form')}`)
  console.log(`  the page decoded with ${pageDecoder}, ${p.attempts} frames tried; camera ${fmt(cameraFps, 1)} frames/s measured (30 nominal), ${p.videoFrames} frames seen; a code appears at the earliest of its frame's ${p.onsets[0]?.captured === true ? 'capture time, ' : ''}presentation time and requestVideoFrameCallback`)
  if (standIns > 0) console.log(`  note: ${standIns} online verdicts were the phone's stand-in (the server took over 1.5 s)`)
  if (notVerdicts > 0) console.log(`  warning: ${notVerdicts} dialogs were not verdicts`)
  if (pageErrors.length > 0) console.log(`  warning: script errors on the scanner page: ${pageErrors.join('; ')}`)
  console.log(`  JS files: ${weight.js.map(([f, , g]) => `${f} ${kib(g)}`).join(', ')}${weight.lazy.length > 0 ? `; loaded later: ${weight.lazy.join(', ')}` : ''}`)

  const zx = run('zxing/clean')
  const zxRough = run('zxing/rough')
  const jsRough = run('jsqr/rough')
  const faster = fps(zx) / fps(page0)
  const noisy = `; on frames with no code and ±16 noise jsQR takes ${ms(median(run('jsqr/noisy').times))} a frame, zxing-wasm ${ms(median(run('zxing/noisy').times))}`
  const recommendation = faster >= 1.5 && zx.ok >= page0.ok && zxRough.ok / zxRough.frames >= jsRough.ok / jsRough.frames
    ? `zxing-wasm: ${fmt(faster, 1)} × jsQR's frames/s on our clean codes, ${zxRough.ok}/${zxRough.frames} read in perspective against jsQR's ${jsRough.ok}/${jsRough.frames}${noisy} (its wasm: ${kib(gzipSync(wasm, { level: 9 }).length)} gzip more to load, after login)`
    : `jsQR stays: zxing-wasm is ${fmt(faster, 2)} × its frames/s on our clean codes${noisy}`
  console.log(`  decoder the figures recommend for the scanner: ${recommendation}; the page uses ${pageDecoder}`)
  console.log(`\n  ${SAMPLES} samples per mode, ${LOADS} loads, ${fmt(DECODE_S, 1)} s per clean decode run; ${((Date.now() - started) / 1000).toFixed(0)} s in all, load average now ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
} finally {
  for (const b of browsers) await b.close().catch(() => undefined)
  benchServer?.close()
  if (!args.keep) rmSync(dir, { recursive: true, force: true })
  else console.log(`  kept ${dir}`)
}

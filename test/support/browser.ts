// Real Chromium for page tests (Debian's package, driven by playwright-core). Missing: fail in CI, skip on a laptop.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chromium, type Browser, type Page } from 'playwright-core'

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter((p): p is string => p !== undefined && p !== '')
const IN_CI = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false'

export function chromiumPath (): string | undefined {
  return CANDIDATES.find((p) => existsSync(p))
}

/** Why page tests cannot run here, or undefined when they can. Throws in CI: there they must run. */
export function browserSkipReason (): string | undefined {
  if (chromiumPath() !== undefined) return undefined
  const why = `no Chromium found (tried ${CANDIDATES.join(', ')}; apt-get install chromium, or set CHROMIUM_PATH)`
  if (IN_CI) throw new Error(`page tests must run in CI: ${why}`)
  return why
}

export interface LaunchOptions {
  /** A .y4m (or .mjpeg) file Chromium's fake camera plays in a loop, as the rear camera a page asks for. */
  fakeCamera?: string
}

export async function launch (opts: LaunchOptions = {}): Promise<Browser> {
  const camera = opts.fakeCamera === undefined
    ? []
    : ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${opts.fakeCamera}`]
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // The machine has no network beyond localhost: keep Chromium from trying.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', ...camera]
  })
  // Tests run through tsx, whose esbuild keeps function names by wrapping them in __name(…): a function a test hands
  // to page.evaluate arrives in the page with those calls in it. Every context and page defines the helper first.
  const newContext = browser.newContext.bind(browser)
  browser.newContext = async (...args) => {
    const context = await newContext(...args)
    await context.addInitScript(NAME_SHIM)
    return context
  }
  browser.newPage = async (...args) => {
    const context = await browser.newContext(...args)
    const page = await context.newPage()
    // A page owned by its own context closes that context with it, as Playwright's own newPage does. When the page
    // closed because its browser is closing, the context goes with the browser and closing it again is refused
    // ('Target page, context or browser has been closed'): that refusal is expected, not an unhandled rejection
    // that would fail whichever test happens to be running.
    page.once('close', () => { context.close().catch(() => {}) })
    return page
  }
  return browser
}

/** esbuild's keepNames helper, defined before any page script runs (see launch). */
const NAME_SHIM = 'globalThis.__name ??= (fn) => fn'

/**
 * Turns a PNG (a screenshot of a code) into a .y4m video Chromium's fake camera can play: the image centred on a
 * grey 640x480 frame, for `seconds`, with ffmpeg from Debian. Returns the file's path.
 */
export async function pngToY4m (png: string, out: string, seconds = 2): Promise<string> {
  const { execFile } = await import('node:child_process')
  await new Promise<void>((resolve, reject) => {
    execFile('ffmpeg', ['-y', '-loglevel', 'error', '-loop', '1', '-i', png, '-t', String(seconds), '-r', '10',
      '-vf', 'scale=400:400:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2:color=gray', '-pix_fmt', 'yuv420p', out],
    (err, _stdout, stderr) => { if (err !== null) reject(new Error(`ffmpeg: ${stderr || err.message}`)); else resolve() })
  })
  return out
}

/** ffmpeg is needed for the camera tests: missing, they fail in CI and skip on a laptop. */
export function ffmpegSkipReason (): string | undefined {
  const { status } = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' })
  if (status === 0) return undefined
  const why = 'no ffmpeg found (apt-get install ffmpeg): the fake camera needs a .y4m video'
  if (IN_CI) throw new Error(`camera tests must run in CI: ${why}`)
  return why
}

/**
 * Logs in on a phone page's login form with the dev-mode code the page shows; `w` holds the form's words in the
 * page's language (the phone and code labels, the send button).
 */
export async function phoneLogin (page: Page, phone: string, w: { phone: string, send: string, code: string }): Promise<void> {
  await page.getByLabel(w.phone, { exact: true }).fill(phone)
  await page.getByRole('button', { name: w.send }).click()
  const dev = page.getByRole('status').filter({ hasText: /\d{6}/ })
  await dev.waitFor()
  const code = /(\d{6})/.exec(await dev.innerText())?.[1] as string
  await page.getByLabel(w.code, { exact: true }).fill(code)
  await page.getByLabel(w.code, { exact: true }).press('Enter')
}

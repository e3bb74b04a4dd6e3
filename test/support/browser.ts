// Real Chromium for page tests (Debian's package, driven by playwright-core). Missing: fail in CI, skip on a laptop.
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

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

export async function launch (): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // The machine has no network beyond localhost: keep Chromium from trying.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage']
  })
}

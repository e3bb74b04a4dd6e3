// vue-i18n for every page: zh-CN first, en; the choice is kept on the device. Pages add their own messages.
import { createI18n } from 'vue-i18n'
import { shared } from './messages.ts'

export type Locale = 'zh-CN' | 'en'
const KEY = 'gp.lang'

export function savedLocale (): Locale {
  try { return localStorage.getItem(KEY) === 'en' ? 'en' : 'zh-CN' } catch { return 'zh-CN' }
}

type Messages = Record<Locale, Record<string, unknown>>

function merge (a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a }
  for (const [k, v] of Object.entries(b)) {
    out[k] = v !== null && typeof v === 'object' && typeof out[k] === 'object' ? merge(out[k] as Record<string, unknown>, v as Record<string, unknown>) : v
  }
  return out
}

export function makeI18n (page: Messages) {
  const locale = savedLocale()
  document.documentElement.lang = locale
  return createI18n({
    legacy: false,
    locale,
    fallbackLocale: 'zh-CN',
    messages: { 'zh-CN': merge(shared['zh-CN'], page['zh-CN']), en: merge(shared.en, page.en) } as never,
    missingWarn: false,
    fallbackWarn: false
  })
}

export function saveLocale (locale: Locale): void {
  try { localStorage.setItem(KEY, locale) } catch { /* private mode: the choice lasts this visit */ }
  document.documentElement.lang = locale
}

// Server answers as words in the page's language: a colour's reasons (the server's own sentence in that language, or
// the rule's words), and an error answer's code and field as a message key. Never a rule id or a GP_ code on screen.
import { errorKey } from '../shared/api.ts'
import type { Reason } from './types.ts'

type T = (key: string, values?: Record<string, unknown>) => string
type Te = (key: string) => boolean

/** Text that still looks like an id (high_risk_travel, GP_CONFLICT, body.x) is not words. */
const RAW = /GP_[A-Z]|[a-z]+_[a-z]+|\bbody\.|must match/

export function ruleWords (t: T, te: Te, rule: string): string {
  return /^[a-z_]+$/.test(rule) && te(`rule.${rule}`) ? t(`rule.${rule}`) : t('rule.other')
}

export function reasonWords (t: T, te: Te, locale: string, reason: Reason): string {
  const server = locale === 'en' ? reason.text : reason.textZh
  if (typeof server === 'string' && server.trim() !== '' && !RAW.test(server) && (locale === 'en' || /[\u4e00-\u9fff]/.test(server))) return server
  return ruleWords(t, te, reason.rule)
}

interface ErrBody { code?: string, message?: string }

/** The message key of a refused screening: conflicts and the fields it names get their own words. */
export function screeningError (error: unknown, status: number): string {
  const body = (error ?? {}) as ErrBody
  if (status === 409) return 'screen.conflict'
  if (body.code === 'GP_VALIDATION' && typeof body.message === 'string') {
    if (body.message.startsWith('body.roundId')) return 'screen.badRound'
    if (/^body\.members\[\d+\]\.personId/.test(body.message)) return 'screen.badMember'
    if (/^body\.members\[\d+\]\.returnedAt/.test(body.message)) return 'screen.futureDate'
    if (/^body\.members\[\d+\]\.returnedFrom/.test(body.message)) return 'screen.needFrom'
    if (/^body\.members\[\d+\]\.temperature/.test(body.message)) return 'error.field.temperature'
    if (/^body\.members\[\d+\]\.plate/.test(body.message)) return 'error.field.plate'
  }
  return errorKey(error, status)
}

/** The message key of a refused registration: an ID number registered already is said as such. */
export function registerError (error: unknown, status: number): string {
  if (status === 409) return 'register.conflict'
  return errorKey(error, status)
}

/** A time as the page writes it, in the phone's clock: 2026-03-01 15:00. */
export function formatTime (iso: string): string {
  const d = new Date(iso)
  const p = (n: number): string => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`
}

// Server ids (rules, audit actions, roles, actors) as words in the page's language, never the raw id.
type T = (key: string, values?: Record<string, unknown>) => string
type Te = (key: string) => boolean

export function ruleWords (t: T, te: Te, rule: string): string {
  const ended = /^(.+) ended$/.exec(rule)
  if (ended !== null) return t('rule.ended', { rule: ruleWords(t, te, ended[1] as string) })
  return /^[a-z_]+$/.test(rule) && te(`rule.${rule}`) ? t(`rule.${rule}`) : t('rule.other')
}

export function actionWords (t: T, te: Te, action: string): string {
  const refused = action.endsWith('.refused')
  const base = refused ? action.slice(0, -'.refused'.length) : action
  const words = /^[a-z_]+\.[a-z_]+$/.test(base) && te(`action.${base}`) ? t(`action.${base}`) : t('action.other')
  return refused ? t('action.refused', { action: words }) : words
}

export function roleWords (t: T, te: Te, role: string): string {
  return /^[a-z]+$/.test(role) && te(`role.${role}`) ? t(`role.${role}`) : t('role.other')
}

/**
 * Who set a colour: the system, the person's own declaration, or staff by role, with whoever confirmed a four-eyes
 * change ("officer, confirmed by officer and admin" → 卫生健康人员（经卫生健康人员、管理员复核）). Anything else (an old entry's
 * account names) is "a staff member": an account name is never shown.
 */
export function actorWords (t: T, te: Te, actor: string): string {
  if (actor === 'system' || actor === 'self-declaration') return t(`actor.${actor}`)
  const m = /^([a-z]+)(?:, confirmed by ([a-z]+(?: and [a-z]+)*))?$/.exec(actor)
  if (m === null) return t('actor.staff')
  const who = roleWords(t, te, m[1] as string)
  if (m[2] === undefined) return who
  const by = m[2].split(' and ').map((r) => roleWords(t, te, r)).join(t('actor.and'))
  return t('actor.confirmed', { who, by })
}

export function formatTime (iso: string | null | undefined, seconds = false): string {
  if (iso === null || iso === undefined) return '—'
  const d = new Date(iso)
  const p = (n: number): string => String(n).padStart(2, '0')
  const s = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`
  return seconds ? `${s}:${p(d.getSeconds())}` : s
}

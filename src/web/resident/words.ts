// Server ids (rules, audit actions, roles, actors) as words in the page's language, never the raw id.
type T = (key: string, values?: Record<string, unknown>) => string
type Te = (key: string) => boolean

export function ruleWords (t: T, te: Te, rule: string): string {
  const ended = /^(.+) ended$/.exec(rule)
  if (ended !== null) return t('rule.ended', { rule: ruleWords(t, te, ended[1] as string) })
  return /^[a-z_]+$/.test(rule) && te(`rule.${rule}`) ? t(`rule.${rule}`) : t('rule.other')
}

export function actionWords (t: T, te: Te, action: string): string {
  if (action.endsWith('.out_of_scope')) return t('action.outOfScope', { action: actionWords(t, te, action.slice(0, -'.out_of_scope'.length)) })
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

/** A window as the page writes it: "2026-03-01 15:00–17:00" (the end's day only when it differs), in the phone's clock. */
export function formatWindow (from: string, to: string): string {
  const a = formatTime(from)
  const b = formatTime(to)
  return `${a}–${b.slice(0, 10) === a.slice(0, 10) ? b.slice(11) : b}`
}

/** A site_exposure reason's sentence: the place and the window, in the page's language. */
export function siteWords (t: T, site: { checkpointName: string, from: string, to: string }): string {
  return t('why.site', { place: site.checkpointName, window: formatWindow(site.from, site.to) })
}

/** A four-eyes action id as words (case.site → 确认涉疫场所); an unknown one as "a measure". */
function changeWords (t: T, te: Te, action: string): string {
  const key = `purpose.change.${action.replace('.', '_')}`
  return /^[a-z_]+\.[a-z_]+$/.test(action) && te(key) ? t(key) : t('purpose.change.other')
}

const ISO = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?Z'
/** The service's own purposes (cases, four eyes, manual changes), each with what turns it into words. */
const PURPOSES: Array<[RegExp, (t: T, te: Te, m: RegExpExecArray) => string]> = [
  [/^case (\S+)$/, (t, _te, m) => t('purpose.case', { id: m[1] })],
  [/^screening \S+, round \S+$/, (t) => t('purpose.screening')],
  [/^case (\S+): open$/, (t, _te, m) => t('purpose.caseOpen', { id: m[1] })],
  [/^case (\S+): close$/, (t, _te, m) => t('purpose.caseClose', { id: m[1] })],
  [/^case (\S+): closed$/, (t, _te, m) => t('purpose.caseClosed', { id: m[1] })],
  [/^case (\S+), degree ([12])$/, (t, _te, m) => t('purpose.caseDegree', { id: m[1], degree: t(`purpose.degree${m[2] as string}`) })],
  [/^case (\S+): mark (\d+) contact\(s\), degree ([12])$/, (t, _te, m) => t('purpose.caseMark', { id: m[1], n: m[2], degree: t(`purpose.degree${m[3] as string}`) })],
  [/^case (\S+): marking (\d+) close contact\(s\)$/, (t, _te, m) => t('purpose.caseMarking', { id: m[1], n: m[2] })],
  [new RegExp(`^case (\\S+): site (.+) (${ISO})/(${ISO})(?:, (\\d+) (?:person|people))?$`), (t, _te, m) => {
    const site = t('purpose.caseSite', { id: m[1], place: m[2], window: formatWindow(m[3] as string, m[4] as string) })
    return m[5] === undefined ? site : `${site}${t('purpose.people', { n: m[5] })}`
  }],
  [/^change (\S+): manual change to (green|yellow|red)$/, (t, _te, m) => t('purpose.manual', { color: t(`color.${m[2] as string}`) })],
  [/^change (\S+): ([a-z_]+\.[a-z_]+)(?: of case (\S+))?, confirmation (\d+) of (\d+)(, applied)?$/, (t, te, m) => {
    const what = changeWords(t, te, m[2] as string)
    const step = t('purpose.confirmation', { what, n: m[4], of: m[5] })
    return m[3] === undefined ? step : `${t('purpose.case', { id: m[3] })}${t('purpose.sep')}${step}`
  }],
  [/^change (\S+): ([a-z_]+\.[a-z_]+)(?: of case (\S+))?$/, (t, te, m) => {
    const what = changeWords(t, te, m[2] as string)
    return m[3] === undefined ? what : `${t('purpose.case', { id: m[3] })}${t('purpose.sep')}${what}`
  }]
]

/**
 * Why staff read or changed the person's data, in the page's language: the service's own purposes ("case X: open",
 * "change Y: manual change to red", …) as words; what staff typed themselves (a case number, a visit) as typed.
 */
export function purposeWords (t: T, te: Te, purpose: string): string {
  const over = / \(over the daily limit of (\d+) reds: two confirmations\)$/.exec(purpose)
  const base = over === null ? purpose : purpose.slice(0, over.index)
  const tail = over === null ? '' : t('purpose.overLimit', { n: over[1] })
  for (const [re, words] of PURPOSES) {
    const m = re.exec(base)
    if (m !== null) return `${words(t, te, m)}${tail}`
  }
  return `${base}${tail}`
}

export function formatTime (iso: string | null | undefined, seconds = false): string {
  if (iso === null || iso === undefined) return '—'
  const d = new Date(iso)
  const p = (n: number): string => String(n).padStart(2, '0')
  const s = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`
  return seconds ? `${s}:${p(d.getSeconds())}` : s
}

// The colour rules: a person's colour at any moment is the most severe colour of the entries active then.
export type ColorName = 'green' | 'yellow' | 'red'
export const SEVERITY: Record<ColorName, number> = { green: 0, yellow: 1, red: 2 }
const DAY = 86_400_000

export const RULES = {
  case_confirmed: { color: 'red', text: 'Confirmed case: a health officer opened a case', textZh: '确诊病例（卫生健康人员已立案）' },
  close_contact: { color: 'red', days: 14, text: 'Close contact of a confirmed case: red for 14 days after the last encounter', textZh: '密切接触者：最后一次接触后 14 天内为红码' },
  secondary_contact: { color: 'yellow', days: 7, text: 'Contact of a close contact: yellow for 7 days after marking', textZh: '次密切接触者：标记后 7 天内为黄码' },
  declared_contact: { color: 'red', days: 14, text: 'You declared contact with a confirmed case: red for 14 days', textZh: '本人申报接触过确诊病例：14 天内为红码' },
  high_risk_travel: { color: 'red', days: 14, text: 'You declared a visit to a high-risk area: red for 14 days', textZh: '本人申报去过中高风险地区：14 天内为红码' },
  symptoms: { color: 'yellow', days: 7, text: 'You declared a temperature of 37.3 °C or more, or a symptom: yellow for 7 days after the last such declaration', textZh: '本人申报体温 ≥ 37.3 °C 或有症状：最后一次此类申报后 7 天内为黄码' },
  site_exposure: { color: 'yellow', days: 7, text: 'Present at an exposure site of a confirmed case: yellow for 7 days after the site window ends', textZh: '到过确诊病例的涉疫场所：场所时段结束后 7 天内为黄码' },
  manual: { color: null, text: 'Set by a health officer', textZh: '由卫生健康人员人工设定' }
} as const
export type RuleId = keyof typeof RULES

/**
 * Who a staff action is attributed to on a status entry (actor, endedBy): each party as role:username, '+'-joined, the
 * requester first, then whoever confirmed it ("officer:alice+admin:bob"). Entries written before roles were recorded
 * hold bare usernames ("alice+bob").
 */
export const staffActor = (parties: Array<{ name: string, role: string }>): string => parties.map((p) => `${p.role}:${p.name}`).join('+')
const NOT_STAFF = new Set(['system', 'self-declaration'])
const partsOf = (actor: string): Array<{ role: string | null, name: string }> => actor.split('+').map((part) => {
  const m = /^([a-z]+):(.+)$/.exec(part)
  return m === null ? { role: null, name: part } : { role: m[1] as string, name: m[2] as string }
})
/** Staff views: the usernames, requester first ("alice+bob"). */
export const actorForStaff = (actor: string): string => (NOT_STAFF.has(actor) ? actor : partsOf(actor).map((p) => p.name).join('+'))
/**
 * The resident's view: roles, never usernames: "officer", "officer, confirmed by admin", "officer, confirmed by officer
 * and admin"; a party recorded without a role is "staff".
 */
export function actorForResident (actor: string): string {
  if (NOT_STAFF.has(actor)) return actor
  const [first, ...rest] = partsOf(actor).map((p) => p.role ?? 'staff')
  return rest.length === 0 ? first as string : `${first as string}, confirmed by ${rest.join(' and ')}`
}

export const ruleDuration = (rule: 'close_contact' | 'secondary_contact' | 'declared_contact' | 'high_risk_travel' | 'symptoms' | 'site_exposure'): number => RULES[rule].days * DAY

export interface Entry {
  id: string
  rule: string
  color: string
  since: number
  until: number | null
  endedAt: number | null
  endedBy: string | null
  actor: string
  reason: string | null
  /** JSON: what the entry is about (site_exposure: a SiteDetail); null or absent for the other rules. */
  detail?: string | null
}

/** The exposure site a site_exposure entry names: the place and the window (epoch ms). */
export interface SiteDetail { siteId: string, caseId: string, checkpointId: string, checkpointName: string, from: number, to: number }
/** The site as the resident reads it: place and window, never the case. */
export interface SitePlace { checkpointId: string, checkpointName: string, from: number, to: number }

export interface Reason { rule: string, text: string, textZh: string, since: number, until: number | null, site?: SitePlace }
export interface HistoryItem { at: number, color: ColorName, rule: string, actor: string, reason: string, reasonZh: string, site?: SitePlace }

/** Asia/Shanghai has no daylight saving: the window is written in its time, as the place's own clock shows it. */
const SHANGHAI_OFFSET = 8 * 3_600_000
const shanghai = (ms: number): { day: string, time: string } => {
  const s = new Date(ms + SHANGHAI_OFFSET).toISOString()
  return { day: s.slice(0, 10), time: s.slice(11, 16) }
}
/** "2026-03-01 10:00–11:30" (Asia/Shanghai); the end's day is written only when it differs. */
export function windowText (from: number, to: number): string {
  const a = shanghai(from)
  const b = shanghai(to)
  return `${a.day} ${a.time}–${b.day === a.day ? '' : `${b.day} `}${b.time}`
}

function siteOf (e: Entry): SitePlace | undefined {
  if (e.rule !== 'site_exposure' || e.detail === null || e.detail === undefined) return undefined
  try {
    const d = JSON.parse(e.detail) as SiteDetail
    return { checkpointId: d.checkpointId, checkpointName: d.checkpointName, from: d.from, to: d.to }
  } catch {
    return undefined
  }
}
/** A site_exposure entry's words, with the place and the window. */
export function siteText (site: SitePlace): { text: string, textZh: string } {
  const w = windowText(site.from, site.to)
  return {
    text: `Present at ${site.checkpointName} on ${w} (Beijing time), at the same time as a confirmed case: yellow for 7 days after the window ends`,
    textZh: `${w} 在 ${site.checkpointName} 与确诊病例同场：场所时段结束后 7 天内为黄码`
  }
}
/** The symptoms a declaration or a screening may name, in words (the API's ids are the keys of SYMPTOMS). */
export const SYMPTOM_WORDS: Record<string, { en: string, zh: string }> = {
  fever: { en: 'fever', zh: '发热' },
  cough: { en: 'cough', zh: '咳嗽' },
  fatigue: { en: 'fatigue', zh: '乏力' },
  sore_throat: { en: 'sore throat', zh: '咽痛' },
  shortness_of_breath: { en: 'shortness of breath', zh: '气促' },
  diarrhea: { en: 'diarrhoea', zh: '腹泻' },
  loss_of_taste_smell: { en: 'loss of taste or smell', zh: '嗅觉味觉减退' }
}

/**
 * What a door-to-door screening found, on the high_risk_travel and symptoms entries it wrote (detail JSON): the place
 * returned from and when, or the readings. The resident reads these words instead of the declaration's.
 */
export interface ScreeningDetail { screening: { id: string, roundId: string, place?: string, returnedAt?: number, temperature?: number | null, symptoms?: string[] } }

function screeningOf (e: Entry): ScreeningDetail['screening'] | undefined {
  if ((e.rule !== 'high_risk_travel' && e.rule !== 'symptoms') || e.detail === null || e.detail === undefined) return undefined
  try {
    const d = JSON.parse(e.detail) as Partial<ScreeningDetail>
    return typeof d.screening === 'object' && d.screening !== null ? d.screening : undefined
  } catch {
    return undefined
  }
}
/** A screening entry's words: where from and when (high_risk_travel), or the temperature and symptoms (symptoms). */
export function screeningText (rule: string, s: ScreeningDetail['screening']): { text: string, textZh: string } {
  if (rule === 'high_risk_travel') {
    const day = s.returnedAt === undefined ? '' : shanghai(s.returnedAt).day
    return {
      text: `Door-to-door screening: returned from ${s.place ?? 'a high-risk area'} (a listed high-risk area) on ${day}: red for 14 days after the return`,
      textZh: `入户排查：${day} 自${s.place ?? '中高风险地区'}（中高风险地区）返回，返回后 14 天内为红码`
    }
  }
  // The temperature is on the entry only when it was a fever (status.service.ts decides).
  const fever = s.temperature !== null && s.temperature !== undefined
  const symptoms = s.symptoms ?? []
  const en = [fever ? `temperature ${s.temperature as number} °C` : null, ...symptoms.map((x) => SYMPTOM_WORDS[x]?.en ?? x)].filter(Boolean).join(', ')
  const zh = [fever ? `体温 ${s.temperature as number} °C` : null, ...symptoms.map((x) => SYMPTOM_WORDS[x]?.zh ?? x)].filter(Boolean).join('、')
  return { text: `Door-to-door screening found ${en}: yellow for 7 days`, textZh: `入户排查发现${zh}：7 天内为黄码` }
}
export interface Evaluation { color: ColorName, since: number, until: number | null, reasons: Reason[], history: HistoryItem[] }

export const end = (e: Entry): number => Math.min(e.until ?? Infinity, e.endedAt ?? Infinity)
const active = (entries: Entry[], at: number): Entry[] => entries.filter((e) => e.since <= at && at < end(e))
const worst = (entries: Entry[]): ColorName =>
  entries.reduce<ColorName>((c, e) => (SEVERITY[e.color as ColorName] > SEVERITY[c] ? e.color as ColorName : c), 'green')

export const colorAt = (entries: Entry[], at: number): ColorName => worst(active(entries, at))

const textOf = (rule: string): { text: string, textZh: string } =>
  rule in RULES ? RULES[rule as RuleId] : { text: rule, textZh: rule }

/** The whole picture at `now`: colour, why, until when, and every colour change since `bornAt`. */
export function evaluate (entries: Entry[], now: number, bornAt: number): Evaluation {
  const nowActive = active(entries, now)
  const color = worst(nowActive)

  // One reason per rule; site_exposure one per place and window (each has its own end).
  const byRule = new Map<string, Reason>()
  for (const e of nowActive) {
    if (e.color === 'green') continue
    const site = siteOf(e)
    const screening = screeningOf(e)
    const key = site !== undefined ? `${e.rule}\n${site.checkpointId}\n${site.from}\n${site.to}` : screening !== undefined ? `${e.rule}\nscreening` : e.rule
    const prev = byRule.get(key)
    const until = end(e) === Infinity ? null : end(e)
    const text = e.rule === 'manual' && e.reason !== null
      ? { text: `${RULES.manual.text}: ${e.reason}`, textZh: `${RULES.manual.textZh}：${e.reason}` }
      : site !== undefined ? siteText(site) : screening !== undefined ? screeningText(e.rule, screening) : textOf(e.rule)
    if (prev === undefined) byRule.set(key, { rule: e.rule, ...text, since: e.since, until, ...(site !== undefined ? { site } : {}) })
    else {
      prev.since = Math.min(prev.since, e.since)
      prev.until = prev.until === null || until === null ? null : Math.max(prev.until, until)
    }
  }
  const reasons = [...byRule.values()].sort((a, b) => SEVERITY[colorOfRule(entries, b.rule)] - SEVERITY[colorOfRule(entries, a.rule)] || a.since - b.since)

  const history: HistoryItem[] = [{ at: bornAt, color: 'green', rule: 'default', actor: 'system', reason: 'no rule active', reasonZh: '没有生效的规则' }]
  const points = [...new Set(entries.flatMap((e) => [e.since, end(e)]))].filter((p) => Number.isFinite(p) && p <= now).sort((a, b) => a - b)
  let prev: ColorName = 'green'
  for (const p of points) {
    const c = colorAt(entries, p)
    if (c === prev) continue
    if (SEVERITY[c] > SEVERITY[prev] || c !== 'green') {
      const cause = active(entries, p).filter((e) => e.color === c).sort((a, b) => b.since - a.since)[0] as Entry
      // An officer's own words are kept as written, in both fields; otherwise the rule's words in Chinese, and in
      // English the entry's own note (e.g. "declared fever, cough") or the rule's words.
      const rule = textOf(cause.rule)
      const site = siteOf(cause)
      if (site !== undefined) {
        // The place and the window, in both languages (the entry's own note names the case: staff words).
        const words = siteText(site)
        history.push({ at: p, color: c, rule: cause.rule, actor: cause.actor, reason: words.text, reasonZh: words.textZh, site })
      } else if (screeningOf(cause) !== undefined) {
        const words = screeningText(cause.rule, screeningOf(cause) as ScreeningDetail['screening'])
        history.push({ at: p, color: c, rule: cause.rule, actor: cause.actor, reason: words.text, reasonZh: words.textZh })
      } else {
        const reasonZh = cause.rule === 'manual' && cause.reason !== null ? cause.reason : rule.textZh
        history.push({ at: p, color: c, rule: cause.rule, actor: cause.actor, reason: cause.reason ?? rule.text, reasonZh })
      }
    } else {
      const ended = entries.filter((e) => end(e) === p).sort((a, b) => SEVERITY[b.color as ColorName] - SEVERITY[a.color as ColorName])[0] as Entry
      history.push(ended.endedAt === p && ended.endedBy !== null
        ? { at: p, color: c, rule: 'manual', actor: ended.endedBy, reason: 'ended by a health officer', reasonZh: '由卫生健康人员解除' }
        : { at: p, color: c, rule: ended.rule, actor: 'system', reason: `ended: ${textOf(ended.rule).text}`, reasonZh: `已到期解除：${textOf(ended.rule).textZh}` })
    }
    prev = c
  }

  // Starts count too: an entry may begin later than now (e.g. dated by an offline scan's time).
  let until: number | null = null
  const future = [...new Set(entries.flatMap((e) => [e.since, end(e)]))].filter((p) => p > now && Number.isFinite(p)).sort((a, b) => a - b)
  for (const p of future) {
    if (colorAt(entries, p) !== color) { until = p; break }
  }
  const since = history[history.length - 1]?.at ?? bornAt
  return { color, since, until, reasons, history }
}

function colorOfRule (entries: Entry[], rule: string): ColorName {
  return worst(entries.filter((e) => e.rule === rule))
}

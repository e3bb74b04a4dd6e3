// Pure tests of the colour rules (src/modules/status/status.rules.ts): boundaries, severity, `until` and history.
import t from 'tap'
import { evaluate, colorAt, ruleDuration, RULES, type Entry } from '../src/modules/status/status.rules.ts'

const T = Date.parse('2026-03-01T08:00:00.000Z')
const BORN = T - 30 * 86_400_000
const DAY = 86_400_000
const MS = 1
const LAST_MS_OF_DAY = DAY - MS // 23h59m59.999s

let serial = 0
function e (rule: string, color: string, since: number, until: number | null, extra: Partial<Entry> = {}): Entry {
  return { id: `e${++serial}`, rule, color, since, until, endedAt: null, endedBy: null, actor: 'self-declaration', reason: `${rule} reason`, ...extra }
}
const symptoms = (since: number): Entry => e('symptoms', 'yellow', since, since + ruleDuration('symptoms'))
const declaredContact = (since: number): Entry => e('declared_contact', 'red', since, since + ruleDuration('declared_contact'))

t.test('no entries: green since birth, open-ended, no reasons, history is the default green', async (t) => {
  const ev = evaluate([], T, BORN)
  t.equal(ev.color, 'green')
  t.equal(ev.since, BORN)
  t.equal(ev.until, null)
  t.same(ev.reasons, [])
  t.same(ev.history, [{ at: BORN, color: 'green', rule: 'default', actor: 'system', reason: 'no rule active', reasonZh: '没有生效的规则' }])
})

t.test('rule durations are the documented ones', async (t) => {
  t.equal(ruleDuration('symptoms'), 7 * DAY)
  t.equal(ruleDuration('secondary_contact'), 7 * DAY)
  t.equal(ruleDuration('declared_contact'), 14 * DAY)
  t.equal(ruleDuration('high_risk_travel'), 14 * DAY)
  t.equal(ruleDuration('close_contact'), 14 * DAY)
})

t.test('symptoms: yellow until the last millisecond of day 7, green at exactly T+7d', async (t) => {
  const entries = [symptoms(T)]
  t.equal(colorAt(entries, T - MS), 'green', 'not before it was declared')
  t.equal(colorAt(entries, T), 'yellow', 'from the moment of the declaration')

  const last = evaluate(entries, T + 6 * DAY + LAST_MS_OF_DAY, BORN)
  t.equal(last.color, 'yellow')
  t.equal(last.since, T)
  t.equal(last.until, T + 7 * DAY)
  t.same(last.reasons.map((r) => [r.rule, r.since, r.until]), [['symptoms', T, T + 7 * DAY]])
  t.ok(last.reasons[0]?.text.includes('7 days'), 'the reason has a readable text')

  const after = evaluate(entries, T + 7 * DAY, BORN)
  t.equal(after.color, 'green')
  t.equal(after.since, T + 7 * DAY)
  t.equal(after.until, null)
  t.same(after.reasons, [])
})

t.test('red rules: red on day 13 until its last millisecond, green at exactly day 14', async (t) => {
  for (const rule of ['declared_contact', 'high_risk_travel'] as const) {
    const entries = [e(rule, 'red', T, T + ruleDuration(rule))]
    const day13 = evaluate(entries, T + 13 * DAY + LAST_MS_OF_DAY, BORN)
    t.equal(day13.color, 'red', `${rule} at 13d23h59m59.999s`)
    t.equal(day13.until, T + 14 * DAY, `${rule} until`)
    t.equal(day13.reasons[0]?.rule, rule)
    const day14 = evaluate(entries, T + 14 * DAY, BORN)
    t.equal(day14.color, 'green', `${rule} at exactly 14 days`)
    t.equal(day14.until, null)
  }
})

t.test('the most severe active colour wins; yellow shows again when red ends first', async (t) => {
  // red from T to T+14d, yellow from T+10d to T+17d
  const red = declaredContact(T)
  const yellow = symptoms(T + 10 * DAY)
  const entries = [yellow, red]

  const both = evaluate(entries, T + 11 * DAY, BORN)
  t.equal(both.color, 'red', 'yellow + red → red')
  t.same(both.reasons.map((r) => r.rule), ['declared_contact', 'symptoms'], 'both reasons, most severe first')
  t.equal(both.until, T + 14 * DAY, 'red until red ends')
  t.equal(both.since, T)

  const afterRed = evaluate(entries, T + 14 * DAY, BORN)
  t.equal(afterRed.color, 'yellow', 'red ended, yellow still active')
  t.equal(afterRed.since, T + 14 * DAY)
  t.equal(afterRed.until, T + 17 * DAY)
  t.same(afterRed.reasons.map((r) => r.rule), ['symptoms'])

  t.equal(evaluate(entries, T + 17 * DAY, BORN).color, 'green')

  // yellow first, then red on top, red ends after yellow: straight to green
  const later = [symptoms(T), declaredContact(T + 2 * DAY)]
  t.equal(colorAt(later, T + DAY), 'yellow')
  t.equal(colorAt(later, T + 3 * DAY), 'red')
  t.equal(colorAt(later, T + 8 * DAY), 'red')
  t.equal(evaluate(later, T + 3 * DAY, BORN).until, T + 16 * DAY)
})

t.test('until: null when open-ended, skips a moment where another rule keeps the colour', async (t) => {
  const open = [e('case_confirmed', 'red', T, null, { actor: 'officer-1' })]
  const ev = evaluate(open, T + 100 * DAY, BORN)
  t.equal(ev.color, 'red')
  t.equal(ev.until, null, 'a confirmed case has no end date')
  t.equal(ev.reasons[0]?.until, null)

  // an open-ended red plus a 14-day red: the 14-day end changes nothing
  const redOverRed = [...open, declaredContact(T + DAY)]
  t.equal(evaluate(redOverRed, T + 2 * DAY, BORN).until, null)

  // second symptoms declaration on day 5: the first ends on day 7 but yellow lasts until day 12
  const twice = [symptoms(T), symptoms(T + 5 * DAY)]
  const day6 = evaluate(twice, T + 6 * DAY, BORN)
  t.equal(day6.color, 'yellow')
  t.equal(day6.until, T + 12 * DAY, 'skips day 7, where the colour stays yellow')
  t.same(day6.reasons.map((r) => [r.rule, r.since, r.until]), [['symptoms', T, T + 12 * DAY]], 'one reason per rule, spanning both declarations')
  t.equal(colorAt(twice, T + 7 * DAY), 'yellow')
  t.equal(colorAt(twice, T + 12 * DAY - MS), 'yellow')
  t.equal(colorAt(twice, T + 12 * DAY), 'green')

  // a red that ends on day 14 over a yellow to day 17: red until day 14 (the next change), not day 17
  const stack = [declaredContact(T), symptoms(T + 10 * DAY)]
  t.equal(evaluate(stack, T + 12 * DAY, BORN).until, T + 14 * DAY)
})

t.test('history: every colour change with rule, actor and reason, starting with the default green', async (t) => {
  const entries = [
    e('symptoms', 'yellow', T, T + 7 * DAY, { reason: 'declared cough' }),
    e('declared_contact', 'red', T + 2 * DAY, T + 16 * DAY, { reason: 'declared contact with a confirmed case' }),
    e('secondary_contact', 'yellow', T + 10 * DAY, T + 17 * DAY, { actor: 'tracer-1', reason: null })
  ]
  const ev = evaluate(entries, T + 30 * DAY, BORN)
  t.equal(ev.color, 'green')
  t.same(ev.history, [
    { at: BORN, color: 'green', rule: 'default', actor: 'system', reason: 'no rule active', reasonZh: '没有生效的规则' },
    { at: T, color: 'yellow', rule: 'symptoms', actor: 'self-declaration', reason: 'declared cough', reasonZh: RULES.symptoms.textZh },
    { at: T + 2 * DAY, color: 'red', rule: 'declared_contact', actor: 'self-declaration', reason: 'declared contact with a confirmed case', reasonZh: RULES.declared_contact.textZh },
    { at: T + 16 * DAY, color: 'yellow', rule: 'secondary_contact', actor: 'tracer-1', reason: RULES.secondary_contact.text, reasonZh: RULES.secondary_contact.textZh },
    { at: T + 17 * DAY, color: 'green', rule: 'secondary_contact', actor: 'system', reason: `ended: ${RULES.secondary_contact.text}`, reasonZh: `已到期解除：${RULES.secondary_contact.textZh}` }
  ])
  t.equal(ev.since, T + 17 * DAY)

  // the same entries seen on day 3 stop at the changes that happened so far
  const early = evaluate(entries, T + 3 * DAY, BORN)
  t.same(early.history.map((h) => [h.at, h.color]), [[BORN, 'green'], [T, 'yellow'], [T + 2 * DAY, 'red']])
  t.equal(early.since, T + 2 * DAY)
})

t.test('history: an entry ended early by a manual change shows rule manual and the officer', async (t) => {
  const endedAt = T + 3 * DAY
  const entries = [e('declared_contact', 'red', T, T + 14 * DAY, { endedAt, endedBy: 'officer-1+officer-2' })]
  const ev = evaluate(entries, T + 4 * DAY, BORN)
  t.equal(ev.color, 'green', 'the entry no longer counts after endedAt')
  t.equal(colorAt(entries, endedAt - MS), 'red')
  t.same(ev.history.slice(1), [
    { at: T, color: 'red', rule: 'declared_contact', actor: 'self-declaration', reason: 'declared_contact reason', reasonZh: RULES.declared_contact.textZh },
    { at: endedAt, color: 'green', rule: 'manual', actor: 'officer-1+officer-2', reason: 'ended by a health officer', reasonZh: '由卫生健康人员解除' }
  ])
  t.same(ev.reasons, [])

  // ended early and replaced by a manual yellow
  const replaced = [...entries, e('manual', 'yellow', endedAt, null, { actor: 'officer-1+officer-2', reason: 'retested negative' })]
  const ev2 = evaluate(replaced, T + 4 * DAY, BORN)
  t.equal(ev2.color, 'yellow')
  t.equal(ev2.until, null)
  t.same(ev2.history[2], { at: endedAt, color: 'yellow', rule: 'manual', actor: 'officer-1+officer-2', reason: 'retested negative', reasonZh: 'retested negative' }, 'an officer\'s words as written, in both')
  t.equal(ev2.reasons[0]?.rule, 'manual')
  t.ok(ev2.reasons[0]?.text.includes('retested negative'), 'the officer reason is shown to the person')
})

t.test('an entry that ends at the moment another of the same colour starts is not a change', async (t) => {
  const entries = [symptoms(T), e('secondary_contact', 'yellow', T + 7 * DAY, T + 14 * DAY, { actor: 'tracer-1' })]
  const ev = evaluate(entries, T + 8 * DAY, BORN)
  t.equal(ev.color, 'yellow')
  t.equal(ev.since, T, 'yellow without a break since T')
  t.equal(ev.until, T + 14 * DAY)
  t.same(ev.history.map((h) => h.color), ['green', 'yellow'])
})

t.test('until: an entry that starts later than now is the next change', async (t) => {
  const entries = [e('close_contact', 'red', T + 2 * DAY, T + 16 * DAY, { actor: 'tracer-1' })]
  const before = evaluate(entries, T, BORN)
  t.equal(before.color, 'green', 'not active before it starts')
  t.equal(before.until, T + 2 * DAY, 'green until the entry starts')
  t.same(before.history.map((h) => h.color), ['green'], 'history holds no future change')
  const yellowThenRed = [symptoms(T), ...entries]
  t.equal(evaluate(yellowThenRed, T + DAY, BORN).until, T + 2 * DAY, 'yellow until red starts')
})

t.test('site_exposure: one reason per place and window, each with its own end, in Asia/Shanghai time; red still wins', async (t) => {
  t.equal(ruleDuration('site_exposure'), 7 * DAY)
  const site = (name: string, from: number, to: number, since: number): Entry => e('site_exposure', 'yellow', since, to + ruleDuration('site_exposure'), {
    actor: 'tracer:wu+officer:li',
    detail: JSON.stringify({ siteId: `s-${name}`, caseId: 'c1', checkpointId: `cp-${name}`, checkpointName: name, from, to })
  })
  // 2026-03-01 15:00–17:00 and, across midnight, 2026-03-01 23:00–2026-03-02 01:00 (Asia/Shanghai).
  const market = site('陆城农贸市场', T - 3_600_000, T + 3_600_000, T + 2 * 3_600_000)
  const bar = site('夜宵店', T + 7 * 3_600_000, T + 9 * 3_600_000, T + 10 * 3_600_000)
  const ev = evaluate([market, bar], T + DAY, BORN)
  t.equal(ev.color, 'yellow')
  t.same(ev.reasons.map((r) => [r.textZh, r.until, r.site?.checkpointName]), [
    ['2026-03-01 15:00–17:00 在 陆城农贸市场 与确诊病例同场：场所时段结束后 7 天内为黄码', T + 3_600_000 + 7 * DAY, '陆城农贸市场'],
    ['2026-03-01 23:00–2026-03-02 01:00 在 夜宵店 与确诊病例同场：场所时段结束后 7 天内为黄码', T + 9 * 3_600_000 + 7 * DAY, '夜宵店']
  ])
  t.match(ev.reasons[0]?.text, /^Present at 陆城农贸市场 on 2026-03-01 15:00–17:00 \(Beijing time\)/)
  t.same(ev.history.map((h) => [h.color, h.rule, h.site?.checkpointName]), [['green', 'default', undefined], ['yellow', 'site_exposure', '陆城农贸市场']])
  t.equal(ev.until, T + 9 * 3_600_000 + 7 * DAY, 'green when the later site runs out')
  t.equal(evaluate([market, bar], T + 3_600_000 + 7 * DAY, BORN).reasons.length, 1, 'the first site has run out')

  const red = evaluate([market, declaredContact(T)], T + DAY, BORN)
  t.equal(red.color, 'red', 'the most severe rule wins')
  t.same(red.reasons.map((r) => r.rule), ['declared_contact', 'site_exposure'])
  const noDetail = evaluate([e('site_exposure', 'yellow', T, T + DAY)], T + 1, BORN)
  t.same(noDetail.reasons.map((r) => [r.rule, r.site]), [['site_exposure', undefined]], 'an entry without its place still explains the rule')
  t.equal(noDetail.reasons[0]?.textZh, RULES.site_exposure.textZh)
})

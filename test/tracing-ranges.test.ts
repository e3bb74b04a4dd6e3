// mergeRangesByHour (how contacts merges a checkpoint's windows: an hour at a time, with pauses) gives the same ranges
// as mergeRanges given all of them at once.
import tap from 'tap'
import { mergeRanges, mergeRangesByHour } from '../src/modules/tracing/tracing.presences.ts'

const HOUR = 3_600_000
const noPause = async (): Promise<void> => {}

tap.test('merging an hour of windows at a time gives the ranges of one merge', async (t) => {
  for (let seed = 1; seed <= 200; seed++) {
    // A seeded linear congruential generator: a failure replays from its seed.
    let x = seed
    const random = (): number => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 4_294_967_296
    const from = 1_000 * HOUR
    const to = from + Math.floor(random() * 48) * HOUR + 1
    const windowMs = Math.floor(random() * 240) * 60_000
    // Points and stays, some before from or after to (clipped or dropped), many at equal times.
    const items = Array.from({ length: Math.floor(random() * 300) }, (_, member) => {
      const start = from - 2 * HOUR + Math.floor(random() * 60) * 15 * 60_000
      const end = random() < 0.3 ? start + Math.floor(random() * 4 * HOUR) : start
      return { lo: start - windowMs, hi: end + windowMs, member }
    })
    const maxMembers = 1 + Math.floor(random() * 10)
    const whole = mergeRanges(items, from, to, maxMembers)
    const parts = await mergeRangesByHour(items, from, to, maxMembers, noPause)
    if (JSON.stringify(parts) !== JSON.stringify(whole)) {
      t.same(parts, whole, `seed ${seed}: the same ranges`)
      return
    }
  }
  t.pass('200 random sets of windows: the same ranges, members in the same order')
})

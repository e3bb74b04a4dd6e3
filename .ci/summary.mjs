// Prints tap's final totals as the one plain line CI reads: "N passed, N failed".
import { readFileSync } from 'node:fs'

const [file, statusArg] = process.argv.slice(2)
const text = readFileSync(file, 'utf8')
const totals = [...text.matchAll(/^# \{ total: (\d+)(?:, pass: (\d+))?(?:, fail: (\d+))?(?:, skip: (\d+))?(?:, todo: (\d+))?/gm)].pop()
const status = Number(statusArg)
if (totals === undefined) {
  console.log('0 passed, 1 failed')
  console.error('no tap summary found in the test output')
  process.exit(1)
}
const pass = Number(totals[2] ?? 0)
let fail = Number(totals[3] ?? 0)
if (status !== 0 && fail === 0) fail = 1
const skip = Number(totals[4] ?? 0)
console.log(`${pass} passed, ${fail} failed${skip > 0 ? `, ${skip} skipped` : ''}`)
process.exit(status !== 0 || fail > 0 ? 1 : 0)

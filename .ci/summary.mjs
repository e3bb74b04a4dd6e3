// Prints tap's final totals as the one plain line CI reads: "N passed, N failed", and before it the
// failed tests by name (CI keeps only the end of the output, where tap's own "not ok" lines are long gone).
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
// A failure reads "not ok N - name" with its subtests' lines above it, indented four spaces a level:
// print each with the names of the tests it sits in, innermost last.
const failures = []
const open = [] // the names of the "# Subtest:" blocks the current line sits in, by depth
const lines = text.split('\n')
for (const [index, line] of lines.entries()) {
  const indent = line.length - line.trimStart().length
  const depth = Math.floor(indent / 4)
  const sub = /^\s*# Subtest: (.*)$/.exec(line)
  if (sub) {
    open.length = depth
    open[depth] = sub[1]
    continue
  }
  const notOk = /^\s*not ok \d+ - (.*?)(?: # (?:time|SKIP|TODO).*)?$/.exec(line)
  if (notOk) {
    open.length = depth
    const name = [...open.filter((part) => part !== undefined), notOk[1]].join(' › ')
    // From its diagnostics (tap's YAML block) only what went wrong and where, not the source excerpt or the process's arguments.
    const details = []
    if (lines[index + 1]?.trim() === '---') {
      let stackNext = false
      for (const detail of lines.slice(index + 2, index + 60)) {
        const trimmed = detail.trim()
        if (trimmed === '...') break
        if (stackNext) { details.push(`stack: ${trimmed}`); stackNext = false; continue }
        if (/^stack: \|/.test(trimmed)) { stackNext = true; continue }
        if (/^(message|error|found|wanted|compare|pattern|tapCaught|fileName|lineNumber|exitCode|signal|timeout|test):/.test(trimmed)) details.push(trimmed)
      }
    }
    failures.push({ name, details: details.slice(0, 8) })
  }
}
if (failures.length > 0) {
  console.log(`failed (${failures.length}, innermost first within each file):`)
  for (const { name, details } of failures.slice(0, 40)) {
    console.log(`  not ok: ${name.slice(0, 300)}`)
    for (const detail of details) console.log(`      ${detail.slice(0, 200)}`)
  }
  if (failures.length > 40) console.log(`  … and ${failures.length - 40} more`)
}
const pass = Number(totals[2] ?? 0)
let fail = Number(totals[3] ?? 0)
if (status !== 0 && fail === 0) fail = 1
const skip = Number(totals[4] ?? 0)
console.log(`${pass} passed, ${fail} failed${skip > 0 ? `, ${skip} skipped` : ''}`)
process.exit(status !== 0 || fail > 0 ? 1 : 0)

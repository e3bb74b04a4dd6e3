// The CI summary (.ci/summary.mjs): CI keeps only the end of a run's output, so the script prints the failed tests
// by name, with the tests they sit in and what went wrong where, before the one totals line CI reads.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import t from 'tap'

const script = resolve(import.meta.dirname, '../.ci/summary.mjs')

function summarise(tapOutput: string, status: number): { stdout: string; code: number } {
  const dir = mkdtempSync(join(tmpdir(), 'gp-ci-summary-'))
  try {
    const file = join(dir, 'out.txt')
    writeFileSync(file, tapOutput)
    try {
      return { stdout: execFileSync(process.execPath, [script, file, String(status)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }), code: 0 }
    } catch (error) {
      const failed = error as { stdout: string; status: number }
      return { stdout: failed.stdout, code: failed.status }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const failing = [
  '# Subtest: test/a.test.ts',
  '    # Subtest: the scanner page',
  '        ok 1 - it opens',
  '        not ok 2 - the camera reads the code',
  '          ---',
  '          at:',
  '            fileName: test/a.test.ts',
  '          message: Target page, context or browser has been closed',
  '          ...',
  '        1..2',
  '    not ok 1 - the scanner page # time=30.5ms',
  '    1..1',
  'not ok 1 - test/a.test.ts # time=40ms',
  '# Subtest: test/b.test.ts',
  '    ok 1 - fine',
  '    1..1',
  'ok 2 - test/b.test.ts # time=3ms',
  '',
  '# { total: 3, pass: 2, fail: 1 }',
  '# time=55ms',
  '',
].join('\n')

t.test('a failed run: the failures by name with their diagnostics, then the totals line last', async (t) => {
  const { stdout, code } = summarise(failing, 1)
  t.equal(code, 1, 'the script fails the run')
  const lines = stdout.trimEnd().split('\n')
  t.equal(lines.at(-1), '2 passed, 1 failed', 'the last line is the totals')
  t.match(stdout, /not ok: test\/a\.test\.ts › the scanner page › the camera reads the code\n/, 'the innermost failure with its path')
  t.match(stdout, /message: Target page, context or browser has been closed/, 'its diagnostics')
  t.notMatch(stdout, /test\/b\.test\.ts/, 'passing files are not listed')
})

t.test('a passing run prints only the totals and succeeds', async (t) => {
  const passing = ['# Subtest: test/b.test.ts', '    ok 1 - fine', '    1..1', 'ok 1 - test/b.test.ts', '# { total: 1, pass: 1 }', ''].join('\n')
  const { stdout, code } = summarise(passing, 0)
  t.equal(code, 0)
  t.equal(stdout, '1 passed, 0 failed\n')
})

t.test('tap failed without a failing test (a crash after the totals): counted as one failure', async (t) => {
  const { stdout, code } = summarise('# { total: 1, pass: 1 }\n', 1)
  t.equal(code, 1)
  t.equal(stdout.trimEnd().split('\n').at(-1), '1 passed, 1 failed')
})

// npm run audit:verify [-- --anchor <file> | --no-anchor] [--keys <dir>]: checks the audit log's keyed hash chain
// (DATABASE_URL, audit.key from GRIDPASS_KEYS_DIR) and the anchors written outside the database
// (GRIDPASS_AUDIT_ANCHOR_FILE). Exit 0 when intact, 1 naming the first missing or altered seq, 2 when it cannot check.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { loadConfig } from '../src/config.ts'
import { createDb } from '../src/db/index.ts'
import { describeReport, readAnchors, readAuditKey, verifyChain } from '../src/modules/audit/audit.verify.ts'

async function main (): Promise<number> {
  const { values } = parseArgs({ options: { anchor: { type: 'string' }, 'no-anchor': { type: 'boolean' }, keys: { type: 'string' } } })
  const config = loadConfig()
  const key = readAuditKey(values.keys ?? config.keysDir)
  const anchorFile = resolve(values.anchor ?? config.auditAnchorFile)
  let anchors
  if (values['no-anchor'] !== true) {
    if (!existsSync(anchorFile)) {
      console.error(`audit verify: no anchor file at ${anchorFile}: pass --anchor <file> (GRIDPASS_AUDIT_ANCHOR_FILE of the copy that wrote it), or --no-anchor to check the chain alone`)
      return 2
    }
    anchors = readAnchors(anchorFile)
  }
  // Read only: never migrate the database under examination.
  const store = await createDb(config.databaseUrl, { migrate: false })
  try {
    const report = await verifyChain(store, { key, anchors })
    const line = describeReport(report) + (anchors !== undefined ? ` (anchors: ${anchorFile})` : ' (no anchor file checked)')
    if (report.ok) console.log(line)
    else console.error(line)
    return report.ok ? 0 : 1
  } finally {
    await store.close()
  }
}

main().then((code) => { process.exitCode = code }, (err: unknown) => {
  console.error(`audit verify failed: ${err instanceof Error ? err.message : String(err)}`)
  process.exitCode = 2
})

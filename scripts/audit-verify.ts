// npm run audit:verify: recomputes the audit log's hash chain; exit 0 when intact, 1 at the first broken row.
import { loadConfig } from '../src/config.ts'
import { createDb } from '../src/db/index.ts'
import { describeReport, verifyChain } from '../src/modules/audit/audit.verify.ts'

async function main (): Promise<number> {
  const config = loadConfig()
  const store = await createDb(config.databaseUrl)
  try {
    const report = await verifyChain(store)
    const line = describeReport(report)
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

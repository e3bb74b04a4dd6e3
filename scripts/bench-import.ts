// npm run bench:import -- [--rows 200000] [--grids 998] [--keep]
//
// Generates a valid register of --rows people (GBK, as a spreadsheet on Chinese Windows saves it: valid ID numbers, 80 %
// with a phone, ~2.5 people a household), then on a fresh SQLite database (in this process, through app.inject):
//   1. POST /v1/imports/residents with it → seconds and rows/s (target: 200,000 rows in under 60 s);
//   2. the same file again (nothing changes: updated 0) → seconds;
//   meanwhile GET /healthz every 50 ms and the event loop's delay: the longest answer and the longest stall.
// Baseline, in the same run on a fresh database of its own: the same rows inserted with raw prepared better-sqlite3
// statements in one transaction, doing the same encryption work (AES-GCM of name, ID number, phone and address; the
// blind indexes of ID number, phone and address), without CSV, checks or matching. The ratio is the figure that counts.
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { PerformanceObserver, monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { createDb } from '../src/db/index.ts'
import { checkAddress } from '../src/lib/address.ts'
import { checkCharacter } from '../src/lib/id-number.ts'
import { randomId } from '../src/lib/ids.ts'
import { createPii } from '../src/lib/pii.ts'
import { formatRegisterCsvGbk, type RegisterRow } from '../src/modules/imports/register-csv.ts'

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '200000' },
    grids: { type: 'string', default: '998' },
    keep: { type: 'boolean', default: false }
  }
})
const ROWS = Number(args.rows)
const GRIDS = Number(args.grids)
const ADMIN_PASSWORD = 'bench-admin-password'
const dir = mkdtempSync(join(tmpdir(), 'gridpass-bench-import-'))

const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤']
const GIVEN = [...'伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红梅鑫波斌宇浩凯健俊帆帅旭宁龙林欣然子涵梓轩雨泽思远']
const ROADS = ['清江路', '园林大道', '长江大道', '解放路', '楚都路', '枝城大道', '陆城街', '红花路', '松宜路', '聂河路']

/** A deterministic register: unique, valid ID numbers (born 1950–2004) and phones. */
function register (): RegisterRow[] {
  const rows: RegisterRow[] = []
  const base = Date.UTC(1950, 0, 1)
  let household = 0
  let left = 0
  for (let i = 0; i < ROWS; i++) {
    if (left === 0) { household++; left = 1 + (household % 4) }
    left--
    const born = new Date(base + (i % 20_000) * 86_400_000)
    const ymd = `${born.getUTCFullYear()}${String(born.getUTCMonth() + 1).padStart(2, '0')}${String(born.getUTCDate()).padStart(2, '0')}`
    const body = `420581${ymd}${String(Math.floor(i / 20_000)).padStart(3, '0')}`
    const grid = household % GRIDS
    rows.push({
      name: (SURNAMES[i % SURNAMES.length] as string) + (GIVEN[(i * 7) % GIVEN.length] as string) + (i % 3 === 0 ? '' : GIVEN[(i * 13) % GIVEN.length] as string),
      idNumber: body + checkCharacter(body),
      phone: i % 5 === 4 ? '' : `13${String(i).padStart(9, '0')}`,
      gridId: `G${String(grid).padStart(4, '0')}`,
      address: `宜都市${ROADS[household % ROADS.length] as string}${household}号${1 + (household % 3)}单元${100 + (household % 17)}室`
    })
  }
  return rows
}

/** The same rows, inserted as plainly as gridpass's tables allow: one transaction, prepared statements, same crypto. */
async function baseline (rows: RegisterRow[]): Promise<number> {
  const store = await createDb(`file:${join(dir, 'baseline.db')}`)
  const sqlite = store.sqlite
  if (sqlite === undefined) throw new Error('the baseline needs SQLite')
  const pii = createPii(randomBytes(32))
  const now = Date.now()
  const grid = sqlite.prepare('INSERT INTO grids (id, name, created_at) VALUES (?, ?, ?)')
  for (let g = 0; g < GRIDS; g++) grid.run(`G${String(g).padStart(4, '0')}`, `网格 ${g}`, now)
  const home = sqlite.prepare('INSERT INTO households (id, grid_id, address_enc, address_idx, phone_enc, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, NULL, ?, ?, ?)')
  const person = sqlite.prepare('INSERT INTO people (id, name_enc, id_number_enc, id_number_idx, phone_enc, phone_idx, grid_id, household_id, guardian_id, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)')
  const started = performance.now()
  sqlite.transaction(() => {
    const homes = new Map<string, string>()
    for (const r of rows) {
      const key = `${r.gridId}|${(checkAddress(r.address) as { key: string }).key}`
      let householdId = homes.get(key)
      if (householdId === undefined) {
        householdId = randomId()
        homes.set(key, householdId)
        home.run(householdId, r.gridId, pii.encrypt(r.address), pii.index('address', key), 'bench', now, now)
      }
      const phone = r.phone === '' || r.phone === null || r.phone === undefined ? null : r.phone
      person.run(randomId(), pii.encrypt(r.name), pii.encrypt(r.idNumber), pii.index('idNumber', r.idNumber), phone === null ? null : pii.encrypt(phone),
        phone === null ? null : pii.index('phone', phone), r.gridId, householdId, 'bench', now, now)
    }
  })()
  const seconds = (performance.now() - started) / 1000
  await store.close()
  return seconds
}

const app = await buildApp({
  ...loadConfig({}),
  databaseUrl: `file:${join(dir, 'gridpass.db')}`,
  keysDir: join(dir, 'keys'),
  auditAnchorFile: join(dir, 'audit-anchor.log'),
  adminPassword: ADMIN_PASSWORD,
  logger: false,
  maxEventLoopDelayMs: 0
})
await app.ready()
try {
  const login = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'admin', password: ADMIN_PASSWORD } })
  const auth = { authorization: `Bearer ${login.json().accessToken as string}` }
  for (let g = 0; g < GRIDS; g++) {
    const res = await app.inject({ method: 'POST', url: '/v1/grids', headers: auth, payload: { id: `G${String(g).padStart(4, '0')}`, name: `网格 ${g}` } })
    if (res.statusCode !== 201) throw new Error(`grid: ${res.body}`)
  }
  let t = performance.now()
  const rows = register()
  const file = formatRegisterCsvGbk(rows)
  console.log(`register: ${ROWS.toLocaleString('en')} rows, ${GRIDS} grids, ${(file.length / 1024 / 1024).toFixed(1)} MiB GBK, generated in ${((performance.now() - t) / 1000).toFixed(1)} s`)

  /** One import, with /healthz and the import's progress asked every 50 ms meanwhile (the time spent in each state). */
  const timed = async (label: string): Promise<{ seconds: number, body: unknown }> => {
    const importId = randomUUID()
    const delay = monitorEventLoopDelay({ resolution: 10 })
    let slowest = 0
    let probes = 0
    let running = true
    const states = new Map<string, number>()
    let state = 'receiving'
    let since = performance.now()
    const probe = (async () => {
      while (running) {
        const at = performance.now()
        await app.inject({ method: 'GET', url: '/healthz' })
        slowest = Math.max(slowest, performance.now() - at)
        probes++
        const now = (await app.inject({ method: 'GET', url: `/v1/imports/${importId}`, headers: auth })).json() as { state?: string }
        if (now.state !== undefined && now.state !== state) {
          states.set(state, (states.get(state) ?? 0) + performance.now() - since)
          state = now.state
          since = performance.now()
        }
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    })()
    let gcMax = 0
    const gc = new PerformanceObserver((list) => { for (const e of list.getEntries()) gcMax = Math.max(gcMax, e.duration) })
    gc.observe({ entryTypes: ['gc'] })
    delay.enable()
    t = performance.now()
    const res = await app.inject({ method: 'POST', url: '/v1/imports/residents', headers: { ...auth, 'content-type': 'text/csv; charset=gbk', 'x-import-id': importId }, payload: file })
    const seconds = (performance.now() - t) / 1000
    delay.disable()
    gc.disconnect()
    running = false
    await probe
    states.set(state, (states.get(state) ?? 0) + performance.now() - since)
    if (res.statusCode !== 200) throw new Error(`${label}: ${res.statusCode} ${res.body.slice(0, 500)}`)
    console.log(`${label}: ${seconds.toFixed(1)} s, ${Math.round(ROWS / seconds).toLocaleString('en')} rows/s → ${res.body}; ` +
      `${[...states].filter(([s]) => s !== 'done').map(([s, ms]) => `${s} ${(ms / 1000).toFixed(1)} s`).join(', ')}; ` +
      `/healthz ${probes} answers, slowest ${slowest.toFixed(0)} ms; event loop stalled at most ${(delay.max / 1e6).toFixed(0)} ms (longest GC pause ${gcMax.toFixed(0)} ms)`)
    return { seconds, body: res.json() }
  }
  const first = await timed('import')
  const again = await timed('the same file again')
  const base = await baseline(rows)
  console.log(`baseline (raw prepared inserts, one transaction, same encryption): ${base.toFixed(1)} s, ${Math.round(ROWS / base).toLocaleString('en')} rows/s`)
  console.log(`ratio: import / baseline = ${(first.seconds / base).toFixed(2)}; target ${ROWS === 200_000 ? '< 60 s: ' + (first.seconds < 60 ? 'met' : 'MISSED') : '(200,000 rows)'}`)
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}, Node ${process.version}`)
  void again
} finally {
  await app.close()
  if (!args.keep) rmSync(dir, { recursive: true, force: true })
  else console.log(`kept ${dir}`)
}

// A round's screenings as files for officers: CSV (UTF-8 with BOM, RFC 4180, formula-guarded) and XLSX (exceljs's
// streaming writer), Chinese headers, one row per member seen (one per household visited with nobody seen), streamed.
import { PassThrough, Readable } from 'node:stream'
import ExcelJS from 'exceljs'
import type { GridpassDb } from '../../db/index.ts'
import { Validation } from '../../errors.ts'
import type { Pii } from '../../lib/pii.ts'
import type { AuditLog } from '../../plugins/audit.ts'
import { actorName, type Session } from '../../types.ts'
import type { AreasService } from '../areas/index.ts'
import { SYMPTOM_WORDS } from '../status/index.ts'
import type { ScreeningRepository, ScreeningRow } from './screening.repository.ts'
import type { MemberData, ScreeningService } from './screening.service.ts'
import { csvLine } from '../../lib/csv.ts'

type Cell = string | number | null
/** Screenings read per page: their members, people and households are read per page too. */
const PAGE = 500

export const HEADER = ['网格', '网格编号', '住址', '有人在家', '姓名', '身份证号', '体温（°C）', '症状', '返回地', '返回时间', '中高风险地区', '车牌', '判定', '排查时间', '排查人', '备注']
const RULE_WORDS: Record<string, string> = { high_risk_travel: '自中高风险地区返回（红码）', symptoms: '发热或有症状（黄码）' }


/** Asia/Shanghai (no daylight saving) as officers read it: 2026-03-01 16:00. */
const beijing = (ms: number | null): string | null => (ms === null ? null : new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' '))
/** The region (6) and the last 4 characters: enough to tell people apart on a list, not to reuse the number. */
export const maskIdNumber = (id: string | null): string | null => (id === null ? null : id.length <= 10 ? '*'.repeat(id.length) : `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}`)

interface Deps { repo: ScreeningRepository, store: GridpassDb, areas: AreasService, audit: AuditLog, pii: Pii, screening: ScreeningService }

export function createScreeningExport ({ repo, store, areas, audit, pii, screening }: Deps) {
  async function * rowsOf (roundId: string, grids: string[]): AsyncGenerator<Cell[]> {
    const gridNames = new Map<string, string>()
    for (const g of grids) gridNames.set(g, (await areas.get(g))?.name ?? g)
    let after: ScreeningRow | null = null
    for (;;) {
      const page = await repo.screeningsPage(store.db, roundId, grids, after, PAGE)
      if (page.length === 0) return
      after = page[page.length - 1] as ScreeningRow
      const members = await repo.membersOf(store.db, page.map((s) => s.id))
      const people = new Map((await repo.people(store.db, [...new Set(members.map((m) => m.personId))])).map((p) => [p.id, p]))
      const homes = new Map((await repo.householdsById(store.db, page.map((s) => s.householdId))).map((h) => [h.id, h]))
      const byScreening = new Map<string, typeof members>()
      for (const m of members) byScreening.set(m.screeningId, [...(byScreening.get(m.screeningId) ?? []), m])
      for (const s of page) {
        const home = homes.get(s.householdId)
        const head: Cell[] = [gridNames.get(s.gridId) ?? s.gridId, s.gridId, home === undefined ? null : pii.decrypt(home.addressEnc), s.present ? '是' : '否']
        const tail: Cell[] = [beijing(s.screenedAt), s.screenedBy, s.noteEnc === null ? null : pii.decrypt(s.noteEnc)]
        const seen = byScreening.get(s.id) ?? []
        if (seen.length === 0) yield [...head, ...Array<Cell>(9).fill(null), ...tail]
        for (const m of seen) {
          const d = JSON.parse(pii.decrypt(m.dataEnc)) as MemberData
          const p = people.get(m.personId)
          yield [
            ...head,
            p?.nameEnc == null ? null : pii.decrypt(p.nameEnc),
            maskIdNumber(p?.idNumberEnc == null ? null : pii.decrypt(p.idNumberEnc)),
            d.temperature,
            d.symptoms.map((x) => SYMPTOM_WORDS[x]?.zh ?? x).join('、'),
            d.returnedFrom,
            beijing(d.returnedAt),
            d.highRisk === null ? null : `${d.highRisk.name}（${d.highRisk.code}）`,
            d.plate,
            d.rules.length === 0 ? '未见异常' : d.rules.map((r) => RULE_WORDS[r] ?? r).join('；'),
            ...tail
          ]
        }
      }
      if (page.length < PAGE) return
    }
  }

  return {
    /**
     * The checks (unknown round 404, a round or area outside the reach 404 audited, unknown area 400), then the audit
     * entry (screening.export), then the rows, read page by page as they are written.
     */
    async rows (session: Session, roundId: string, areaId: string | undefined, format: 'csv' | 'xlsx'): Promise<AsyncGenerator<Cell[]>> {
      const round = await screening.roundForStaff(session, roundId, 'screening.export', 'query.roundId')
      let grids = await screening.gridsOf(round, session)
      if (areaId !== undefined) {
        if (!await areas.seesArea(session, areaId)) return areas.refuse(session, { action: 'screening.export', target: areaId, message: `query.areaId: no area ${areaId}` })
        if (await areas.get(areaId) === undefined) throw new Validation(`query.areaId: no area ${areaId}`)
        const under = new Set(await areas.gridsUnder(areaId))
        grids = grids.filter((g) => under.has(g))
      }
      await audit.record({ actor: actorName(session), role: session.role, action: 'screening.export', target: round.id, purpose: `${format}${areaId === undefined ? '' : `, area ${areaId}`}` })
      return rowsOf(round.id, grids)
    }
  }
}
export type ScreeningExport = ReturnType<typeof createScreeningExport>

/** The BOM and the header first, then the rows in chunks as they are read. */
export function csvStream (rows: AsyncIterable<Cell[]>): Readable {
  return Readable.from((async function * () {
    yield '\uFEFF' + csvLine(HEADER)
    let chunk = ''
    let n = 0
    for await (const r of rows) {
      chunk += csvLine(r)
      if (++n % PAGE === 0) { yield chunk; chunk = '' }
    }
    if (chunk !== '') yield chunk
  })(), { objectMode: false })
}

/**
 * One worksheet (排查结果), written row by row with exceljs's streaming writer. Every cell is a value (text or number),
 * never a formula: text beginning with = stays text in the file.
 */
export function xlsxStream (rows: AsyncIterable<Cell[]>, title: string): Readable {
  const out = new PassThrough()
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false })
  book.title = title
  const sheet = book.addWorksheet('排查结果')
  void (async () => {
    sheet.addRow(HEADER).commit()
    for await (const r of rows) sheet.addRow(r).commit()
    sheet.commit()
    await book.commit()
  })().catch((err: unknown) => out.destroy(err as Error))
  return out
}

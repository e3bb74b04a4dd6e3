// A register body: its bytes read from the request stream under a limit, its charset told (UTF-8 or GBK), its records parsed.
import { isUtf8 } from 'node:buffer'
import { Readable } from 'node:stream'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { parse } from 'csv-parse'
import iconv from 'iconv-lite'
import { PayloadTooLarge, UnsupportedMediaType, Validation } from '../../errors.ts'

/** The largest register body: 200,000 rows of a county's register are ~20 MB in UTF-8 (less in GBK). */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024
/** Bytes decoded and handed to the CSV parser at a time: the body is never one 50 MB string. */
const SLICE = 64 * 1024

export type Charset = 'utf-8' | 'gbk'

const GBK_NAMES = new Set(['gbk', 'gb2312', 'gb18030', 'cp936', 'x-gbk', 'windows-936'])
const UTF8_NAMES = new Set(['utf-8', 'utf8'])

/** The charset named in a Content-Type, if any; one neither UTF-8 nor GBK → 415. */
export function declaredCharset (contentType: string | undefined): Charset | undefined {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '')
  if (m === null) return undefined
  const name = (m[1] as string).toLowerCase()
  if (UTF8_NAMES.has(name)) return 'utf-8'
  if (GBK_NAMES.has(name)) return 'gbk'
  throw new UnsupportedMediaType(`body: charset ${name.slice(0, 40)} is not supported; send UTF-8 or GBK (charset=gbk)`)
}

/** The whole body as byte chunks (never as text), refused with 413 past the limit. */
export async function readBody (stream: AsyncIterable<Buffer>, declaredLength: number | undefined, onBytes: (n: number) => void): Promise<Buffer[]> {
  const tooLarge = (): never => { throw new PayloadTooLarge(`body: over the limit of ${MAX_IMPORT_BYTES} bytes (50 MiB, about 500,000 rows); split the register into several files`) }
  if (declaredLength !== undefined && declaredLength > MAX_IMPORT_BYTES) tooLarge()
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stream) {
    size += chunk.length
    if (size > MAX_IMPORT_BYTES) tooLarge()
    chunks.push(chunk)
    onBytes(size)
  }
  return chunks
}

/**
 * The charset of the body: the declared one, else UTF-8 when the bytes are valid UTF-8 (a BOM or not), else GBK (what a
 * spreadsheet saves on Chinese Windows). Whether GBK fits is seen while decoding (decodeSlices).
 */
export function charsetOf (body: Buffer, declared: Charset | undefined): Charset {
  if (declared === 'utf-8' && !isUtf8(body)) throw new UnsupportedMediaType('body: the file is not valid UTF-8 (declared charset=utf-8); save it as UTF-8, or send a GBK file with charset=gbk')
  return declared ?? (isUtf8(body) ? 'utf-8' : 'gbk')
}

const NEITHER = 'body: the file is neither UTF-8 nor GBK; save it from the spreadsheet as "CSV UTF-8" or as CSV (GBK)'

/** The body as text, a slice at a time; bytes that are no GBK character → 415. */
async function * decodeSlices (body: Buffer, charset: Charset, declared: boolean): AsyncGenerator<string> {
  // GB18030 is GBK's superset: a file declared or detected as GBK decodes the same.
  const decoder = charset === 'gbk' ? iconv.getDecoder('gb18030') : iconv.getDecoder('utf-8')
  const check = (text: string): string => {
    if (charset === 'gbk' && text.includes('\uFFFD')) {
      throw new UnsupportedMediaType(declared ? 'body: the file is not valid GBK (declared charset=gbk)' : NEITHER)
    }
    return text
  }
  for (let at = 0; at < body.length; at += SLICE) {
    yield check(decoder.write(body.subarray(at, at + SLICE)))
    await nextTurn()
  }
  const rest = decoder.end()
  if (rest !== undefined && rest !== '') yield check(rest)
}

/** One CSV record with its row number (1 = the first line after the header; a blank line is skipped but counted). */
export interface CsvRecord { row: number, fields: string[] }

/**
 * The records of the body, the header as row 0. Fields are trimmed; a ragged row is kept as it is for the caller to
 * refuse. A quote that never closes → 400 naming the line.
 */
export async function * csvRecords (body: Buffer, charset: Charset, declared: boolean): AsyncGenerator<CsvRecord> {
  const parser = parse({ bom: true, trim: true, relax_column_count: true, skip_empty_lines: false })
  const source = Readable.from(decodeSlices(body, charset, declared), { objectMode: false })
  source.on('error', (err) => parser.destroy(err))
  source.pipe(parser)
  let row = 0
  try {
    for await (const fields of parser as AsyncIterable<string[]>) {
      const current = row++
      if (fields.length === 1 && fields[0] === '') continue
      yield { row: current, fields }
    }
  } catch (err) {
    const e = err as { code?: string, message?: string, lines?: number }
    if (typeof e.code === 'string' && e.code.startsWith('CSV_')) {
      throw new Validation(`body: not a readable CSV file at line ${e.lines ?? '?'} (${e.code}); check for a quote that is never closed`)
    }
    throw err
  } finally {
    source.destroy()
  }
}

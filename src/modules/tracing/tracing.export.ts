// Trails and contacts as files: CSV (UTF-8 with BOM, RFC 4180, formula-guarded) and GeoJSON, written as streams.
import { Readable } from 'node:stream'
import { iso } from '../common.schemas.ts'
import type { Checkpoint } from '../checkpoints/index.ts'
import type { Contact, TrailScan } from './tracing.service.ts'
import { csvLine } from '../../lib/csv.ts'

type Cell = string | number | boolean | null
/** Rows per chunk written to the socket. */
const BATCH = 500


/** The BOM and header first, then the rows in chunks, so a long file never sits in memory as one string. */
function csv (header: string[], rows: Iterable<Cell[]>): Readable {
  return Readable.from((function * () {
    yield '\uFEFF' + csvLine(header)
    let chunk = ''
    let n = 0
    for (const r of rows) {
      chunk += csvLine(r)
      if (++n % BATCH === 0) { yield chunk; chunk = '' }
    }
    if (chunk !== '') yield chunk
  })(), { objectMode: false })
}

export function trailCsv (scans: TrailScan[]): Readable {
  return csv(['scanId', 'scannedAt', 'checkpointId', 'checkpointName', 'direction', 'color', 'decision', 'plate'],
    (function * () { for (const s of scans) yield [s.id, iso(s.scannedAt), s.checkpointId, s.checkpointName, s.direction, s.color, s.decision, s.plate] })())
}

/** One row per encounter (every one, in the answer's order); names are decrypted by the caller's `nameOf` as rows are written. */
export function contactsCsv (contacts: Contact[], nameOf: (personId: string) => string | null, checkpointName: (id: string) => string | null): Readable {
  return csv(['personId', 'displayName', 'tier', 'depth', 'via', 'score', 'firstEncounterAt', 'encounterTier', 'checkpointId', 'checkpointName', 'kind', 'at', 'indexAt', 'gapSeconds', 'overlapSeconds', 'sameVehicle', 'withPersonId'],
    (function * () {
      for (const c of contacts) {
        const name = nameOf(c.personId)
        for (const e of c.encounters) {
          yield [c.personId, name, c.tier, c.depth, c.via, c.score, iso(c.firstEncounterAt), e.tier, e.checkpointId, e.checkpointId === null ? null : checkpointName(e.checkpointId), e.kind, iso(e.at), iso(e.indexAt), e.gapSeconds, e.overlapSeconds, e.sameVehicle, e.withPersonId]
        }
      }
    })())
}

/**
 * A FeatureCollection: one Point per checkpoint visited that has coordinates (in order of first visit), then the
 * route as one LineString in time order (repeated positions in a row collapsed; left out under 2 positions).
 */
export function trailGeoJson (personId: string, scans: TrailScan[], checkpoints: Map<string, Checkpoint>, from: number, to: number): Readable {
  const located = (id: string): Checkpoint | undefined => {
    const c = checkpoints.get(id)
    return c !== undefined && c.lat !== null && c.lon !== null ? c : undefined
  }
  const visits = new Map<string, string[]>()
  const route: Array<[number, number]> = []
  for (const s of scans) {
    const c = located(s.checkpointId)
    if (c === undefined) continue
    const times = visits.get(c.id)
    if (times === undefined) visits.set(c.id, [iso(s.scannedAt)])
    else times.push(iso(s.scannedAt))
    const last = route[route.length - 1]
    if (last === undefined || last[0] !== c.lon || last[1] !== c.lat) route.push([c.lon as number, c.lat as number])
  }
  return Readable.from((function * () {
    yield '{"type":"FeatureCollection","features":['
    let first = true
    for (const [id, times] of visits) {
      const c = located(id) as Checkpoint
      const feature = { type: 'Feature', geometry: { type: 'Point', coordinates: [c.lon, c.lat] }, properties: { checkpointId: id, name: c.name, kind: c.kind, scans: times } }
      yield (first ? '' : ',') + JSON.stringify(feature)
      first = false
    }
    if (route.length >= 2) {
      const feature = { type: 'Feature', geometry: { type: 'LineString', coordinates: route }, properties: { personId, from: iso(from), to: iso(to) } }
      yield (first ? '' : ',') + JSON.stringify(feature)
    }
    yield ']}'
  })(), { objectMode: false })
}

// The demo county's structure for scripts/seed.ts: 宜都's area tree (city, streets and towns, communities and villages,
// grids), household addresses, and the names of its places. Pure: no I/O (seed-staff.ts writes teams and screening).
import { checkAddress } from '../../src/lib/address.ts'
import type { Pii } from '../../src/lib/pii.ts'
import type { Rng } from './seed-rng.ts'

export const CENTER = { lat: 30.388, lon: 111.450 }
export const KM_LAT = 1 / 111.0
export const KM_LON = 1 / (111.32 * Math.cos(CENTER.lat * Math.PI / 180))

/** 宜都's ten streets and towns (陆城 is the county town), their centres in km east and north of 陆城 (approximate). */
export const STREETS = [
  { name: '陆城街道', short: '陆城', east: 0, north: 0 },
  { name: '红花套镇', short: '红花套', east: -6, north: 14 },
  { name: '高坝洲镇', short: '高坝洲', east: -10, north: 3 },
  { name: '聂家河镇', short: '聂家河', east: -15, north: -10 },
  { name: '松木坪镇', short: '松木坪', east: -3, north: -20 },
  { name: '枝城镇', short: '枝城', east: 6, north: -9 },
  { name: '姚家店镇', short: '姚家店', east: 2, north: 9 },
  { name: '五眼泉镇', short: '五眼泉', east: -8, north: -5 },
  { name: '王畈镇', short: '王畈', east: -14, north: -18 },
  { name: '潘家湾土家族乡', short: '潘家湾', east: -24, north: -25 }
] as const
export const CITY = '宜都市'

type Street = (typeof STREETS)[number]
const streetAt = (i: number): Street => STREETS[i] as Street
const centreOf = (street: number): { lat: number, lon: number } => {
  const s = streetAt(street)
  return { lat: +(CENTER.lat + s.north * KM_LAT).toFixed(6), lon: +(CENTER.lon + s.east * KM_LON).toFixed(6) }
}

const URBAN = ['清江', '陆城', '园林', '桥河', '东门', '西湖', '南岸', '北门', '滨江', '金缔', '名都', '杨守敬', '长江', '宜红', '合江', '龙窝', '古潭', '十里铺', '枝城', '红花']
const TOWN_PARTS = ['集镇', '东街', '西街', '新街', '河街', '桥头', '车站', '新村', '工业园', '滨河', '南门', '北门']
const VILLAGES = ['渔洋溪', '周家河', '杨家畈', '白水港', '大溪', '刘家坝', '双龙', '茶园', '桂花', '石板', '龙洞', '向家岭', '柳津滩', '毛湖淌', '三堰', '青林寺']
const NUMERALS = ['', '二', '三', '四', '五', '六', '七', '八', '九', '十']
const nth = (k: number): string => (k < NUMERALS.length ? NUMERALS[k] as string : String(k + 1))

/** A community (社区) or village (村): its street, name, the gate that is its checkpoint, and where the gate stands. */
export interface Home { kind: 'community' | 'village', street: number, name: string, gate: string, center: { lat: number, lon: number }, minKm: number, maxKm: number }

/**
 * The homes of the county: community gates alternate between 陆城 (within 4.5 km of its centre) and the nine towns'
 * seats (within 1.5 km of theirs); villages go round the nine towns, 1.5 to 7 km from the town's centre.
 */
export function homes (communities: number, villages: number): Home[] {
  const out: Home[] = []
  for (let i = 0; i < communities; i++) {
    const j = i >> 1
    const street = i % 2 === 0 ? 0 : 1 + (j % 9)
    const name = street === 0
      ? `${URBAN[j % URBAN.length] as string}${nth(Math.floor(j / URBAN.length))}社区`
      : `${streetAt(street).short}${TOWN_PARTS[Math.floor(j / 9) % TOWN_PARTS.length] as string}${Math.floor(j / 9) >= TOWN_PARTS.length ? nth(Math.floor(j / 9 / TOWN_PARTS.length)) : ''}社区`
    out.push({ kind: 'community', street, name, gate: `${name}大门`, center: centreOf(street), minKm: 0, maxKm: street === 0 ? 4.5 : 1.5 })
  }
  for (let i = 0; i < villages; i++) {
    const street = 1 + (i % 9)
    const k = Math.floor(i / 9)
    const name = `${VILLAGES[k % VILLAGES.length] as string}${k >= VILLAGES.length ? nth(Math.floor(k / VILLAGES.length)) : ''}村`
    out.push({ kind: 'village', street, name, gate: `${streetAt(street).name}${name}卡口`, center: centreOf(street), minKm: 1.5, maxKm: 7 })
  }
  return out
}

export type Level = 'city' | 'street' | 'community' | 'grid'
export interface AreaRow { id: string, name: string, level: Level, parentId: string | null }

/** The tree, parents first: the city, its streets, a community per home (under its street), the grids of each home. */
export function areaTree (rng: Rng, list: Home[], gridsOfHome: Array<Array<{ id: string, name: string }>>): { rows: AreaRow[], cityId: string, streetIds: string[], communityIds: string[] } {
  const cityId = rng.id()
  const rows: AreaRow[] = [{ id: cityId, name: CITY, level: 'city', parentId: null }]
  const streetIds = STREETS.map((s) => {
    const id = rng.id()
    rows.push({ id, name: s.name, level: 'street', parentId: cityId })
    return id
  })
  const communityIds = list.map((h) => {
    const id = rng.id()
    rows.push({ id, name: h.name, level: 'community', parentId: streetIds[h.street] as string })
    return id
  })
  list.forEach((_, i) => { for (const g of gridsOfHome[i] ?? []) rows.push({ id: g.id, name: g.name, level: 'grid', parentId: communityIds[i] as string }) })
  return { rows, cityId, streetIds, communityIds }
}

/**
 * The n-th household address of a home, as 一标三实 writes them: a flat of a building in a town community
 * (湖北省宜都市陆城街道清江社区3栋2单元502室), a house of a villagers' group in a village (…渔洋溪村4组17号).
 */
export function addressOf (home: Home, n: number): string {
  const prefix = `湖北省${CITY}${streetAt(home.street).name}${home.name}`
  if (home.kind === 'village') return `${prefix}${Math.floor(n / 40) + 1}组${(n % 40) + 1}号`
  const building = Math.floor(n / 24) + 1
  const unit = Math.floor((n % 24) / 12) + 1
  const floor = Math.floor((n % 12) / 2) + 1
  return `${prefix}${building}栋${unit}单元${floor}0${(n % 2) + 1}室`
}

/**
 * households.address_idx as the households module computes it (households.service.ts addressIndex): the blind index
 * of the grid and the address's comparison key (src/lib/address.ts), so one address is one household per grid.
 */
export function addressIndex (pii: Pii, gridId: string, address: string): string {
  const checked = checkAddress(address)
  if (!checked.ok) throw new Error(`seed address refused: ${checked.why}`)
  return pii.index('address', `${gridId}|${checked.key}`)
}

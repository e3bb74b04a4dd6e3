// Fraud signals: the same code, or the same person, at two places farther apart than the time between allows.
export const MAX_SPEED_KMH = 120
/** Gates of one community can be a few hundred metres apart: closer than this is never flagged. */
export const MIN_DISTANCE_KM = 1

export interface Sighting { checkpointId: string, at: number, lat: number | null, lon: number | null }
export type FraudFlag = 'code_impossible_travel' | 'person_impossible_travel'

export function distanceKm (a: { lat: number, lon: number }, b: { lat: number, lon: number }): number {
  const rad = Math.PI / 180
  const dLat = (b.lat - a.lat) * rad
  const dLon = (b.lon - a.lon) * rad
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)))
}

/** True when nobody could travel between the two sightings in the time between them. */
export function impossible (a: Sighting, b: Sighting): boolean {
  if (a.checkpointId === b.checkpointId || a.lat === null || a.lon === null || b.lat === null || b.lon === null) return false
  const km = distanceKm({ lat: a.lat, lon: a.lon }, { lat: b.lat, lon: b.lon })
  if (km < MIN_DISTANCE_KM) return false
  const hours = Math.abs(a.at - b.at) / 3_600_000
  return km > MAX_SPEED_KMH * hours
}

// Checking in at a place (场所码): the same call and the same reading of its answer for the check-in page and for the
// resident page's own scan. A retry of the same place code in this visit reuses its id, so it is never counted twice.
import { errorKey, uuid } from './api.ts'
import { residentClient } from './resident-session.ts'
import { placeTokenOf } from './verify.ts'

export interface CheckinShown {
  decision: 'allow' | 'deny'
  color: 'green' | 'yellow' | 'red'
  checkpointName: string
  at: string
}
export type CheckinOutcome = { ok: true, result: CheckinShown } | { ok: false, key: string, status: number }

function idFor (placeToken: string): string {
  const key = `gp.checkin.${placeToken.slice(-24)}`
  try {
    const known = sessionStorage.getItem(key)
    if (known !== null) return known
    const id = uuid()
    sessionStorage.setItem(key, id)
    return id
  } catch {
    return uuid()
  }
}

/** Checks in with a scanned text (a check-in URL or a bare place token). */
export async function checkIn (text: string): Promise<CheckinOutcome> {
  const placeToken = placeTokenOf(text)
  if (placeToken === null) return { ok: false, key: 'checkin.badPlace', status: 0 }
  let res
  try {
    res = await residentClient().POST('/v1/me/checkins', { body: { id: idFor(placeToken), placeToken } })
  } catch {
    return { ok: false, key: 'error.network', status: 0 }
  }
  const { data, error, response } = res
  if (data !== undefined) return { ok: true, result: { decision: data.decision, color: data.color, checkpointName: data.checkpointName, at: data.at } }
  const body = error as { code?: string, message?: string } | undefined
  // The server names placeToken when the code is forged, expired or of another kind: say so in words.
  if (body?.code === 'GP_VALIDATION' && (body.message ?? '').includes('placeToken')) return { ok: false, key: 'checkin.badPlace', status: response.status }
  if (response.status === 404) return { ok: false, key: 'checkin.unknownPlace', status: 404 }
  return { ok: false, key: errorKey(error, response.status), status: response.status }
}

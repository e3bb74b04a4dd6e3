// The live code's life on the device: fetched, refreshed at half its life, and judged void by the device's own clock
// once its lifetime has passed since it was fetched (the phone's clock may differ from the server's; the lifetime does not).
import { computed, ref } from 'vue'
import { errorKey } from '../shared/api.ts'
import { residentClient } from '../shared/resident-session.ts'

export interface LiveCode { token: string, color: 'green' | 'yellow' | 'red', lifeMs: number, validUntil: number, displayName: string }
export type LoadResult = 'ok' | 'auth' | 'profile' | 'offline' | 'error'

const RETRY_MS = 5000

export function useLiveCode () {
  const code = ref<LiveCode | null>(null)
  const now = ref(Date.now())
  const offline = ref(typeof navigator !== 'undefined' && navigator.onLine === false)
  const error = ref<string | null>(null)
  let refreshTimer: ReturnType<typeof setTimeout> | undefined
  let clockTimer: ReturnType<typeof setInterval> | undefined
  let running = false

  const isVoid = computed(() => code.value !== null && now.value >= code.value.validUntil)

  function schedule (ms: number): void {
    clearTimeout(refreshTimer)
    if (running) refreshTimer = setTimeout(() => { void load() }, ms)
  }

  async function load (): Promise<LoadResult> {
    let res
    try {
      res = await residentClient().GET('/v1/me/code')
    } catch {
      offline.value = true
      schedule(RETRY_MS)
      return 'offline'
    }
    offline.value = false
    const { data, error: body, response } = res
    if (response.status === 401) return 'auth'
    if (response.status === 409) return 'profile'
    if (data === undefined) {
      error.value = errorKey(body, response.status)
      schedule(RETRY_MS * 2)
      return 'error'
    }
    error.value = null
    const lifeMs = Math.max(1000, Date.parse(data.expiresAt) - Date.parse(data.issuedAt))
    const fetchedAt = Date.now()
    code.value = { token: data.token, color: data.color, lifeMs, validUntil: fetchedAt + lifeMs, displayName: data.displayName }
    now.value = fetchedAt
    schedule(lifeMs / 2)
    return 'ok'
  }

  function start (): void {
    running = true
    clearInterval(clockTimer)
    clockTimer = setInterval(() => { now.value = Date.now() }, 1000)
  }

  function stop (): void {
    running = false
    clearTimeout(refreshTimer)
    clearInterval(clockTimer)
  }

  function reset (): void {
    stop()
    code.value = null
    error.value = null
  }

  return { code, now, offline, error, isVoid, load, start, stop, reset }
}

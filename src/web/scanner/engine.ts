// The scanner's work, apart from its screens: judge a scan here and on the server, keep every scan in the queue until
// the server has answered it, sync the rest with back-off, and keep the keys and the status list fresh.
import { reactive } from 'vue'
import { errorKey, makeClient, uuid } from '../shared/api.ts'
import {
  classify, importKeySet, judgeOffline, verifyCodeLocally, verifyStatusList,
  type KeySet, type OfflineJudgement, type PublicJwk, type StatusListPayload
} from '../shared/verify.ts'
import { openStore, type CachedKeys, type CachedList, type QueuedScan, type ScanBody, type Store } from './store.ts'

export interface ServerAnswer {
  id: string
  decision: 'allow' | 'deny'
  color: 'green' | 'yellow' | 'red' | null
  personId: string | null
  displayName: string | null
  reason: string | null
  recorded: boolean
  duplicate: boolean
  kind?: string | null
}

export interface Session { token: string, expiresAt: number, username: string }
export interface Checkpoint { id: string, name: string, kind: string }
export type Direction = 'in' | 'out' | 'pass'

/** What the volunteer sees after a scan. */
export type Shown =
  | { type: 'verdict', scanId?: string, from: 'server' | 'local', decision: 'allow' | 'deny', color: 'green' | 'yellow' | 'red' | null, reason: string | null, displayName: string | null, at: number }
  | { type: 'notcode' | 'place' | 'error', scanId?: string, messageKey: string, at: number }

export interface Mismatch { id: string, scannedAt: string, local: OfflineJudgement, server: ServerAnswer }

/** Milliseconds the server may take before the local verdict is shown instead. */
export const SERVER_WAIT_MS = 1500
/** Keys and status list are fetched again this often when online. */
export const REFRESH_MS = 5 * 60_000
/** The same code scanned again within this is ignored (the camera sees it in many frames). */
export const SAME_CODE_MS = 10_000
const SKEW_MS = 30_000
const BATCH = 1000

const SESSION_KEY = 'gp.scanner.session'
const ACCOUNT_KEY = 'gp.scanner.account'
const CHECKPOINT_KEY = 'gp.scanner.checkpoint'

function readJson<T> (key: string): T | null {
  try { return JSON.parse(localStorage.getItem(key) ?? 'null') as T | null } catch { return null }
}
function writeJson (key: string, value: unknown): void {
  try { if (value === null) localStorage.removeItem(key); else localStorage.setItem(key, JSON.stringify(value)) } catch { /* private mode */ }
}

export function createEngine () {
  const state = reactive({
    ready: false,
    session: readJson<Session>(SESSION_KEY),
    /** The session expired (or was refused) while scans wait: log in again before they can sync. */
    needLogin: false,
    account: readJson<{ username: string, role: string, checkpoints: Checkpoint[] }>(ACCOUNT_KEY),
    checkpointId: (() => { try { return localStorage.getItem(CHECKPOINT_KEY) } catch { return null } })(),
    direction: 'in' as Direction,
    plate: null as string | null,
    online: navigator.onLine,
    durable: true,
    canVerify: typeof crypto !== 'undefined' && crypto.subtle !== undefined,
    keysFetchedAt: null as number | null,
    listFetchedAt: null as number | null,
    issuer: null as string | null,
    /** Server clock minus this device's, from the Date header of the last answer. */
    clockOffsetMs: 0,
    pending: 0,
    lastSyncAt: null as number | null,
    syncing: false,
    syncError: null as string | null,
    mismatches: [] as Mismatch[],
    shown: null as Shown | null,
    now: Date.now()
  })

  let store: Store
  let keys: KeySet = new Map()
  let list: StatusListPayload | null = null
  let backoffMs = 0
  let nextSyncAt = 0
  const inFlight = new Set<string>()
  const recent = new Map<string, number>()
  const api = makeClient(() => state.session?.token ?? null)

  function observeClock (response: Response | undefined, started: number): void {
    const date = response?.headers.get('date')
    if (date === null || date === undefined) return
    const server = Date.parse(date)
    // The Date header has whole seconds: only a difference well past that rounding counts.
    if (!Number.isNaN(server)) state.clockOffsetMs = server + 500 - (started + Date.now()) / 2
  }

  const serverNow = (): number => Date.now() + (Math.abs(state.clockOffsetMs) > 2000 ? state.clockOffsetMs : 0)
  const clockSkewed = (): boolean => Math.abs(state.clockOffsetMs) > SKEW_MS

  async function loadCached (): Promise<void> {
    const k = await store.get<CachedKeys>('jwks')
    if (k !== undefined) { keys = await importKeySet(k.keys as PublicJwk[]); state.keysFetchedAt = k.fetchedAt }
    const l = await store.get<CachedList>('statusList')
    if (l !== undefined && keys.size > 0) {
      list = await verifyStatusList(l.token, keys)
      if (list !== null) { state.listFetchedAt = l.fetchedAt; state.issuer = list.iss }
    }
    state.lastSyncAt = (await store.get<number>('lastSyncAt')) ?? null
    state.pending = await store.count()
  }

  /** Public keys and the signed status list, kept for offline judgement. Either may fail alone. */
  async function refresh (): Promise<void> {
    if (!state.online) return
    try {
      const started = Date.now()
      const res = await fetch('/.well-known/jwks.json', { cache: 'no-store' })
      observeClock(res, started)
      if (res.ok) {
        const body = await res.json() as { keys: PublicJwk[] }
        if (state.canVerify) keys = await importKeySet(body.keys)
        const fetchedAt = Date.now()
        await store.set('jwks', { keys: body.keys, fetchedAt })
        state.keysFetchedAt = fetchedAt
      }
    } catch { /* offline: the cached keys stay */ }
    if (state.session === null || state.needLogin) return
    try {
      const started = Date.now()
      const { data, response } = await api.GET('/v1/status-list')
      observeClock(response, started)
      if (response.status === 401) { loginExpired(); return }
      if (data !== undefined && state.canVerify) {
        const verified = await verifyStatusList(data.token, keys)
        // A list whose signature does not verify is never kept: the previous one stays.
        if (verified !== null) {
          list = verified
          state.issuer = verified.iss
          const fetchedAt = Date.now()
          await store.set('statusList', { token: data.token, fetchedAt })
          state.listFetchedAt = fetchedAt
        }
      }
    } catch { /* offline */ }
  }

  function loginExpired (): void {
    state.needLogin = true
  }

  async function judgeLocally (token: string, at: number): Promise<OfflineJudgement | null> {
    if (!state.canVerify || keys.size === 0) return null
    // The issuer is the one the signed status list names; before any list, the service's default.
    const verdict = await verifyCodeLocally(token, { keys, issuer: state.issuer ?? 'gridpass', skewSeconds: SKEW_MS / 1000, at })
    return judgeOffline(verdict, list)
  }

  function show (shown: Shown): void {
    state.shown = shown
  }

  function showLocal (local: OfflineJudgement | null, scanId: string): void {
    if (local === null) { show({ type: 'error', scanId, messageKey: 'scan.cannotJudge', at: Date.now() }); return }
    show({ type: 'verdict', scanId, from: 'local', decision: local.decision, color: local.color, reason: local.reason, displayName: null, at: Date.now() })
  }

  function differs (local: OfflineJudgement | null, server: ServerAnswer): boolean {
    return local !== null && (local.decision !== server.decision || (server.color !== null && local.color !== server.color))
  }

  /** The server answered a queued scan: it leaves the queue; a different verdict from the one shown is reported. */
  async function answered (scan: QueuedScan, server: ServerAnswer): Promise<void> {
    await store.remove([scan.body.id])
    if (scan.shownLocal && differs(scan.local, server) && scan.local !== null) {
      state.mismatches.unshift({ id: scan.body.id, scannedAt: scan.body.scannedAt, local: scan.local, server })
    }
  }

  /** A decoded QR text: what the camera, a photo or a keyboard-wedge scanner read. */
  async function scanText (text: string): Promise<void> {
    const now = Date.now()
    for (const [t, at] of recent) if (now - at > SAME_CODE_MS) recent.delete(t)
    if (recent.has(text)) return
    recent.set(text, now)
    const what = classify(text)
    if (what.kind === 'other') { show({ type: 'notcode', messageKey: 'scan.notCode', at: now }); return }
    if (what.kind === 'place') { show({ type: 'place', messageKey: 'scan.placeCode', at: now }); return }
    const checkpointId = state.checkpointId
    if (checkpointId === null) return
    const at = serverNow()
    const body: ScanBody = { id: uuid(), token: what.token, checkpointId, scannedAt: new Date(at).toISOString(), direction: state.direction }
    if (state.plate !== null) body.plate = state.plate
    const scan: QueuedScan = { body, local: null, shownLocal: false }
    // Into the queue first: from here on a crash or a reload cannot lose it.
    let queued = state.durable
    try { await store.add(scan) } catch { queued = false; state.durable = false }
    scan.local = await judgeLocally(what.token, at)
    if (queued) await store.update(scan).catch(() => undefined)
    state.pending = await store.count()
    const canSend = state.online && state.session !== null && !state.needLogin
    if (!canSend) {
      if (!queued) { show({ type: 'error', messageKey: 'scan.cannotQueue', at: Date.now() }); return }
      scan.shownLocal = true
      await store.update(scan).catch(() => undefined)
      showLocal(scan.local, body.id)
      return
    }
    inFlight.add(body.id)
    const request = sendOne(scan)
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), SERVER_WAIT_MS))
    const first = await Promise.race([request, timer])
    if (first === 'timeout' || first === null) {
      // The server is slow or unreachable: the local verdict stands in, and the server's answer, when it comes, is compared.
      scan.shownLocal = true
      if (queued) await store.update(scan).catch(() => undefined)
      if (!queued && first === null) { show({ type: 'error', messageKey: 'scan.cannotQueue', at: Date.now() }); return }
      showLocal(scan.local, body.id)
    }
    const final = first === 'timeout' ? await request : first
    inFlight.delete(body.id)
    if (final !== null && 'decision' in final) {
      // On time, or late while the stand-in verdict of this scan is still on screen: the server's verdict is shown.
      const standIn = state.shown !== null && state.shown.scanId === body.id
      if (first !== 'timeout' || standIn) show({ type: 'verdict', scanId: body.id, from: 'server', decision: final.decision, color: final.color, reason: final.reason, displayName: final.displayName, at: Date.now() })
      await answered(scan, final)
    } else if (final !== null && 'errorKey' in final) {
      if (first !== 'timeout') show({ type: 'error', messageKey: final.errorKey, at: Date.now() })
    }
    state.pending = await store.count()
  }

  /** One scan to POST /v1/scans; null when the network failed (the scan stays queued). */
  async function sendOne (scan: QueuedScan): Promise<ServerAnswer | { errorKey: string } | null> {
    try {
      const started = Date.now()
      const { data, error, response } = await api.POST('/v1/scans', { body: scan.body })
      observeClock(response, started)
      if (data !== undefined) return data as ServerAnswer
      if (response.status === 401) { loginExpired(); return null }
      if (response.status >= 500 || response.status === 429) return null
      // Arrived later than the clock skew allows for a scan "now" (a stalled network): it stays queued and goes by
      // batch, judged as of its scannedAt.
      const message = (error as { message?: unknown } | undefined)?.message
      if (response.status === 400 && typeof message === 'string' && message.startsWith('body.scannedAt')) return null
      // 403 (not assigned here), 404, 409, 400: the server will never accept this scan; it leaves the queue, said on screen.
      await store.remove([scan.body.id])
      return { errorKey: errorKey(error, response.status) }
    } catch {
      return null
    }
  }

  /** Everything still queued, through POST /v1/scans/batch, oldest first, 1000 at a time. */
  async function sync (force = false): Promise<void> {
    if (state.syncing || !state.online || state.session === null || state.needLogin) return
    if (!force && Date.now() < nextSyncAt) return
    state.syncing = true
    try {
      for (;;) {
        const waiting = (await store.all()).filter((s) => !inFlight.has(s.body.id)).slice(0, BATCH)
        if (waiting.length === 0) break
        const started = Date.now()
        const { data, response } = await api.POST('/v1/scans/batch', { body: { scans: waiting.map((s) => s.body) } })
        observeClock(response, started)
        if (response.status === 401) { loginExpired(); throw new Error('login') }
        if (data === undefined) throw new Error(`status ${response.status}`)
        for (let i = 0; i < waiting.length; i++) {
          const result = data.results[i] as ServerAnswer | { id: string | null, error: { statusCode: number } } | undefined
          const scan = waiting[i] as QueuedScan
          if (result === undefined) continue
          if ('decision' in result) await answered(scan, result)
          // An item the server refuses for good (not assigned, unknown checkpoint, conflict, bad shape) leaves the queue.
          else if (result.error.statusCode < 500 && result.error.statusCode !== 429) await store.remove([scan.body.id])
        }
        state.lastSyncAt = Date.now()
        await store.set('lastSyncAt', state.lastSyncAt)
        state.pending = await store.count()
      }
      backoffMs = 0
      nextSyncAt = 0
      state.syncError = null
    } catch (err) {
      // Back off: 2 s, 4 s, … up to a minute, with jitter so a gate's phones do not retry in step.
      backoffMs = Math.min(60_000, Math.max(2000, backoffMs * 2))
      nextSyncAt = Date.now() + backoffMs * (0.75 + Math.random() * 0.5)
      state.syncError = err instanceof Error && err.message === 'login' ? 'sync.needLogin' : 'sync.failed'
    } finally {
      state.pending = await store.count()
      state.syncing = false
    }
  }

  async function login (username: string, password: string): Promise<string | null> {
    try {
      const { data, error, response } = await api.POST('/v1/auth/login', { body: { username, password } })
      if (data === undefined) return response.status === 401 ? 'error.login' : errorKey(error, response.status)
      state.session = { token: data.accessToken, expiresAt: Date.now() + data.expiresIn * 1000, username }
      writeJson(SESSION_KEY, state.session)
      state.needLogin = false
      const account = await api.GET('/v1/me/account')
      if (account.data !== undefined) {
        state.account = { username: account.data.username, role: account.data.role, checkpoints: account.data.checkpoints }
        writeJson(ACCOUNT_KEY, state.account)
        if (!state.account.checkpoints.some((c) => c.id === state.checkpointId)) chooseCheckpoint(state.account.checkpoints[0]?.id ?? null)
      }
      await refresh()
      void sync(true)
      return null
    } catch {
      return 'error.network'
    }
  }

  /** Logging out keeps the queue (it is the scans', not the volunteer's): it syncs after the next login. */
  function logout (): void {
    state.session = null
    state.account = null
    writeJson(SESSION_KEY, null)
    writeJson(ACCOUNT_KEY, null)
  }

  function chooseCheckpoint (id: string | null): void {
    state.checkpointId = id
    try { if (id === null) localStorage.removeItem(CHECKPOINT_KEY); else localStorage.setItem(CHECKPOINT_KEY, id) } catch { /* private mode */ }
  }

  /** A typed ID number (a person without a code): online only, the server judges. */
  async function scanIdNumber (idNumber: string): Promise<string | null> {
    if (state.checkpointId === null) return 'scan.chooseCheckpoint'
    if (!state.online) return 'scan.idNeedsNetwork'
    try {
      const body = { id: uuid(), idNumber, checkpointId: state.checkpointId, direction: state.direction, ...(state.plate !== null ? { plate: state.plate } : {}) }
      const { data, error, response } = await api.POST('/v1/scans/id', { body })
      if (response.status === 401) { loginExpired(); return 'error.GP_UNAUTHENTICATED' }
      if (data === undefined) return errorKey(error, response.status)
      show({ type: 'verdict', from: 'server', decision: data.decision, color: data.color, reason: data.reason, displayName: data.displayName, at: Date.now() })
      return null
    } catch {
      return 'error.network'
    }
  }

  /** A photo of a code: the server decodes it when online; offline the page decodes it and judges it as a scan. */
  async function scanPhoto (file: File, decodeHere: (file: File) => Promise<string | null>): Promise<string | null> {
    if (state.checkpointId === null) return 'scan.chooseCheckpoint'
    if (!state.online || state.session === null || state.needLogin) {
      const text = await decodeHere(file)
      if (text === null) return 'error.field.image'
      await scanText(text)
      return null
    }
    const form = new FormData()
    form.set('id', uuid())
    form.set('checkpointId', state.checkpointId)
    form.set('direction', state.direction)
    if (state.plate !== null) form.set('plate', state.plate)
    form.set('image', file)
    try {
      const response = await fetch('/v1/scans/image', { method: 'POST', body: form, headers: { authorization: `Bearer ${state.session.token}` } })
      const body = await response.json().catch(() => null) as ServerAnswer | null
      if (response.status === 401) { loginExpired(); return 'error.GP_UNAUTHENTICATED' }
      if (!response.ok || body === null) return response.status === 400 ? 'error.field.image' : errorKey(body, response.status)
      show({ type: 'verdict', from: 'server', decision: body.decision, color: body.color, reason: body.reason, displayName: body.displayName, at: Date.now() })
      return null
    } catch {
      return 'error.network'
    }
  }

  async function start (): Promise<void> {
    store = await openStore()
    state.durable = store.durable
    await loadCached()
    if (state.session !== null && state.session.expiresAt <= Date.now()) state.needLogin = true
    state.ready = true
    window.addEventListener('online', () => { state.online = true; void refresh().then(() => sync(true)) })
    window.addEventListener('offline', () => { state.online = false })
    setInterval(() => { state.now = Date.now() }, 1000)
    setInterval(() => { void refresh() }, REFRESH_MS)
    setInterval(() => { if (state.pending > 0) void sync() }, 5000)
    await refresh()
    void sync(true)
  }

  return {
    state, start, scanText, scanIdNumber, scanPhoto, sync, login, logout, chooseCheckpoint, refresh,
    clockSkewed,
    dismissMismatch: (id: string) => { state.mismatches = state.mismatches.filter((m) => m.id !== id) }
  }
}
export type Engine = ReturnType<typeof createEngine>

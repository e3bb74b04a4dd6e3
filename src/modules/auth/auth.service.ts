// Login rules: resident OTPs (hashed, single use, 5 minutes, 5 tries, 5 per phone per 15 minutes, sent through the
// configured SMS sender) and staff passwords (failures limited per address and account, and per address; audited).
import { createHash } from 'node:crypto'
import { randomBytes, randomInt, timingSafeEqual } from 'node:crypto'
import { normalizeIP } from '@fastify/rate-limit'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import type { Config } from '../../config.ts'
import type { GridpassDb } from '../../db/index.ts'
import { Conflict, NotFound, RateLimited, SmsUnavailable, Unauthenticated, Validation } from '../../errors.ts'
import { randomId, uuid } from '../../lib/ids.ts'
import { hashPassword, verifyPassword } from '../../lib/password.ts'
import { normalizePhone } from '../../lib/phone.ts'
import type { Pii } from '../../lib/pii.ts'
import { writeInitialAdminPassword } from '../../lib/keyring.ts'
import { createSmsSender, SmsSendError } from '../../lib/sms.ts'
import type { AuditLog } from '../../plugins/audit.ts'
import type { RateCounter } from '../../plugins/rate-limit.ts'
import { usernameTaken, type Users } from '../../plugins/users.ts'
import { actorName, type Role, type Session } from '../../types.ts'
import type { CheckpointsService } from '../checkpoints/index.ts'
import type { GridsService } from '../grids/index.ts'
import type { AreasService } from '../areas/index.ts'
import type { PeopleService } from '../people/index.ts'
import type { AuthRepository } from './auth.repository.ts'

export const OTP_TTL_MS = 5 * 60_000
export const OTP_WINDOW_MS = 15 * 60_000
export const OTP_PER_WINDOW = 5
export const OTP_MAX_ATTEMPTS = 5
export const RESIDENT_SESSION_SECONDS = 7 * 24 * 3600
export const STAFF_SESSION_SECONDS = 12 * 3600
/** Failed staff logins are counted in windows of 15 minutes that start with the first failure. */
export const LOGIN_FAIL_WINDOW_MS = 15 * 60_000
/** Failures for one account from one client address before that address is refused for that account (429). */
export const LOGIN_FAILS_PER_ACCOUNT = 10
/** Failures from one client address, over every account, before that address is refused for any account (429). */
export const LOGIN_FAILS_PER_ADDRESS = 50

// Compared against when the username is unknown, so both paths cost one scrypt.
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'

interface Deps {
  repo: AuthRepository
  store: GridpassDb
  users: Users
  people: PeopleService
  grids: GridsService
  areas: AreasService
  checkpoints: CheckpointsService
  audit: AuditLog
  rateCounter: RateCounter
  pii: Pii
  config: Config
  log: FastifyBaseLogger
  session: FastifyInstance['signSession']
}

export function createAuthService ({ repo, store, users, people, grids, areas, checkpoints, audit, rateCounter, pii, config, log, session }: Deps) {
  const sms = createSmsSender(config.sms, log)

  return {
    /**
     * A new code, counted at once, usable only once the SMS sender has taken it. When the sender fails: 503, and the
     * code is never usable; it does not count towards the phone's limit either (a gateway outage must not lock
     * residents out once it ends), unless the gateway may have sent it (an attempt timed out or broke off).
     */
    async requestOtp (rawPhone: string): Promise<{ sent: true, devCode?: string }> {
      const phone = normalizePhone(rawPhone)
      const phoneIdx = pii.index('phone', phone)
      const now = config.now()
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
      const id = uuid()
      await store.tx(async (db) => {
        await repo.lockPhone(db, phoneIdx)
        if (await repo.otpsSince(db, phoneIdx, now - OTP_WINDOW_MS) >= OTP_PER_WINDOW) {
          throw new RateLimited(`phone: at most ${OTP_PER_WINDOW} codes per 15 minutes; try again later`)
        }
        await repo.insertPendingOtp(db, { id, phoneIdx, codeHash: pii.mac(`${phoneIdx}:${code}`), createdAt: now, expiresAt: now + OTP_TTL_MS, attempts: 0 })
      })
      try {
        if (sms === null) throw new SmsSendError('no SMS sender is configured (GRIDPASS_SMS_SENDER)', 'no', 0)
        await sms.send({ phone: `+86${phone}`, code, ttlSeconds: OTP_TTL_MS / 1000, purpose: 'login' })
      } catch (err) {
        const unknown = err instanceof SmsSendError && err.delivered === 'unknown'
        log.warn({ err, counted: unknown }, 'login code not sent')
        // Pending codes are not usable: one the gateway may have sent stays as it is (counted), one it refused goes.
        if (!unknown) await store.tx(async (db) => { await repo.deleteOtp(db, id) })
        throw new SmsUnavailable('the SMS gateway did not take the login code, so no code was sent; try again in a minute')
      }
      await store.tx(async (db) => {
        await repo.lockPhone(db, phoneIdx)
        await repo.activateOtp(db, id, phoneIdx, config.now())
      })
      return config.devOtp ? { sent: true, devCode: code } : { sent: true }
    },

    async verifyOtp (rawPhone: string, code: string): Promise<{ accessToken: string, expiresIn: number, personId: string }> {
      const phone = normalizePhone(rawPhone)
      const phoneIdx = pii.index('phone', phone)
      const now = config.now()
      const personId = await store.tx(async (db) => {
        await repo.lockPhone(db, phoneIdx)
        const otp = await repo.liveOtp(db, phoneIdx, now)
        if (otp === undefined) return null
        const expected = Buffer.from(otp.codeHash)
        const given = Buffer.from(pii.mac(`${phoneIdx}:${code}`))
        if (!timingSafeEqual(expected, given)) {
          const attempts = otp.attempts + 1
          await repo.updateOtp(db, otp.id, { attempts, usedAt: attempts >= OTP_MAX_ATTEMPTS ? now : null })
          return null
        }
        await repo.updateOtp(db, otp.id, { usedAt: now })
        return people.residentOf(db, phone, phoneIdx)
      })
      if (personId === null) throw new Unauthenticated('code: wrong or expired code; request a new one')
      return { ...session({ sub: personId, role: 'resident' }, RESIDENT_SESSION_SECONDS), personId }
    },

    /**
     * Staff login from a client address (request.ip). Each attempt is first counted as a failure, for the address and
     * account and for the address, and taken back if the password is right, so only failures count and parallel
     * guesses cannot slip past the limits. Past either limit the attempt is refused (429) without a password check,
     * and not counted. A failure is audited (auth.login_failed: the user id when the username exists, the address;
     * never the password or an unknown username, which may be a mistyped password).
     */
    async login (username: string, password: string, address: string): Promise<{ accessToken: string, expiresIn: number, role: Role }> {
      const from = normalizeIP(address)
      const accountKey = `login-fail:${from}|${createHash('sha256').update(username).digest('base64url').slice(0, 22)}`
      const addressKey = `login-fail:${from}`
      const [forAccount, forAddress] = [await rateCounter.hit(accountKey, LOGIN_FAIL_WINDOW_MS), await rateCounter.hit(addressKey, LOGIN_FAIL_WINDOW_MS)]
      const takeBack = async (): Promise<void> => { await rateCounter.undo(accountKey); await rateCounter.undo(addressKey) }
      if (forAccount.count > LOGIN_FAILS_PER_ACCOUNT || forAddress.count > LOGIN_FAILS_PER_ADDRESS) {
        await takeBack()
        const minutes = Math.max(1, Math.ceil(Math.max(forAccount.count > LOGIN_FAILS_PER_ACCOUNT ? forAccount.ttlMs : 0, forAddress.count > LOGIN_FAILS_PER_ADDRESS ? forAddress.ttlMs : 0) / 60_000))
        const what = forAccount.count > LOGIN_FAILS_PER_ACCOUNT ? `${LOGIN_FAILS_PER_ACCOUNT} failed logins for this username` : `${LOGIN_FAILS_PER_ADDRESS} failed logins`
        throw Object.assign(new RateLimited(`username: ${what} from your address in 15 minutes; try again in ${minutes} min (other addresses are not affected)`), { retryAfterSeconds: minutes * 60 })
      }
      const user = await users.byName(store.db, username)
      const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH)
      if (user === undefined || !ok) {
        await audit.record({ actor: 'anonymous', role: 'anonymous', action: 'auth.login_failed', target: user?.id ?? null, purpose: `from ${from}${user === undefined ? ', unknown username' : ''}` })
        throw new Unauthenticated('username or password is wrong')
      }
      await takeBack()
      if (user.disabledAt !== null) throw new Unauthenticated('username: this account is disabled; an admin can enable it again')
      const role = user.role as Role
      await audit.record({ actor: user.username, role, action: 'auth.login', target: user.id })
      // ver: the account's token version, so that a logout, disable, role or password change ends this session.
      return { ...session({ sub: user.id, role, name: user.username, ver: user.tokenVersion }, STAFF_SESSION_SECONDS), role }
    },

    async createUser (actor: Session, input: { username: string, password: string, role: Role, checkpointIds?: string[], gridIds?: string[], areaIds?: string[] }) {
      const checkpointIds = input.checkpointIds ?? []
      const gridIds = input.gridIds ?? []
      const areaIds = input.areaIds ?? []
      if (areaIds.length > 0 && input.role !== 'tracer' && input.role !== 'officer') throw new Validation('body.areaIds: only tracers and officers are scoped to areas (grid workers: gridIds)')
      const passwordHash = await hashPassword(input.password)
      const id = randomId()
      const taken = `username: ${input.username} is taken`
      await store.tx(async (db) => {
        if (await users.byName(db, input.username) !== undefined) throw new Conflict(taken)
        for (const [field, table, ids, known] of [['checkpointIds', 'checkpoints', checkpointIds, checkpoints.existing], ['gridIds', 'grids', gridIds, grids.existing], ['areaIds', 'areas', areaIds, areas.existing]] as const) {
          const found = await known(db, ids)
          const missing = ids.filter((x) => !found.has(x))
          if (missing.length > 0) throw new Validation(`body.${field}: unknown ${table}: ${missing.slice(0, 5).join(', ')}`)
        }
        await users.insert(db, { id, username: input.username, passwordHash, role: input.role, checkpointIds: JSON.stringify(checkpointIds), gridIds: JSON.stringify(gridIds), areaIds: JSON.stringify(areaIds), createdAt: config.now(), createdBy: actor.sub, disabledAt: null, tokenVersion: 0 })
        await audit.append(db, { actor: actorName(actor), role: actor.role, action: 'user.create', target: id })
      }).catch((err: unknown) => { throw usernameTaken(err) ? new Conflict(taken) : err })
      return { id, username: input.username, role: input.role, checkpointIds, gridIds, areaIds }
    },

    /** The signed-in staff user as stored now; an admin's checkpoints are all of them (an admin may scan anywhere). */
    async account (actor: Session) {
      const user = await users.byId(actor.sub)
      if (user === undefined) throw new NotFound('user: your account no longer exists')
      const role = user.role as Role
      const assigned = JSON.parse(user.checkpointIds) as string[]
      const list = role === 'admin' ? await checkpoints.list() : [...(await checkpoints.many(assigned)).values()]
      list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      return {
        id: user.id,
        username: user.username,
        role,
        checkpoints: list.map((c) => ({ id: c.id, name: c.name, kind: c.kind })),
        gridIds: JSON.parse(user.gridIds) as string[],
        areaIds: JSON.parse(user.areaIds) as string[]
      }
    },

    /** At start: make sure an admin can log in (GRIDPASS_ADMIN_PASSWORD, or a generated password logged once). */
    async ensureAdmin (): Promise<void> {
      const given = config.adminPassword
      await store.tx(async (db) => {
        const admin = await users.byName(db, 'admin')
        if (admin !== undefined) return
        if (given === undefined && await users.countAdmins(db) > 0) return
        const password = given ?? randomBytes(12).toString('base64url')
        await users.insert(db, { id: randomId(), username: 'admin', passwordHash: await hashPassword(password), role: 'admin', checkpointIds: '[]', gridIds: '[]', areaIds: '[]', createdAt: config.now(), createdBy: null, disabledAt: null, tokenVersion: 0 })
        await audit.append(db, { actor: 'system', role: 'system', action: 'user.bootstrap_admin', target: 'admin' })
        if (given === undefined) {
          // Never printed (logs and terminals are kept and shared): only the file's path, printed outside the log.
          const file = writeInitialAdminPassword(config.keysDir, password)
          console.warn(`\n  gridpass: created user "admin"; its password is in ${file} (mode 0600).\n  Log in, change the password, then delete the file. Or set GRIDPASS_ADMIN_PASSWORD before the first start.\n`)
        }
      })
    }
  }
}
export type AuthService = ReturnType<typeof createAuthService>

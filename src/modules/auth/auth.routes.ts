// HTTP for login (resident OTP, staff password) and staff accounts.
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { bearer, errors } from '../common.schemas.ts'
import { STAFF_ROLES, type Role } from '../../types.ts'
import { AccountReply, CreateUserBody, LoginBody, OtpBody, OtpReply, OtpVerifyBody, SessionReply, UserReply } from './auth.schemas.ts'
import type { AuthService } from './auth.service.ts'

/** Retry-After of a 503 GP_SMS_UNAVAILABLE: a short wait, then the resident asks again. */
const SMS_RETRY_AFTER_SECONDS = 30

export default async function authRoutes (fastify: FastifyInstance, auth: AuthService): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()

  app.post('/v1/auth/otp', {
    schema: {
      tags: ['auth'], summary: 'Send a one-time login code to a phone',
      description: 'The code goes out through the configured SMS sender (GRIDPASS_SMS_SENDER: the signed webhook to the ' +
        'county\'s SMS gateway; `log`, development only, writes it to the log). 202 {sent:true} only once the gateway has ' +
        'taken it. When it did not (down, refusing, no answer within GRIDPASS_SMS_TIMEOUT_MS after GRIDPASS_SMS_RETRIES ' +
        'retries): 503 GP_SMS_UNAVAILABLE with Retry-After, and that code is never usable; it does not count towards the ' +
        'phone\'s limit unless the gateway may have sent it (a timed-out attempt). At most 5 codes per phone per 15 minutes ' +
        'and 30 requests a minute per client address (429 GP_RATE_LIMITED; the address is the one GRIDPASS_TRUST_PROXY ' +
        'lets through, and the counts are shared by every copy of the service). A new code replaces the one before; codes ' +
        'live 5 minutes. devCode: only with GRIDPASS_DEV_OTP=true (never in production).',
      body: OtpBody, response: { 202: OtpReply, ...errors(400, 415, 429, 503) }
    },
    config: { rateLimit: { max: 30, timeWindow: '1 minute' } }
  }, async (request, reply) => {
    try {
      return await reply.code(202).send(await auth.requestOtp(request.body.phone))
    } catch (err) {
      if ((err as { code?: string }).code === 'GP_SMS_UNAVAILABLE') reply.header('retry-after', String(SMS_RETRY_AFTER_SECONDS))
      throw err
    }
  })

  app.post('/v1/auth/otp/verify', {
    schema: {
      tags: ['auth'], summary: 'Exchange a one-time code for a resident session',
      description: 'Wrong or expired code → 401. Five wrong codes burn the code. 30 requests a minute per client address (429).',
      body: OtpVerifyBody, response: { 200: SessionReply, ...errors(400, 401, 415, 429) }
    },
    config: { rateLimit: { max: 30, timeWindow: '1 minute' } }
  }, async (request) => ({ ...(await auth.verifyOtp(request.body.phone, request.body.code)), role: 'resident' }))

  app.post('/v1/auth/login', {
    schema: {
      tags: ['auth'], summary: 'Staff login',
      description: 'Wrong username or password → 401 (the same answer for both), audited as auth.login_failed with the ' +
        'user id when the username exists and the client address. Limits, counted per client address (request.ip: ' +
        'the client behind the proxies of GRIDPASS_TRUST_PROXY) and shared by every copy: 10 failures for one username ' +
        'from one address in 15 minutes refuse that username from that address, and 50 failures from one address refuse ' +
        'it for every username, until the window ends (429 GP_RATE_LIMITED with Retry-After; the password is not checked). ' +
        'Successful logins do not count, and other addresses are never affected, so no one can lock an account out ' +
        'from elsewhere. Besides, at most 30 attempts a minute per address (429).',
      body: LoginBody, response: { 200: SessionReply, ...errors(400, 401, 415, 429) }
    },
    config: { rateLimit: { max: 30, timeWindow: '1 minute' } }
  }, async (request, reply) => {
    try {
      return await auth.login(request.body.username, request.body.password, request.ip)
    } catch (err) {
      const after = (err as { retryAfterSeconds?: unknown }).retryAfterSeconds
      if (typeof after === 'number') reply.header('retry-after', String(after))
      throw err
    }
  })

  app.post('/v1/users', {
    onRequest: [app.authenticate, app.requireRole('admin')],
    schema: {
      tags: ['auth'], summary: 'Create a staff account (admin)', security: bearer,
      description: 'Volunteers are assigned checkpoints, grid workers grids. Passwords: at least 10 characters.',
      body: CreateUserBody, response: { 201: UserReply, ...errors(400, 401, 403, 409, 415) }
    }
  }, async (request, reply) => reply.code(201).send(await auth.createUser(request.user, { ...request.body, role: request.body.role as Role })))

  app.get('/v1/me/account', {
    onRequest: [app.authenticate, app.requireRole(...STAFF_ROLES)],
    schema: {
      tags: ['auth'], summary: 'The signed-in staff user: role, checkpoints and grids (any staff role)', security: bearer,
      description: 'Read from the account as stored now. checkpoints are those assigned to the user, by name; an admin gets every checkpoint, since an admin may scan at any.',
      response: { 200: AccountReply, ...errors(401, 403, 404) }
    }
  }, async (request, reply) => {
    reply.header('cache-control', 'no-store')
    return auth.account(request.user)
  })
}

// HTTP for login (resident OTP, staff password) and staff accounts.
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { bearer, errors } from '../common.schemas.ts'
import { STAFF_ROLES, type Role } from '../../types.ts'
import { AccountReply, CreateUserBody, LoginBody, OtpBody, OtpReply, OtpVerifyBody, SessionReply, UserReply } from './auth.schemas.ts'
import type { AuthService } from './auth.service.ts'

export default async function authRoutes (fastify: FastifyInstance, auth: AuthService): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()

  app.post('/v1/auth/otp', {
    schema: {
      tags: ['auth'], summary: 'Send a one-time login code to a phone',
      description: 'At most 5 codes per phone per 15 minutes (429 GP_RATE_LIMITED). Codes live 5 minutes. In dev-OTP mode the code is returned as devCode instead of sent by SMS.',
      body: OtpBody, response: { 202: OtpReply, ...errors(400, 415, 429) }
    },
    config: { rateLimit: { max: 30, timeWindow: '1 minute' } }
  }, async (request, reply) => reply.code(202).send(await auth.requestOtp(request.body.phone)))

  app.post('/v1/auth/otp/verify', {
    schema: {
      tags: ['auth'], summary: 'Exchange a one-time code for a resident session',
      description: 'Wrong or expired code → 401. Five wrong codes burn the code.',
      body: OtpVerifyBody, response: { 200: SessionReply, ...errors(400, 401, 415, 429) }
    },
    config: { rateLimit: { max: 30, timeWindow: '1 minute' } }
  }, async (request) => ({ ...(await auth.verifyOtp(request.body.phone, request.body.code)), role: 'resident' }))

  app.post('/v1/auth/login', {
    schema: { tags: ['auth'], summary: 'Staff login', body: LoginBody, response: { 200: SessionReply, ...errors(400, 401, 415, 429) } },
    config: { rateLimit: { max: 10, timeWindow: '1 minute', hook: 'preHandler', keyGenerator: (req) => `${req.ip}|${String((req.body as { username?: string } | undefined)?.username)}` } }
  }, async (request) => auth.login(request.body.username, request.body.password))

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

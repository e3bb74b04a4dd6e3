// HTTP for staff accounts beside POST /v1/users (admin: list, change, reset a password) and for the signed-in staff
// user (change their password, log out everywhere).
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { bearer, errors } from '../common.schemas.ts'
import { STAFF_ROLES } from '../../types.ts'
import { ChangeOwnPasswordBody, ChangeUserBody, ResetPasswordBody, StaffUser, UserList, UserParams } from './users.schemas.ts'
import type { UsersService } from './users.service.ts'

const WITHDRAWN = 'A session that was ended (logout, disable, role or password change) is refused by every copy of the ' +
  'service within 5 seconds, by the copy that made the change at once: 401 GP_UNAUTHENTICATED, "your account was ' +
  'disabled or your session was ended; log in again".'

export default async function usersRoutes (fastify: FastifyInstance, service: UsersService): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()

  app.get('/v1/users', {
    onRequest: [app.authenticate, app.requireRole('admin')],
    schema: {
      tags: ['auth'], summary: 'The staff accounts (admin)', security: bearer,
      description: 'Every staff account by username, with role, assignments and whether it is disabled; never a password hash.',
      response: { 200: UserList, ...errors(401, 403) }
    }
  }, async (request, reply) => {
    reply.header('cache-control', 'no-store')
    return { users: await service.list() }
  })

  app.patch('/v1/users/:userId', {
    onRequest: [app.authenticate, app.requireRole('admin')],
    schema: {
      tags: ['auth'], summary: 'Change a staff account\'s role, assignments, or disable or enable it (admin)', security: bearer,
      description: 'Any of role, checkpointIds, gridIds, disabled; fields left out stay as they are, and the answer is the ' +
        'account as it is now. A role change or a disable ends every session of the account (the user must log in ' +
        'again; a disabled user cannot); new assignments count within 5 seconds without ending sessions (a checkpoint ' +
        'taken away: scans there are refused, 403). ' + WITHDRAWN + ' Each change is audited: user.role_changed, ' +
        'user.scope_changed (the ids added and removed), user.disabled, user.enabled. 409 GP_CONFLICT: an admin changing ' +
        'their own role or disabling themself (another admin must), or the last enabled admin losing the role or being ' +
        'disabled. Unknown checkpoints or grids: 400; unknown user: 404.',
      params: UserParams, body: ChangeUserBody, response: { 200: StaffUser, ...errors(400, 401, 403, 404, 409, 415) }
    }
  }, async (request) => service.change(request.user, request.params.userId, request.body))

  app.post('/v1/users/:userId/password', {
    onRequest: [app.authenticate, app.requireRole('admin')],
    schema: {
      tags: ['auth'], summary: 'Set a staff account\'s password (admin)', security: bearer,
      description: 'For a forgotten password, or one that may be known to others. At least 10 characters. Every session of ' +
        'the account ends. ' + WITHDRAWN + ' Audited as user.password_changed.',
      params: UserParams, body: ResetPasswordBody, response: { 204: Type.Null({ description: 'Set' }), ...errors(400, 401, 403, 404, 415) }
    }
  }, async (request, reply) => {
    await service.resetPassword(request.user, request.params.userId, request.body.password)
    return reply.code(204).send(null)
  })

  app.post('/v1/me/password', {
    onRequest: [app.authenticate, app.requireRole(...STAFF_ROLES)],
    schema: {
      tags: ['auth'], summary: 'Change my password (any staff role)', security: bearer,
      description: 'currentPassword must be the password now (else 400 naming it); newPassword at least 10 characters. ' +
        'Every session of the account ends, this one too: log in again with the new password. ' + WITHDRAWN +
        ' Audited as user.password_changed. At most 10 requests per account in 15 minutes (429).',
      body: ChangeOwnPasswordBody, response: { 204: Type.Null({ description: 'Changed; log in again' }), ...errors(400, 401, 403, 415, 429) }
    },
    config: { rateLimit: { max: 10, timeWindow: '15 minutes', hook: 'preHandler', keyGenerator: (req) => `user:${req.user.sub}` } }
  }, async (request, reply) => {
    await service.changeOwnPassword(request.user, request.body.currentPassword, request.body.newPassword)
    return reply.code(204).send(null)
  })

  app.post('/v1/auth/logout', {
    onRequest: [app.authenticate, app.requireRole(...STAFF_ROLES)],
    schema: {
      tags: ['auth'], summary: 'Log out everywhere (any staff role)', security: bearer,
      description: 'Ends every session of the signed-in staff account, on every phone and computer, not only this one. ' +
        WITHDRAWN + ' Audited as auth.logout. Residents\' sessions are not staff accounts and have no server-side logout (403).',
      response: { 204: Type.Null({ description: 'Logged out' }), ...errors(401, 403) }
    }
  }, async (request, reply) => {
    await service.logout(request.user)
    return reply.code(204).send(null)
  })
}

// The users module's one door: staff account management beside POST /v1/users (list, change role, assignments and
// state, passwords) and logout; app.accounts and its routes. Sessions, the account-state check and scopes are the
// gp-auth plugin's (src/plugins/auth.ts, users.ts: app.users).
import fp from 'fastify-plugin'
import { createUsersService, type UsersService } from './users.service.ts'
import usersRoutes from './users.routes.ts'

export type { UsersService }
declare module 'fastify' { interface FastifyInstance { accounts: UsersService } }

export default fp(async (app) => {
  const accounts = createUsersService({ store: app.store, users: app.users, checkpoints: app.checkpoints, grids: app.grids, areas: app.areas, audit: app.audit, config: app.config })
  app.decorate('accounts', accounts)
  await usersRoutes(app, accounts)
}, { name: 'users', dependencies: ['gp-db', 'gp-audit', 'gp-auth', 'grids', 'areas', 'checkpoints'] })

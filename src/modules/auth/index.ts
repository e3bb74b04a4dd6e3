// The auth module's one door: logins (resident OTP, staff password) and staff accounts; app.auth, its routes, and the
// first admin at start. Sessions, role checks and scopes are the gp-auth plugin's (src/plugins/auth.ts).
import fp from 'fastify-plugin'
import { createAuthRepository } from './auth.repository.ts'
import { createAuthService, type AuthService } from './auth.service.ts'
import authRoutes from './auth.routes.ts'

export type { AuthService }
declare module 'fastify' { interface FastifyInstance { auth: AuthService } }

export default fp(async (app) => {
  const auth = createAuthService({
    repo: createAuthRepository(app.store), store: app.store, users: app.users, people: app.people, grids: app.grids, areas: app.areas, checkpoints: app.checkpoints,
    audit: app.audit, rateCounter: app.rateCounter, pii: app.pii, config: app.config, log: app.log, session: app.signSession
  })
  app.decorate('auth', auth)
  app.addHook('onReady', async () => { await auth.ensureAdmin() })
  await authRoutes(app, auth)
}, { name: 'auth', dependencies: ['gp-db', 'gp-rate-limit', 'gp-keys', 'gp-audit', 'gp-auth', 'grids', 'areas', 'checkpoints', 'people'] })

// The status list module's one door: the signed list of non-green paper cards offline scanners judge by; app.statusList,
// its route.
import fp from 'fastify-plugin'
import { createStatusListService, type StatusListService } from './statuslist.service.ts'
import statusListRoutes from './statuslist.routes.ts'

export type { StatusListService }
declare module 'fastify' { interface FastifyInstance { statusList: StatusListService } }

export default fp(async (app) => {
  const statusList = createStatusListService({ status: app.status, codes: app.codes, keyring: app.keyring, config: app.config })
  app.decorate('statusList', statusList)
  await statusListRoutes(app, statusList)
}, { name: 'statuslist', dependencies: ['gp-keys', 'gp-auth', 'status', 'codes'] })

// The teams module's one door: a community's "1+1+N+K" card, the duty roster and the battle map (作战图); app.teams, its routes.
import fp from 'fastify-plugin'
import { createTeamsRepository } from './teams.repository.ts'
import { createTeamsScope } from './teams.scope.ts'
import { createTeamsService, type TeamsService } from './teams.service.ts'
import { createRosterService, type RosterService } from './teams.roster.ts'
import teamsRoutes from './teams.routes.ts'

export type { RosterService, TeamsService }
declare module 'fastify' { interface FastifyInstance { teams: TeamsService, roster: RosterService } }

export default fp(async (app) => {
  const repo = createTeamsRepository(app.store)
  const scope = createTeamsScope(app.areas)
  const base = { repo, store: app.store, audit: app.audit, config: app.config, scope, checkpoints: app.checkpoints, users: app.users }
  const teams = createTeamsService({ ...base, pii: app.pii, dashboard: app.dashboard })
  const roster = createRosterService({ ...base, teams })
  app.decorate('teams', teams)
  app.decorate('roster', roster)
  await teamsRoutes(app, teams, roster)
}, { name: 'teams', dependencies: ['gp-db', 'gp-keys', 'gp-audit', 'gp-auth', 'areas', 'checkpoints', 'dashboard'] })

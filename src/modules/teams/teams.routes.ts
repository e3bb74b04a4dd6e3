// HTTP for the community's "1+1+N+K" card, the duty roster and the battle map (作战图).
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { bearer, errors } from '../common.schemas.ts'
import { STAFF_ROLES } from '../../types.ts'
import type { RosterService } from './teams.roster.ts'
import type { TeamsService } from './teams.service.ts'
import {
  AreaParams, BattleMap, CARD_HORIZON_HOURS, MAX_SHIFT_HOURS, NewShiftBody, ROSTER_DEFAULT_DAYS, ROSTER_MAX_DAYS, Shift, ShiftList, ShiftParams,
  ShiftsQuery, TeamBody, TeamCard
} from './teams.schemas.ts'

const SCOPE = 'Outside your scope (or unknown) → 404 GP_NOT_FOUND, worded alike, and the attempt is audited as <action>.out_of_scope.'
const READ_SCOPE = `Who reads: staff who see the area (admin; an officer or tracer scoped to it or above it, or unscoped), and for a community also anyone reaching one of its grids (its grid workers; volunteers of its checkpoints). ${SCOPE}`

export default async function teamsRoutes (fastify: FastifyInstance, teams: TeamsService, roster: RosterService): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const staff = [app.authenticate, app.requireRole(...STAFF_ROLES)]
  const keepers = [app.authenticate, app.requireRole('officer', 'admin')]

  app.get('/v1/areas/:areaId/team', {
    onRequest: staff,
    schema: {
      tags: ['teams'], summary: 'A community\'s "1+1+N+K" card: its doctor, police officer, N grid workers and K checkpoints with who is on duty (staff in scope)', security: bearer,
      description: [
        'The doctor and police officer as last set by PUT (null: vacant), their phones in full (the card is for the staff of the community, who call each other; never logged).',
        'Grid workers: enabled accounts with role gridworker keeping at least one grid of the community (gridIds lists only those grids). Checkpoints: those in the community\'s grids;',
        `onDuty lists the shifts touching the next ${CARD_HORIZON_HOURS} hours (GET /v1/duty-shifts for the whole roster).`,
        'The area must be a community (社区/村): any other level → 400 GP_VALIDATION naming params.areaId and its level.',
        READ_SCOPE
      ].join(' '),
      params: AreaParams, response: { 200: TeamCard, ...errors(400, 401, 403, 404) }
    }
  }, async (request) => teams.card(request.user, request.params.areaId))

  app.put('/v1/areas/:areaId/team', {
    onRequest: keepers,
    schema: {
      tags: ['teams'], summary: 'Set a community\'s doctor and police officer (officer in scope, admin); answers the card', security: bearer,
      description: [
        'Replaces both posts: {doctor:{name, phone?} | null, police:{name, phone?} | null}; null leaves a post vacant. Names are tidied (NFC, spaces) and checked like a person\'s name;',
        'a phone is a mobile (13912345678, +86 dropped) or a landline with its area code (0717-4812345). Stored encrypted. Audited (team.set, the area as target; no names or phones in the log).',
        'Not a community → 400 GP_VALIDATION naming params.areaId and its level. Officers: only areas inside their scope.', SCOPE
      ].join(' '),
      params: AreaParams, body: TeamBody, response: { 200: TeamCard, ...errors(400, 401, 403, 404, 415) }
    }
  }, async (request) => teams.setTeam(request.user, request.params.areaId, request.body))

  app.get('/v1/areas/:areaId/battle-map', {
    onRequest: staff,
    schema: {
      tags: ['teams'], summary: 'The battle map (作战图) of a community, street or city: its checkpoints by coordinates, with who is on duty now (staff in scope)', security: bearer,
      description: [
        'Every checkpoint in the area\'s grids, by name, with lat/lon (null for one created without coordinates: counted as unplaced, not drawn) and the volunteers whose shift covers `at` (now).',
        'bounds: the box around the placed checkpoints (null when none is placed), for drawing without map tiles.',
        'A grid → 400 GP_VALIDATION naming params.areaId (draw its community).', READ_SCOPE
      ].join(' '),
      params: AreaParams, response: { 200: BattleMap, ...errors(400, 401, 403, 404) }
    }
  }, async (request) => teams.battleMap(request.user, request.params.areaId))

  app.post('/v1/duty-shifts', {
    onRequest: keepers,
    schema: {
      tags: ['teams'], summary: 'Put a volunteer on duty at a checkpoint for one shift (officer in scope of the checkpoint\'s grid, admin)', security: bearer,
      description: [
        `from < to, at most ${MAX_SHIFT_HOURS} hours apart, else 400 naming body.to. The checkpoint unknown or outside your scope → 404 naming body.checkpointId (audited when outside).`,
        'The user unknown → 404 naming body.userId; not a volunteer, or not assigned to that checkpoint (PATCH /v1/users/{userId} checkpointIds) → 400 GP_VALIDATION naming body.userId;',
        'a disabled account → 409; a shift of the same user overlapping this one (at any checkpoint) → 409 GP_CONFLICT naming it (back-to-back shifts do not overlap). Audited (duty.assign).'
      ].join(' '),
      body: NewShiftBody, response: { 201: Shift, ...errors(400, 401, 403, 404, 409, 415) }
    }
  }, async (request, reply) => reply.code(201).send(await roster.assign(request.user, request.body)))

  app.get('/v1/duty-shifts', {
    onRequest: staff,
    schema: {
      tags: ['teams'], summary: 'The duty roster: shifts touching a window, at the checkpoints you reach (staff)', security: bearer,
      description: [
        `Window [from, to): from defaults to now, to to from + ${ROSTER_DEFAULT_DAYS} days; to not after from, or more than ${ROSTER_MAX_DAYS} days after it → 400 naming query.to.`,
        'areaId narrows to the checkpoints in that area\'s grids (read rule of the card: a grid worker may ask for their community); checkpointId to one checkpoint; neither: every checkpoint in your scope.',
        'Each shift with its checkpoint\'s name and the volunteer\'s username.', SCOPE
      ].join(' '),
      querystring: ShiftsQuery, response: { 200: ShiftList, ...errors(400, 401, 403, 404) }
    }
  }, async (request) => roster.list(request.user, request.query))

  app.delete('/v1/duty-shifts/:id', {
    onRequest: keepers,
    schema: {
      tags: ['teams'], summary: 'Take a shift off the roster (officer in scope of the checkpoint\'s grid, admin)', security: bearer,
      description: `204 when removed. Audited (duty.remove, naming the volunteer, the checkpoint and the times). ${SCOPE}`,
      params: ShiftParams, response: { 204: Type.Null({ description: 'Removed' }), ...errors(400, 401, 403, 404) }
    }
  }, async (request, reply) => {
    await roster.remove(request.user, request.params.id)
    return reply.code(204).send(null)
  })
}

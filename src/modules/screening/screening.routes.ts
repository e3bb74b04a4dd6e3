// HTTP for door-to-door screening: the high-risk-area list, rounds, the grid worker's tasks, a household's screening,
// and the round's exports (CSV, XLSX).
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { bearer, errors } from '../common.schemas.ts'
import { csvStream, xlsxStream, type ScreeningExport } from './screening.export.ts'
import type { ScreeningService } from './screening.service.ts'
import {
  ExportQuery, HighRiskBody, HighRiskReply, HouseholdParams, MAX_HIGH_RISK_AREAS, RoundBody, RoundCreated, RoundParams, RoundsQuery,
  RoundsReply, ScreeningBody, ScreeningReply, TasksReply
} from './screening.schemas.ts'

const OUT_OF_SCOPE = 'Outside the caller\'s scope answers 404 GP_NOT_FOUND, worded like a missing thing, and the attempt is audited (<action>.out_of_scope).'

export default async function screeningRoutes (fastify: FastifyInstance, { screening, files }: { screening: ScreeningService, files: ScreeningExport }): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const officer = [app.authenticate, app.requireRole('officer', 'admin')]

  app.get('/v1/high-risk-areas', {
    onRequest: [app.authenticate, app.requireRole('resident', 'volunteer', 'gridworker', 'tracer', 'officer', 'admin')],
    schema: {
      tags: ['screening'], summary: 'The high-risk-area list (every signed-in role: it is public information)', security: bearer,
      description: 'By code. updatedAt: when the list was last replaced (null while it is empty); updatedBy (who replaced it) is shown to staff only.',
      response: { 200: HighRiskReply, ...errors(401, 403) }
    }
  }, async (request) => screening.highRiskAreas(request.user))

  app.put('/v1/high-risk-areas', {
    onRequest: officer,
    schema: {
      tags: ['screening'], summary: 'Replace the whole high-risk-area list (officer, admin; audited)', security: bearer,
      description: [
        `In one transaction: the list sent becomes the list (an empty list empties it). At most ${MAX_HIGH_RISK_AREAS} areas; codes distinct (a duplicate → 400 naming body.areas[i].code);`,
        'to before from → 400 naming body.areas[i].to. A screened member who came back from a listed area (its code, a code it covers, or its exact name) while it was listed, less than 14 days ago, turns red (high_risk_travel). Audited (high_risk_areas.replace).'
      ].join(' '),
      body: HighRiskBody, response: { 200: HighRiskReply, ...errors(400, 401, 403, 415) }
    }
  }, async (request) => screening.replaceHighRiskAreas(request.user, request.body.areas))

  app.post('/v1/screening-rounds', {
    onRequest: officer,
    schema: {
      tags: ['screening'], summary: 'Open a door-to-door screening round for an area (officer, admin; audited)', security: bearer,
      description: `The round covers every grid at or below the area, and stays open until closed. Unknown area → 400 naming body.areaId. ${OUT_OF_SCOPE} Audited (screening_round.open).`,
      body: RoundBody, response: { 201: RoundCreated, ...errors(400, 401, 403, 404, 415) }
    }
  }, async (request, reply) => reply.code(201).send(await screening.openRound(request.user, request.body.areaId, request.body.name)))

  app.get('/v1/screening-rounds', {
    onRequest: [app.authenticate, app.requireRole('gridworker', 'tracer', 'officer', 'admin')],
    schema: {
      tags: ['screening'], summary: 'Screening rounds that cover any grid the caller reaches, with their progress there (gridworker, tracer, officer, admin)', security: bearer,
      description: 'households: the households of the round\'s grids that the caller reaches; screened: how many of them were screened in the round. status=open / closed / omitted: both.',
      querystring: RoundsQuery, response: { 200: RoundsReply, ...errors(400, 401, 403) }
    }
  }, async (request) => ({ rounds: await screening.rounds(request.user, request.query.status ?? 'all') }))

  app.post('/v1/screening-rounds/:id/close', {
    onRequest: officer,
    schema: {
      tags: ['screening'], summary: 'Close a screening round (officer, admin; audited)', security: bearer,
      description: `No more screenings are recorded in it; its results stay. Already closed → 409 GP_CONFLICT. ${OUT_OF_SCOPE} Audited (screening_round.close).`,
      params: RoundParams, response: { 204: Type.Null({ description: 'Closed' }), ...errors(400, 401, 403, 404, 409) }
    }
  }, async (request, reply) => {
    await screening.closeRound(request.user, request.params.id)
    return reply.code(204).send(null)
  })

  app.get('/v1/me/tasks', {
    onRequest: [app.authenticate, app.requireRole('gridworker')],
    schema: {
      tags: ['screening'], summary: 'My screening tasks: for each open round covering my grids, the households there not yet screened (gridworker; audited)', security: bearer,
      description: 'Addresses and members\' names in clear (the worker\'s own grids). A household leaves the list once its screening is recorded. Audited (screening.tasks).',
      response: { 200: TasksReply, ...errors(401, 403) }
    }
  }, async (request) => ({ rounds: await screening.tasks(request.user) }))

  app.post('/v1/households/:id/screenings', {
    onRequest: [app.authenticate, app.requireRole('gridworker', 'officer', 'admin')],
    schema: {
      tags: ['screening'], summary: 'Record a household\'s screening in a round, every member\'s result (gridworker of its grid, officer, admin; audited)', security: bearer,
      description: [
        'All or nothing, in one transaction with the status entries it calls for: temperature ≥ 37.3 °C or any symptom → symptoms (yellow 7 days);',
        'returnedFrom a listed high-risk area (its code, a code it covers, or its exact name) that was listed at returnedAt, less than 14 days ago → high_risk_travel (red until 14 days after returnedAt). The member\'s status then says so in words (入户排查…).',
        `Household unknown → 404; ${OUT_OF_SCOPE} Round unknown or not covering the household's grid → 400 naming body.roundId; round closed → 409; household already screened in the round → 409 GP_CONFLICT.`,
        'A member not living in the household → 400 naming body.members[i].personId; a member listed twice → 400; returnedFrom and returnedAt go together; returnedAt in the future (beyond GRIDPASS_CLOCK_SKEW_SECONDS) → 400.',
        'present:false (nobody at home) may list no member; it still counts as the household\'s screening. Audited (screening.record) for the household and for each member.'
      ].join(' '),
      params: HouseholdParams, body: ScreeningBody, response: { 201: ScreeningReply, ...errors(400, 401, 403, 404, 409, 415) }
    }
  }, async (request, reply) => reply.code(201).send(await screening.record(request.user, request.params.id, request.body)))

  const EXPORT = [
    'One row per member seen (a household visited with nobody seen: one row without a person), by grid and time. Headers in Chinese; names in full, ID numbers masked (region and last 4);',
    'times in Beijing time. Only the grids the caller reaches (and, with areaId, under that area). Unknown round → 404; unknown area → 400 naming query.areaId.',
    `${OUT_OF_SCOPE} Audited (screening.export).`
  ].join(' ')
  app.get('/v1/screenings.csv', {
    onRequest: officer,
    schema: {
      tags: ['screening'], summary: 'A round\'s screenings as CSV (officer, admin; audited)', security: bearer,
      description: `${EXPORT} UTF-8 with BOM, RFC 4180; text a spreadsheet would run as a formula (= + - @, their full-width forms, a leading tab or CR) gets a leading '.`,
      querystring: ExportQuery, response: errors(400, 401, 403, 404)
    }
  }, async (request, reply) => {
    const rows = await files.rows(request.user, request.query.roundId, request.query.areaId, 'csv')
    return reply.header('cache-control', 'no-store').header('content-disposition', `attachment; filename="screenings-${request.query.roundId}.csv"`)
      .type('text/csv; charset=utf-8').send(csvStream(rows))
  })

  app.get('/v1/screenings.xlsx', {
    onRequest: officer,
    schema: {
      tags: ['screening'], summary: 'A round\'s screenings as an XLSX workbook (officer, admin; audited)', security: bearer,
      description: `${EXPORT} One worksheet, 排查结果, the same columns as the CSV; every cell is a value, never a formula.`,
      querystring: ExportQuery, response: errors(400, 401, 403, 404)
    }
  }, async (request, reply) => {
    const rows = await files.rows(request.user, request.query.roundId, request.query.areaId, 'xlsx')
    return reply.header('cache-control', 'no-store').header('content-disposition', `attachment; filename="screenings-${request.query.roundId}.xlsx"`)
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(xlsxStream(rows, '入户排查结果'))
  })
}

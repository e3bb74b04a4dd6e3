// Place codes ("scan, not show", 场所码) and resident check-ins (placeholder until implemented).
import type { FastifyInstance } from 'fastify'
import type { ScansService } from '../scans/scans.service.ts'

export default async function placesRoutes (_app: FastifyInstance, _scans: ScansService): Promise<void> {}

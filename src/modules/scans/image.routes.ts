// POST /v1/scans/image: a photo of a code, decoded on the server (placeholder until implemented).
import type { FastifyInstance } from 'fastify'
import type { ScansService } from './scans.service.ts'

export default async function imageRoutes (_app: FastifyInstance, _scans: ScansService): Promise<void> {}

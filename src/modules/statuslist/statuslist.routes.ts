// GET /v1/status-list: the signed list of non-green people for offline scanners (placeholder until implemented).
import type { FastifyInstance } from 'fastify'

export default async function statusListRoutes (_app: FastifyInstance): Promise<void> {}

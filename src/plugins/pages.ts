// Serves the H5 pages from src/h5 (everything local: no CDN, nothing from outside the service).
import fp from 'fastify-plugin'
import fastifyStatic from '@fastify/static'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const H5_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../h5')

export default fp(async (app) => {
  await app.register(fastifyStatic, { root: H5_DIR, prefix: '/h5/', decorateReply: false, index: ['index.html'] })
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/h5/'))
}, { name: 'gp-pages' })

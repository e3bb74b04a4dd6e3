// Serves the pages built by Vite (dist/h5, made by `npm ci` through `prepare`, or `npm run build:web`) under /h5/,
// and the staff console's page at /console/ (its assets stay under /h5/assets/): everything local, no CDN, nothing
// from outside the service.
import fp from 'fastify-plugin'
import fastifyStatic from '@fastify/static'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { PACKAGE_ROOT } from '../lib/package-root.ts'

export const H5_DIR = resolve(PACKAGE_ROOT, 'dist/h5')

export default fp(async (app) => {
  if (!existsSync(resolve(H5_DIR, 'index.html'))) {
    app.log.warn({ dir: H5_DIR }, 'the pages are not built: run `npm run build:web` (npm ci does it) to serve /h5/')
  }
  await app.register(fastifyStatic, {
    root: H5_DIR,
    prefix: '/h5/',
    decorateReply: false,
    index: ['index.html'],
    // Hashed assets never change; pages and the service worker must always be asked again.
    setHeaders (res, path) {
      res.setHeader('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache')
    }
  })
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/h5/'))
  // The console's HTML is read per request (a rebuild shows without a restart; staff load it a few times a day).
  app.get('/console/', { schema: { hide: true } }, async (_request, reply) => {
    let html: string
    try {
      html = await readFile(resolve(H5_DIR, 'console/index.html'), 'utf8')
    } catch {
      return reply.code(503).type('text/plain; charset=utf-8').header('cache-control', 'no-cache')
        .send('The staff console is not built: run `npm run build:web` (npm ci does it).')
    }
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html)
  })
  app.get('/console', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/console/', 301))
  app.get('/h5/console/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/console/', 301))
  app.get('/h5/resident.html', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/h5/resident/', 301))
}, { name: 'gp-pages' })

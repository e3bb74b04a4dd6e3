// The screening module's one door (being built: issue 18).
import fp from 'fastify-plugin'

export default fp(async () => {}, { name: 'screening', dependencies: ['gp-db', 'gp-audit', 'gp-auth'] })

// The dashboard module's one door (being built: issue 18).
import fp from 'fastify-plugin'

export default fp(async () => {}, { name: 'dashboard', dependencies: ['gp-db', 'gp-audit', 'gp-auth'] })

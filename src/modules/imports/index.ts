// The imports module's one door (being built: issue 18).
import fp from 'fastify-plugin'

export default fp(async () => {}, { name: 'imports', dependencies: ['gp-db', 'gp-audit', 'gp-auth'] })

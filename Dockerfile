# gridpass: a multi-stage build on Node.js 24 (LTS). The runtime image runs the compiled JavaScript (dist/server,
# `npm run build:server`) with the production dependencies only, no tsx and no TypeScript source, as the non-root user
# `node`, with keys and data as volumes.
# Build:  docker build -t gridpass .
# Run:    docker run -p 3000:3000 -v gridpass-keys:/app/keys -v gridpass-data:/app/data \
#           -e GRIDPASS_ADMIN_PASSWORD=change-me-please \
#           -e GRIDPASS_SMS_WEBHOOK_URL=https://sms-gateway.example/send -e GRIDPASS_SMS_WEBHOOK_SECRET=at-least-16-characters \
#           gridpass
# Operator scripts in a running container: docker exec <container> node dist/server/scripts/keys.js rotate
#   (also keys.js generate and accept, migrate.js, audit-verify.js: the same arguments as the npm scripts).

FROM node:24-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 builds its native addon when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json tsconfig.build.json vite.config.ts ./
COPY src ./src
COPY scripts ./scripts
# npm ci builds the pages (prepare: vite build) into dist/h5, build:server compiles the service and the operator
# scripts into dist/server, then the dev dependencies (TypeScript, Vite, tsx, ...) go.
RUN npm ci --no-audit --no-fund \
 && npm run build:server \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_URL=file:/app/data/gridpass.db \
    GRIDPASS_KEYS_DIR=/app/keys
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# package.json: "type": "module" for the compiled files, and the service finds migrations/ and dist/h5 next to it.
COPY package.json ./
COPY migrations ./migrations
RUN mkdir -p /app/keys /app/data && chown -R node:node /app/keys /app/data
USER node
VOLUME ["/app/keys", "/app/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:3000/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/server/src/server.js"]

# gridpass: multi-stage build; the runtime image runs as a non-root user with keys and data as volumes.
# Build:  docker build -t gridpass .
# Run:    docker run -p 3000:3000 -v gridpass-keys:/app/keys -v gridpass-data:/app/data \
#           -e GRIDPASS_ADMIN_PASSWORD=change-me-please gridpass

FROM node:20-bookworm-slim AS deps
WORKDIR /app
# better-sqlite3 builds its native addon when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json vite.config.ts ./
COPY src ./src
# npm ci builds the pages (prepare: vite build, a dev dependency) into dist/h5; then the dev dependencies go.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_URL=file:/app/data/gridpass.db \
    GRIDPASS_KEYS_DIR=/app/keys
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=deps /app/dist ./dist
COPY package.json tsconfig.json ./
COPY src ./src
COPY migrations ./migrations
COPY scripts ./scripts
RUN mkdir -p /app/keys /app/data && chown -R node:node /app/keys /app/data
USER node
VOLUME ["/app/keys", "/app/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:3000/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--import", "tsx", "src/server.ts"]

# syntax=docker/dockerfile:1
# Three stages: `build` compiles with every dependency, `prod-deps` installs only what runs, and the final
# image holds the compiled server, production node_modules and the SQL migrations, run by an unprivileged user.

# Node 24, the current LTS (Node 20 reached end of life in April 2026); package.json `engines` matches.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS base
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

FROM base AS build
# postinstall generates the Prisma client, so the schema, its config and the script must precede `npm ci`.
COPY package.json package-lock.json prisma.config.ts ./
# The emulator workspaces are dev dependencies that `npm ci` links; their manifests are enough, the build
# compiles src/ only.
COPY packages/slack-emulator/package.json ./packages/slack-emulator/
COPY packages/google-emulator/package.json ./packages/google-emulator/
COPY scripts ./scripts
COPY prisma ./prisma
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM base AS prod-deps
# Install scripts are skipped: the only one that matters (prisma generate) needs the `prisma` dev dependency,
# and its output is already compiled into dist/. Optional packages are omitted too: the Prisma CLI and
# TypeScript would otherwise come back as optional peers of @prisma/client (about 250 MB); the runtime loses
# only msgpackr's native speed-up (it falls back to JavaScript). The emulator workspaces are dev dependencies,
# so this install neither links nor needs them.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts

FROM base AS runtime
# tini forwards SIGTERM to node and reaps zombies; `-s` keeps it correct where it is not PID 1 (Fly's init is).
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
# Files stay owned by root: the server only reads them.
COPY package.json ./
COPY prisma ./prisma
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
ENTRYPOINT ["/usr/bin/tini", "-s", "--"]
CMD ["node", "dist/src/server.js"]

# The iotp workers (one image, one CLI: the command picks the worker). The image runs the compiled
# JavaScript of scripts/build.sh (dist/), not the TypeScript sources: no transpiling at start.
FROM node:20.19-bookworm-slim AS build
WORKDIR /app
# node-rdkafka builds librdkafka from its bundled source.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ libssl-dev zlib1g-dev \
    && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY patches ./patches
# Dev dependencies too: the build needs typescript; they are pruned after it.
RUN npm install --no-audit --no-fund --include=optional
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.sh ./scripts/build.sh
COPY cli ./cli
COPY lib ./lib
COPY connectors ./connectors
COPY streams ./streams
COPY schemas ./schemas
COPY sim ./sim
COPY demo ./demo
COPY grafana ./grafana
COPY bench ./bench
RUN bash scripts/build.sh && npm prune --omit=dev --include=optional

FROM node:20.19-bookworm-slim
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends libssl3 zlib1g ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
# The .avsc files (registry.schemasDir) and the pipeline YAML are read at start.
COPY schemas ./schemas
COPY config ./config
# The archive sink's folder (archive.root in compose and k8s): owned by the worker's user, so a named
# volume mounted there starts writable.
RUN mkdir -p /data/archive && chown node:node /data/archive
USER node
ENV NODE_ENV=production METRICS_PORT=9400
EXPOSE 9400
ENTRYPOINT ["/app/bin/iotp"]

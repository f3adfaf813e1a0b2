# The iotp workers (one image, one CLI: the command picks the worker).
FROM node:20.19-bookworm-slim AS build
WORKDIR /app
# node-rdkafka builds librdkafka from its bundled source.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ libssl-dev zlib1g-dev \
    && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm install --no-audit --no-fund --omit=dev --include=optional && npm install --no-audit --no-fund --no-save tsx@4.20.6

FROM node:20.19-bookworm-slim
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends libssl3 zlib1g ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY bin ./bin
COPY cli ./cli
COPY lib ./lib
COPY connectors ./connectors
COPY streams ./streams
COPY schemas ./schemas
COPY config ./config
USER node
ENV NODE_ENV=production METRICS_PORT=9400
EXPOSE 9400
ENTRYPOINT ["/app/bin/iotp"]

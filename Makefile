# The two commands: `make demo` (the main job) and `make test` (every test). Every install step
# (apt, Maven jars, Go build, npm) runs inside these targets, idempotently, cached outside the clone
# under $${XDG_CACHE_HOME:-~/.cache}/iotp; runtime data lives in .stack/ (git-ignored).
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help deps build stack-install stack-up stack-up-clean stack-down stack-status typecheck lint format \
        test test-unit test-integration demo bench bench-peers

help:
	@echo "make demo          stack up, the whole pipeline, a simulated device swarm, a summary"
	@echo "make test          every test: typecheck, lint, build, unit, integration on the real local stack"
	@echo "make build         compile what bin/iotp runs to dist/ (JavaScript)"
	@echo "make stack-up      start Mosquitto, Kafka, Apicurio Registry, InfluxDB, an S3 gateway on 127.0.0.1 (CLEAN=1 wipes data)"
	@echo "make stack-status  one line per server"
	@echo "make stack-down    stop what stack-up started"

deps:
	@bash scripts/install-node.sh

# The JavaScript bin/iotp, the Docker image and the k8s manifests run (dist/); tests and benchmarks use tsx.
build: deps
	@bash scripts/build.sh

stack-install:
	@bash scripts/stack/install.sh

stack-up: deps
	@bash scripts/stack/up.sh $(if $(CLEAN),--clean)

stack-up-clean: deps
	@bash scripts/stack/up.sh --clean

stack-down:
	@bash scripts/stack/down.sh

stack-status:
	@bash scripts/stack/status.sh

typecheck: deps
	@node_modules/.bin/tsc --noEmit -p tsconfig.json

lint: deps
	@node_modules/.bin/biome check .

format: deps
	@node_modules/.bin/biome check --write .

test-unit: deps
	@node_modules/.bin/vitest run --project unit

test-integration: deps
	@bash scripts/test.sh --integration-only

test:
	@bash scripts/test.sh

demo:
	@bash scripts/demo.sh

# iotp vs established tools on this box (bench/peers/README.md): Telegraf and Kafka Streams, installed
# and cached by bench/peers/install.sh; needs the stack up (make stack-up). Not part of make test.
# REPS=n changes the repetitions of each harness (default 3).
bench-peers: deps
	@bash bench/peers/install.sh >/dev/null
	@node_modules/.bin/tsx bench/peers/mqtt-vs-telegraf.ts $(if $(REPS),--reps $(REPS))
	@node_modules/.bin/tsx bench/peers/streams-vs-kafka-streams.ts $(if $(REPS),--reps $(REPS))
	@node_modules/.bin/tsx bench/peers/sink-vs-telegraf.ts $(if $(REPS),--reps $(REPS))

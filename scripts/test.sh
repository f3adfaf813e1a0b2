#!/usr/bin/env bash
# `make test`: installs what is missing, then typecheck, lint, unit tests (no servers), and the
# integration tests against the real local stack. A stack this script started is stopped at the
# end; one that was already running is left running. Prints a closing line "N passed, N failed".
# A skipped test fails the run: a skipped test is not a pass.
source "$(dirname "${BASH_SOURCE[0]}")/stack/lib.sh"
cd "$ROOT"

ONLY_INTEGRATION=0
[ "${1:-}" = "--integration-only" ] && ONLY_INTEGRATION=1
RESULTS=$STACK/test-results
mkdir -p "$RESULTS"; rm -f "$RESULTS"/*.json

step() { printf '\n==> %s\n' "$*"; }

step "install (node modules, stack servers: cached under $CACHE)"
bash scripts/install-node.sh
bash scripts/stack/install.sh

if [ $ONLY_INTEGRATION -eq 0 ]; then
  step "typecheck (tsc --noEmit, strict)"
  node_modules/.bin/tsc --noEmit -p tsconfig.json
  step "lint and format check (biome)"
  node_modules/.bin/biome check .
  step "unit tests (no servers)"
  node_modules/.bin/vitest run --project unit --reporter=default --reporter=json --outputFile.json="$RESULTS/unit.json" || true
fi

# The integration tests run bin/iotp, which runs the build when it is up to date with the sources.
step "build (tsc to dist/: what bin/iotp, the image and the manifests run)"
bash scripts/build.sh

STARTED=0
all_alive() { for s in "${SERVERS[@]}"; do alive "$s" || return 1; done; }
if ! all_alive; then
  step "starting the local stack (fresh data)"
  bash scripts/stack/down.sh
  bash scripts/stack/up.sh --clean
  STARTED=1
fi
cleanup() { if [ $STARTED -eq 1 ]; then step "stopping the local stack"; bash scripts/stack/down.sh; fi; }
trap cleanup EXIT

step "integration tests (real Mosquitto, Kafka, Apicurio Registry, InfluxDB)"
node_modules/.bin/vitest run --project integration --reporter=default --reporter=json --outputFile.json="$RESULTS/integration.json" || true

step "summary"
node scripts/test-summary.mjs "$RESULTS"

#!/usr/bin/env bash
# `make demo`: the main job. Brings the local stack up, then `iotp demo` runs the pipeline (topics and
# schemas, connector, both topologies, sink as separate processes), a simulated device swarm, and
# prints a summary of what reached InfluxDB. DEMO_SECONDS sets the simulation length (default 60).
source "$(dirname "${BASH_SOURCE[0]}")/stack/lib.sh"
cd "$ROOT"
bash scripts/install-node.sh
# The workers run the compiled JavaScript (dist/), as the image does.
bash scripts/build.sh
bash scripts/stack/up.sh
bash scripts/stack/status.sh
exec ./bin/iotp demo --seconds "${DEMO_SECONDS:-60}" "$@"

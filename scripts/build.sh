#!/usr/bin/env bash
# `make build`: compiles what bin/iotp runs (cli/main.ts and everything it imports) to JavaScript in
# dist/ with plain tsc, copies the few non-TypeScript files those modules read beside themselves,
# and stamps the build. bin/iotp runs dist/ unless a TypeScript source is newer than the stamp
# (then the sources, through tsx, as in development). Tests and benchmarks run on tsx.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rm -rf dist
node_modules/.bin/tsc -p tsconfig.build.json
# Assets read relative to their module (new URL('./...', import.meta.url)).
for asset in demo/report/browser/*.js; do
  [ -f "$asset" ] || continue
  mkdir -p "dist/$(dirname "$asset")"
  cp "$asset" "dist/$asset"
done
date -u +%Y-%m-%dT%H:%M:%SZ > dist/.build-stamp
echo "built dist/ ($(find dist -name '*.js' | wc -l) modules)"

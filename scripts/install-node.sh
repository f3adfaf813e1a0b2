#!/usr/bin/env bash
# Installs node_modules once per (package-lock.json, node version) into the cache outside the clone
# and links it into the clone, so a fresh clone skips the install and the node-rdkafka build (~3 min).
source "$(dirname "${BASH_SOURCE[0]}")/stack/lib.sh"
need node "install Node.js 20 or newer"
need npm "install npm (ships with Node.js)"
[ -f "$ROOT/package-lock.json" ] || die "package-lock.json is missing: run 'npm install' once and commit it"

key=$( (cat "$ROOT/package.json" "$ROOT/package-lock.json" "$ROOT"/patches/*.patch; node --version; uname -m) | sha256sum | cut -c1-16)
dir=$CACHE/node/$key
if [ ! -f "$dir/.complete" ]; then
  log "npm install into $dir (once for this package-lock.json; node-rdkafka builds librdkafka from source)"
  rm -rf "$dir"; mkdir -p "$dir"
  cp "$ROOT/package.json" "$ROOT/package-lock.json" "$dir/"
  # patches/ holds fixes to dependencies, applied by the postinstall script (patch-package); see
  # patches/README.md for each one.
  cp -R "$ROOT/patches" "$dir/"
  # `npm install` on the committed lock rather than `npm ci`: the registry mirror reachable here does
  # not serve other platforms' optional packages (e.g. @rollup/rollup-android-*), so the lock cannot
  # list them and `npm ci` refuses it as out of sync. Versions still come from the lock.
  ( cd "$dir" && npm install --no-audit --no-fund --loglevel=error >"$dir/npm-install.log" 2>&1 ) \
    || { tail -n 30 "$dir/npm-install.log" >&2; die "npm install failed (log: $dir/npm-install.log)"; }
  touch "$dir/.complete"
fi
if [ -d "$ROOT/node_modules" ] && [ ! -L "$ROOT/node_modules" ]; then
  log "replacing the clone's own node_modules with the cached one ($dir)"
  rm -rf "$ROOT/node_modules"
fi
ln -sfn "$dir/node_modules" "$ROOT/node_modules"

#!/usr/bin/env bash
# Restarts the local stack's Mosquitto: SIGTERM to the pid in $PIDS/mosquitto.pid (only if it is
# still the process the stack started), wait for it to exit (it saves its persistence file, so
# persistent sessions and their queued messages survive), then up.sh starts it again (up.sh starts
# whatever else of the stack is not running too). Used by `iotp devices revoke --restart-mosquitto`
# to drop the connections a revoked certificate still holds.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
if alive mosquitto; then
  pid=$(pid_of mosquitto)
  log "stopping mosquitto (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do alive mosquitto || break; sleep 0.25; done
  alive mosquitto && die "mosquitto (pid $pid) did not stop within 15s"
  rm -f "$PIDS/mosquitto.pid"
fi
exec bash "$ROOT/scripts/stack/up.sh"

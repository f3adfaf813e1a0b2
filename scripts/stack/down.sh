#!/usr/bin/env bash
# Stops the servers this stack started (only the pids in our pid files, and only if they are
# still the processes we started), politely first, then with SIGKILL after a timeout.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
stop() {
  local name=$1 pid; pid=$(pid_of "$name")
  if ! alive "$name"; then rm -f "$PIDS/$name.pid"; return 0; fi
  log "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local i; for i in $(seq 1 60); do alive "$name" || break; sleep 0.5; done
  if alive "$name"; then log "$name did not stop in 30s: SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; sleep 0.5; fi
  rm -f "$PIDS/$name.pid"
}
# Reverse order of start: consumers of Kafka first would be ours to stop, not the stack's.
for s in s3 influxdb registry-proxy registry kafka mosquitto; do stop "$s"; done
log "stack is down"

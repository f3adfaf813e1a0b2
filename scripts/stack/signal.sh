#!/usr/bin/env bash
# Sends a signal to ONE server of this stack, by its pid file and only if that pid is still the
# process the stack started (fault injection: bench/chaos, test/integration/chaos.test.ts).
#   signal.sh kafka KILL          kill -9; `up.sh` starts it again (it starts whatever is not running)
#   signal.sh influxdb TERM --wait   a clean stop, waiting (at most 60 s) until the process is gone
#   signal.sh registry STOP | CONT   pause / resume the process
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[ $# -ge 2 ] || die "usage: signal.sh <${SERVERS[*]// /|}> <signal> [--wait]"
name=$1 sig=$2 wait=${3:-}
case " ${SERVERS[*]} " in *" $name "*) ;; *) die "unknown server '$name' (expected one of: ${SERVERS[*]})" ;; esac
alive "$name" || die "$name is not running (no live pid in $PIDS/$name.pid)"
pid=$(pid_of "$name")
log "sending SIG$sig to $name (pid $pid)"
kill -s "$sig" "$pid"
if [ "$wait" = --wait ]; then
  for _ in $(seq 1 240); do alive "$name" || exit 0; sleep 0.25; done
  die "$name (pid $pid) still runs 60 s after SIG$sig"
fi

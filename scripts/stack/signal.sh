#!/usr/bin/env bash
# Sends a signal to ONE server of this stack, by its pid file and only if that pid is still the
# process the stack started (fault injection: bench/chaos, test/integration/chaos.test.ts).
#   signal.sh kafka KILL        kill -9
#   signal.sh influxdb TERM     a clean stop
#   signal.sh registry STOP     pause (CONT resumes it)
# After KILL, TERM, INT or QUIT it waits (at most 60 s) until the process is gone and removes its pid
# file, as down.sh does: up.sh then starts it again (it starts whatever is not running; a stale pid
# file would let it read the new pid while it is being written).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[ $# -eq 2 ] || die "usage: signal.sh <${SERVERS[*]// /|}> <signal>"
name=$1 sig=$2
case " ${SERVERS[*]} " in *" $name "*) ;; *) die "unknown server '$name' (expected one of: ${SERVERS[*]})" ;; esac
alive "$name" || die "$name is not running (no live pid in $PIDS/$name.pid)"
pid=$(pid_of "$name")
log "sending SIG$sig to $name (pid $pid)"
kill -s "$sig" "$pid"
case $sig in
  KILL | TERM | INT | QUIT)
    for _ in $(seq 1 240); do alive "$name" || { rm -f "$PIDS/$name.pid"; exit 0; }; sleep 0.25; done
    die "$name (pid $pid) still runs 60 s after SIG$sig" ;;
esac

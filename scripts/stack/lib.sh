# Shared settings and helpers for the local stack scripts. Source it; do not run it.
# Every path and port can be overridden from the environment.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE=${IOTP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/iotp}
STACK=${IOTP_STACK_DIR:-$ROOT/.stack}
LOGS=$STACK/logs
PIDS=$STACK/pids
DATA=$STACK/data
TLS=$STACK/tls
FLEET=$TLS/fleet   # the device fleet CA, its CRL and the device index (scripts/stack/fleet-ca.sh, iotp devices)

KAFKA_VERSION=${KAFKA_VERSION:-4.3.1}
APICURIO_VERSION=${APICURIO_VERSION:-3.3.3}
INFLUXDB_VERSION=${INFLUXDB_VERSION:-1.8.10}
VERSITYGW_VERSION=${VERSITYGW_VERSION:-1.8.0}
# The broker is built from this release's source (scripts/stack/install-mosquitto.sh); the Debian
# package (2.0.11) gives only the clients.
MOSQUITTO_VERSION=${MOSQUITTO_VERSION:-2.0.21}
MOSQUITTO_SOURCE_URL=${MOSQUITTO_SOURCE_URL:-http://deb.debian.org/debian/pool/main/m/mosquitto/mosquitto_$MOSQUITTO_VERSION.orig.tar.gz}
MOSQUITTO_SOURCE_SHA256=${MOSQUITTO_SOURCE_SHA256:-551daff96cd0675faf888f8881536177934424ecc45924fecf94cffe207f6e81}

KAFKA_LIBS=$CACHE/kafka/libs-$KAFKA_VERSION
APICURIO_HOME=$CACHE/apicurio/apicurio-registry-app-$APICURIO_VERSION
INFLUXD_BIN=$CACHE/bin/influxd-$INFLUXDB_VERSION
VERSITYGW_BIN=$CACHE/bin/versitygw-$VERSITYGW_VERSION
# -p2: with the patches of scripts/stack/patches (bump it when they change, so caches rebuild).
MOSQUITTO_BIN=$CACHE/mosquitto/$MOSQUITTO_VERSION-p2/mosquitto # named mosquitto: /proc/<pid>/comm identifies it (lib/devices/mosquitto-process.ts)

# Ports: away from the well-known defaults (1883, 8883, 9092, 8081, 8086).
MQTT_PORT=${IOTP_MQTT_PORT:-18830}          # plain, anonymous: tests and local tools
MQTT_AUTH_PORT=${IOTP_MQTT_AUTH_PORT:-18832} # plain, password + per-device ACL
MQTTS_PORT=${IOTP_MQTTS_PORT:-18831}        # TLS, password + per-device ACL
MQTTS_DEVICE_PORT=${IOTP_MQTTS_DEVICE_PORT:-18833} # TLS, client certificate of the fleet CA (CN = deviceId) + per-device ACL
KAFKA_PORT=${IOTP_KAFKA_PORT:-19092}
KAFKA_CONTROLLER_PORT=${IOTP_KAFKA_CONTROLLER_PORT:-19093}
KAFKA_SASL_PORT=${IOTP_KAFKA_SASL_PORT:-19094}
REGISTRY_PORT=${IOTP_REGISTRY_PORT:-18081}        # the registry's public port: nginx (reads open, writes need basic auth)
APICURIO_PORT=${IOTP_APICURIO_PORT:-18083}        # Apicurio itself, behind it (127.0.0.1 only)
REGISTRY_MGMT_PORT=${IOTP_REGISTRY_MGMT_PORT:-18082}
INFLUX_PORT=${IOTP_INFLUX_PORT:-18086}
INFLUX_RPC_PORT=${IOTP_INFLUX_RPC_PORT:-18088}
S3_PORT=${IOTP_S3_PORT:-19000}                  # S3 API of the object store (versitygw, posix backend)

# Local development credentials, generated for this stack only (never used outside 127.0.0.1).
KAFKA_SASL_USER=iotp
KAFKA_SASL_PASSWORD=iotp-secret
TLS_PASSWORD=iotp-changeit
INFLUX_USER=iotp
INFLUX_PASSWORD=iotp-secret
INFLUX_DB=telemetry
MQTT_CONNECTOR_USER=iotp-connector
MQTT_CONNECTOR_PASSWORD=connector-secret
MQTT_SIMULATOR_USER=iotp-simulator
MQTT_SIMULATOR_PASSWORD=simulator-secret
MQTT_COMMANDS_USER=iotp-commands
MQTT_COMMANDS_PASSWORD=commands-secret
REGISTRY_USER=iotp-registry
REGISTRY_PASSWORD=registry-secret
S3_ACCESS_KEY_ID=iotp-s3
S3_SECRET_ACCESS_KEY=iotp-s3-secret
S3_REGION=us-east-1
S3_BUCKET=iotp-archive   # created by up.sh; tests make their own buckets

SERVERS=(mosquitto kafka registry registry-proxy influxdb s3)

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] error: %s\n' "$*" >&2; exit 1; }

# need CMD "how to install it"
need() { command -v "$1" >/dev/null 2>&1 || die "missing prerequisite '$1': $2"; }

pid_of() { [ -f "$PIDS/$1.pid" ] && cat "$PIDS/$1.pid" || true; }

# alive NAME: the pid we recorded is running and is still the process we started (stderr is
# silenced before the redirect, so a process that exits while we look prints nothing).
# nginx rewrites its own environment block (its process title), so the registry proxy is recognised
# by its command line instead, which names its config under this stack's folder.
alive() {
  local pid; pid=$(pid_of "$1")
  [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
  tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" | grep -qx "IOTP_STACK_SERVER=$1" && return 0
  tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF "$STACK/$1/"
}

# start NAME CMD...: runs CMD detached with its own session, its pid in $PIDS/NAME.pid and its
# output in $LOGS/NAME.log. The IOTP_STACK_SERVER variable lets `alive` recognise our processes,
# so a recycled pid is never mistaken for one of ours.
start() {
  local name=$1; shift
  mkdir -p "$LOGS" "$PIDS"
  IOTP_STACK_SERVER=$name setsid bash -c 'echo $$ >"$0"; exec "$@"' \
    "$PIDS/$name.pid" "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  local i
  for i in $(seq 1 50); do [ -s "$PIDS/$name.pid" ] && break; sleep 0.1; done
}

# wait_for NAME SECONDS CHECK...: polls CHECK until it succeeds; on timeout or death names the
# server, whether it exited or is still starting, its log file and the last lines of the log, and
# fails. Waits are generous: on a loaded 2-core CI machine a server may take several times longer
# than here. InfluxDB 1.8 spends its start compiling the Flux library (0.1 s with Flux off, 4-7 s
# with it on, measured on this machine); one CI run gave up on it after 30 s.
wait_for() {
  local name=$1 secs=$2; shift 2
  local started=$SECONDS deadline=$((SECONDS + secs)) state="still starting"
  while [ $SECONDS -lt $deadline ]; do
    if "$@" >/dev/null 2>&1; then log "$name healthy after $((SECONDS - started))s"; return 0; fi
    if ! alive "$name"; then state="exited"; break; fi
    sleep 0.5
  done
  printf '[stack] error: %s did not become healthy within %ss: the process %s (pid %s). Log: %s\n' \
    "$name" "$secs" "$state" "$(pid_of "$name")" "$LOGS/$name.log" >&2
  tail -n 25 "$LOGS/$name.log" >&2 || true
  return 1
}

# port_free NAME PORT...: fails, naming the process that holds it, when a port is already bound
# (a server left over from another checkout would otherwise make ours exit with a bind error).
port_free() {
  local name=$1 port holder; shift
  for port in "$@"; do
    if holder=$(ss -Hltnp "sport = :$port" 2>/dev/null) && [ -n "$holder" ]; then
      die "$name cannot start: 127.0.0.1:$port is already in use by: $holder (stop it, or set the IOTP_*_PORT variables)"
    fi
  done
}

# s3_curl ARGS...: an S3 request with an empty body, signed (SigV4) as the stack's S3 root account.
s3_curl() {
  curl -sS --aws-sigv4 "aws:amz:$S3_REGION:s3" --user "$S3_ACCESS_KEY_ID:$S3_SECRET_ACCESS_KEY" \
    -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" "$@"
}

# java_21: prints a java binary of version >= 21 (Apicurio Registry 3.x needs it; Kafka runs on 17).
# Looks at $JAVA21_HOME, the default java, then every JDK under /usr/lib/jvm.
java_21() {
  local j v
  for j in ${JAVA21_HOME:+"$JAVA21_HOME/bin/java"} "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
    [ -x "$j" ] || continue
    v=$("$j" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
    [ -n "$v" ] && [ "${v%%.*}" -ge 21 ] 2>/dev/null && { echo "$j"; return 0; }
  done
  return 1
}

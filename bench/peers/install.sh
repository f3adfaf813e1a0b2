#!/usr/bin/env bash
# Installs the peers of bench/peers/, idempotently, cached outside the clone under
# ${XDG_CACHE_HOME:-$HOME/.cache}/iotp/peers (override with IOTP_PEERS_CACHE):
#   telegraf-<version>          Telegraf built from the Go module proxy with only the plugins the benches use
#   kafka-streams/<hash>/       the Kafka Streams reference app (bench/peers/kafka-streams), built with Maven;
#                               <hash> is of its pom and sources, so an edit rebuilds it
# Prints the two paths as shell assignments (TELEGRAF=..., KSTREAMS_JAR=..., KSTREAMS_LIB=...).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${IOTP_PEERS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/iotp/peers}
TELEGRAF_VERSION=${TELEGRAF_VERSION:-1.39.3}
TELEGRAF_TAGS="custom,inputs.mqtt_consumer,inputs.kafka_consumer,outputs.kafka,outputs.influxdb,parsers.json,parsers.avro,parsers.influx,serializers.influx,serializers.json"
mkdir -p "$CACHE/logs"

log() { printf '[peers] %s\n' "$*" >&2; }
die() { printf '[peers] error: %s\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "missing prerequisite '$1': $2"; }

TELEGRAF=$CACHE/telegraf-$TELEGRAF_VERSION
install_telegraf() {
  [ -x "$TELEGRAF" ] && return 0
  need go "Go >= 1.26 (https://go.dev/dl/)"
  log "building telegraf $TELEGRAF_VERSION from the Go module proxy (several minutes, once; log: $CACHE/logs/go-telegraf.log)"
  local started=$SECONDS gobin
  gobin=$(mktemp -d "$CACHE/build.XXXX")
  GOBIN=$gobin GOFLAGS=-mod=mod go install -tags "$TELEGRAF_TAGS" \
      "github.com/influxdata/telegraf/cmd/telegraf@v$TELEGRAF_VERSION" >"$CACHE/logs/go-telegraf.log" 2>&1 \
    || { tail -n 20 "$CACHE/logs/go-telegraf.log" >&2; rm -rf "$gobin"; die "go install of telegraf failed (log: $CACHE/logs/go-telegraf.log)"; }
  mv "$gobin/telegraf" "$TELEGRAF"; rm -rf "$gobin"
  log "telegraf built in $((SECONDS - started)) s"
}

KSTREAMS_HASH=$(cd "$HERE/kafka-streams" && find pom.xml src -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)
KSTREAMS_DIR=$CACHE/kafka-streams/$KSTREAMS_HASH
KSTREAMS_JAR=$KSTREAMS_DIR/iotp-peer-kafka-streams.jar
KSTREAMS_LIB=$KSTREAMS_DIR/lib
install_kafka_streams() {
  [ -f "$KSTREAMS_DIR/.complete" ] && return 0
  need java "apt-get install -y openjdk-17-jdk-headless"
  need mvn "apt-get install -y maven"
  log "building the Kafka Streams app with Maven into $KSTREAMS_DIR (log: $CACHE/logs/mvn-kafka-streams.log)"
  local started=$SECONDS
  rm -rf "$KSTREAMS_DIR"
  mvn -q -B -f "$HERE/kafka-streams/pom.xml" -Dpeers.build.dir="$KSTREAMS_DIR" package \
      >"$CACHE/logs/mvn-kafka-streams.log" 2>&1 \
    || { tail -n 30 "$CACHE/logs/mvn-kafka-streams.log" >&2; die "maven build of the Kafka Streams app failed (log: $CACHE/logs/mvn-kafka-streams.log)"; }
  [ -f "$KSTREAMS_JAR" ] || die "maven finished but $KSTREAMS_JAR is missing"
  touch "$KSTREAMS_DIR/.complete"
  find "$CACHE/kafka-streams" -mindepth 1 -maxdepth 1 -type d ! -name "$KSTREAMS_HASH" -exec rm -rf {} + # older builds
  log "Kafka Streams app built in $((SECONDS - started)) s"
}

install_telegraf
install_kafka_streams
log "telegraf: $("$TELEGRAF" --version 2>/dev/null | head -1)"
printf 'TELEGRAF=%s\nKSTREAMS_JAR=%s\nKSTREAMS_LIB=%s\n' "$TELEGRAF" "$KSTREAMS_JAR" "$KSTREAMS_LIB"

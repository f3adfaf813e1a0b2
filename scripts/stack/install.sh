#!/usr/bin/env bash
# Installs everything the local stack needs, idempotently, caching downloads and builds under
# $CACHE (outside the clone) so that a fresh clone reuses them:
#   Debian archive: Mosquitto $MOSQUITTO_VERSION source, built with upstream fixes (install-mosquitto.sh)
#   Debian: mosquitto (for mosquitto_passwd), mosquitto-clients, kcat, openssl, curl, iproute2 (ss), libssl-dev, zlib1g-dev (node-rdkafka build)
#   Maven Central: Apache Kafka $KAFKA_VERSION jars; Apicurio Registry $APICURIO_VERSION
#   Go module proxy: influxd $INFLUXDB_VERSION (v1 API + /api/v2/write compatibility API);
#     Versity S3 Gateway $VERSITYGW_VERSION (versitygw, Apache-2.0: the S3-compatible server of the archive's object store option)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
mkdir -p "$CACHE/bin" "$CACHE/kafka" "$CACHE/apicurio" "$CACHE/logs"

APT_PACKAGES=(mosquitto mosquitto-clients kcat openssl curl iproute2 libssl-dev zlib1g-dev chromium nginx-light) # chromium: headless check of the demo report (test/helpers/chromium-report.ts)

install_apt() {
  local missing=() p
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    die "missing Debian packages: ${missing[*]}. Install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}"
  fi
  log "apt-get install ${missing[*]}"
  apt-get update -qq >"$CACHE/logs/apt.log" 2>&1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >>"$CACHE/logs/apt.log" 2>&1 \
    || { tail -n 20 "$CACHE/logs/apt.log" >&2; die "apt-get install failed (log: $CACHE/logs/apt.log)"; }
}

install_kafka() {
  [ -f "$KAFKA_LIBS/.complete" ] && return 0
  need java "apt-get install -y openjdk-17-jre-headless"
  need mvn "apt-get install -y maven"
  log "resolving Apache Kafka $KAFKA_VERSION jars from Maven Central into $KAFKA_LIBS"
  rm -rf "$KAFKA_LIBS"
  mvn -q -B -f "$ROOT/scripts/stack/kafka-pom.xml" -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies -DoutputDirectory="$KAFKA_LIBS" >"$CACHE/logs/mvn-kafka.log" 2>&1 \
    || { tail -n 20 "$CACHE/logs/mvn-kafka.log" >&2; die "maven could not resolve Kafka (log: $CACHE/logs/mvn-kafka.log)"; }
  touch "$KAFKA_LIBS/.complete"
}

install_apicurio() {
  [ -f "$APICURIO_HOME/quarkus-run.jar" ] && return 0
  need java "apt-get install -y openjdk-17-jre-headless"
  need mvn "apt-get install -y maven"
  local tgz="$CACHE/apicurio/apicurio-registry-app-$APICURIO_VERSION-all.tar.gz"
  if [ ! -f "$tgz" ]; then
    log "downloading Apicurio Registry $APICURIO_VERSION from Maven Central"
    mvn -q -B dependency:copy -Dartifact="io.apicurio:apicurio-registry-app:$APICURIO_VERSION:tar.gz:all" \
      -DoutputDirectory="$CACHE/apicurio" >"$CACHE/logs/mvn-apicurio.log" 2>&1 \
      || { tail -n 20 "$CACHE/logs/mvn-apicurio.log" >&2; die "maven could not fetch Apicurio (log: $CACHE/logs/mvn-apicurio.log)"; }
  fi
  local tmp; tmp=$(mktemp -d "$CACHE/apicurio/unpack.XXXX")
  tar -xzf "$tgz" -C "$tmp"
  local run; run=$(find "$tmp" -name quarkus-run.jar -print -quit)
  [ -n "$run" ] || die "no quarkus-run.jar inside $tgz"
  rm -rf "$APICURIO_HOME"; mv "$(dirname "$run")" "$APICURIO_HOME"; rm -rf "$tmp"
}

# go_install NAME PACKAGE@VERSION DEST WHAT: builds one Go command from the module proxy into DEST (once).
go_install() {
  local name=$1 package=$2 dest=$3 what=$4
  [ -x "$dest" ] && return 0
  need go "install Go from the Go downloads page or: apt-get install -y golang"
  log "building $what from the Go module proxy (once)"
  local gobin; gobin=$(mktemp -d "$CACHE/bin/build.XXXX")
  GOBIN=$gobin GOFLAGS=-mod=mod go install "$package" >"$CACHE/logs/go-$name.log" 2>&1 \
    || { tail -n 20 "$CACHE/logs/go-$name.log" >&2; die "go install of $name failed (log: $CACHE/logs/go-$name.log)"; }
  mv "$gobin/$name" "$dest"; rm -rf "$gobin"
}

install_influxdb() {
  go_install influxd "github.com/influxdata/influxdb/cmd/influxd@v$INFLUXDB_VERSION" "$INFLUXD_BIN" \
    "influxd $INFLUXDB_VERSION (a few minutes)"
}

install_versitygw() {
  go_install versitygw "github.com/versity/versitygw/cmd/versitygw@v$VERSITYGW_VERSION" "$VERSITYGW_BIN" \
    "versitygw $VERSITYGW_VERSION, the S3 gateway (a minute or two)"
}

install_apt
install_kafka
install_apicurio
install_influxdb
install_versitygw
bash "$ROOT/scripts/stack/install-mosquitto.sh"
log "installed: kafka $KAFKA_VERSION, apicurio $APICURIO_VERSION, influxd $INFLUXDB_VERSION, versitygw $VERSITYGW_VERSION, mosquitto $("$MOSQUITTO_BIN" -h 2>/dev/null | head -1 | awk '{print $3}')"

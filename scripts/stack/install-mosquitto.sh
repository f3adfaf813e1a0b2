#!/usr/bin/env bash
# Builds the stack's Mosquitto broker, once, into $MOSQUITTO_BIN (outside the clone):
#   source: Debian's mosquitto_$MOSQUITTO_VERSION.orig.tar.gz (the upstream release) from the
#   Debian archive's pool, checked against its SHA-256;
#   patches: scripts/stack/patches/mosquitto-$MOSQUITTO_VERSION-*.patch (upstream fixes, each file
#   says which).
# Why not Debian bookworm's package (2.0.11): it does not recover a persistent session's $share
# subscription (fixed upstream in 2.0.12: "Fix $share subscriptions not being recovered for durable
# clients that reconnect"). After a broker restart the MQTT source's shared subscription then takes
# nothing until the source subscribes again, and what devices publish meanwhile is acknowledged and
# dropped (docs/MOSQUITTO.md, "Restarts"). The Debian package stays installed for its clients
# (mosquitto_pub, mosquitto_sub, mosquitto_passwd).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ -x "$MOSQUITTO_BIN" ] && exit 0
need cc "apt-get install -y gcc make"
need make "apt-get install -y make"
need curl "apt-get install -y curl"
mkdir -p "$CACHE/mosquitto" "$CACHE/bin" "$CACHE/logs"

tgz=$CACHE/mosquitto/mosquitto_$MOSQUITTO_VERSION.orig.tar.gz
if [ ! -f "$tgz" ]; then
  log "downloading Mosquitto $MOSQUITTO_VERSION source from the Debian archive ($MOSQUITTO_SOURCE_URL)"
  curl -fsS -o "$tgz.part" "$MOSQUITTO_SOURCE_URL" || die "could not download $MOSQUITTO_SOURCE_URL"
  mv "$tgz.part" "$tgz"
fi
echo "$MOSQUITTO_SOURCE_SHA256  $tgz" | sha256sum -c --quiet - \
  || { rm -f "$tgz"; die "$tgz does not have SHA-256 $MOSQUITTO_SOURCE_SHA256 (removed; run again)"; }

build=$(mktemp -d "$CACHE/mosquitto/build.XXXX")
trap 'rm -rf "$build"' EXIT
tar -xzf "$tgz" -C "$build"
src=$build/mosquitto-$MOSQUITTO_VERSION
for p in "$ROOT"/scripts/stack/patches/mosquitto-"$MOSQUITTO_VERSION"-*.patch; do
  [ -f "$p" ] || continue
  log "patching Mosquitto: $(basename "$p")"
  patch -s -d "$src" -p1 <"$p" || die "patch $(basename "$p") does not apply to Mosquitto $MOSQUITTO_VERSION"
done
log "building the Mosquitto $MOSQUITTO_VERSION broker (about a minute, once)"
make -C "$src/src" -j2 WITH_CJSON=no WITH_DOCS=no WITH_WEBSOCKETS=no WITH_SRV=no WITH_SYSTEMD=no \
    >"$CACHE/logs/mosquitto-build.log" 2>&1 \
  || { tail -n 20 "$CACHE/logs/mosquitto-build.log" >&2; die "Mosquitto build failed (log: $CACHE/logs/mosquitto-build.log)"; }
mkdir -p "$(dirname "$MOSQUITTO_BIN")"
mv "$src/src/mosquitto" "$MOSQUITTO_BIN"
log "built $MOSQUITTO_BIN"

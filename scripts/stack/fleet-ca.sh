#!/usr/bin/env bash
# Creates the device fleet CA under $FLEET (once; kept across --clean, like the test CA):
#   ca.pem/ca.key  EC P-256 CA that signs the devices' client certificates (`iotp devices add`)
#   crl.pem        its certificate revocation list, empty at first (`iotp devices revoke` rewrites it)
# The device index (devices.json, issued certificates and revocations) is written beside them by
# `iotp devices`. Mosquitto's device listener (scripts/stack/conf/mosquitto.conf.tmpl) trusts only
# this CA and refuses to start without the CRL, so both exist before it starts.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need openssl "apt-get install -y openssl"
mkdir -p "$FLEET"; cd "$FLEET"

# gen_crl: an empty CRL (number 1) valid for 10 years: Mosquitto refuses every client certificate
# once its CRL is past nextUpdate, and the local stack has no job that re-signs it.
gen_crl() {
  local tmp; tmp=$(mktemp -d)
  : >"$tmp/index.txt"; echo 01 >"$tmp/crlnumber"
  printf '[ca]\ndefault_ca = fleet\n[fleet]\ndatabase = %s/index.txt\ncrlnumber = %s/crlnumber\ndefault_md = sha256\ncrl_extensions = crl_ext\n[crl_ext]\nauthorityKeyIdentifier = keyid:always\n' \
    "$tmp" "$tmp" >"$tmp/ca.cnf"
  openssl ca -gencrl -batch -config "$tmp/ca.cnf" -keyfile ca.key -cert ca.pem -crldays 3650 -out crl.pem >/dev/null 2>&1 \
    || { rm -rf "$tmp"; die "could not write the fleet CRL $FLEET/crl.pem"; }
  rm -rf "$tmp"; chmod 644 crl.pem
}

if [ ! -f ca.pem ] || [ ! -f ca.key ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
    -subj "/CN=iotp local device fleet CA" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout ca.key -out ca.pem >/dev/null 2>&1 || die "could not create the fleet CA in $FLEET"
  chmod 600 ca.key; chmod 644 ca.pem
  # An index of another CA's certificates is kept aside, not mixed with the new CA's.
  [ -f devices.json ] && mv devices.json "devices.json.before-$(date -u +%Y%m%dT%H%M%SZ)"
  rm -f crl.pem
  gen_crl
  log "device fleet CA written to $FLEET"
elif [ ! -f crl.pem ]; then
  # An empty CRL would silently re-admit every revoked certificate of the index.
  [ -f devices.json ] && die "$FLEET/crl.pem is missing: rebuild it from the device index with 'bin/iotp devices crl'"
  gen_crl
  log "empty fleet CRL written to $FLEET/crl.pem"
fi

#!/usr/bin/env bash
# Creates a throwaway test CA and certificates for 127.0.0.1 under $TLS (once; kept across --clean):
#   ca.pem/ca.key, server.pem/server.key (SAN 127.0.0.1, localhost), server.p12 (for Kafka),
#   client.pem/client.key (an optional MQTT client certificate); and, by fleet-ca.sh, the device
#   fleet CA under $TLS/fleet.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bash "$(dirname "${BASH_SOURCE[0]}")/fleet-ca.sh"   # the device fleet CA, created once on its own
[ -f "$TLS/server.p12" ] && [ -f "$TLS/client.pem" ] && exit 0
need openssl "apt-get install -y openssl"
mkdir -p "$TLS"; cd "$TLS"
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=iotp local test CA" \
  -keyout ca.key -out ca.pem >/dev/null 2>&1
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr >/dev/null 2>&1
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 \
  -extfile server.ext -out server.pem >/dev/null 2>&1
openssl pkcs12 -export -in server.pem -inkey server.key -certfile ca.pem -name kafka \
  -passout "pass:$TLS_PASSWORD" -out server.p12
printf 'extendedKeyUsage=clientAuth\n' >client.ext
openssl req -newkey rsa:2048 -nodes -subj "/CN=iotp-client" -keyout client.key -out client.csr >/dev/null 2>&1
openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 \
  -extfile client.ext -out client.pem >/dev/null 2>&1
chmod 644 ./*.pem ./*.key
log "test CA and certificates written to $TLS"

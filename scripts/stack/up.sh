#!/usr/bin/env bash
# Starts the local stack on 127.0.0.1: Mosquitto, Kafka (KRaft), Apicurio Registry, InfluxDB, and an
# S3-compatible object store (Versity S3 Gateway on a folder) for the archive's S3 option.
# Idempotent: a server already running (by our pid file) is left alone. `--clean` wipes data dirs
# first. Writes $STACK/env (KEY=VALUE) for tests and for `iotp`.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CLEAN=0
for arg in "$@"; do
  case $arg in
    --clean) CLEAN=1 ;;
    *) die "unknown option '$arg' (expected: --clean)" ;;
  esac
done

bash "$ROOT/scripts/stack/install.sh"
bash "$ROOT/scripts/stack/tls.sh"
need java "apt-get install -y openjdk-17-jre-headless"
need curl "apt-get install -y curl"

if [ $CLEAN -eq 1 ]; then
  for s in "${SERVERS[@]}"; do alive "$s" && die "$s is running: run 'make stack-down' before 'stack-up --clean'"; done
  log "wiping $DATA"; rm -rf "$DATA"
fi
mkdir -p "$DATA" "$LOGS" "$PIDS" "$STACK/mosquitto"

render() { # render TEMPLATE OUT
  sed -e "s#@USER@#$(id -un)#g" -e "s#@DATA@#$DATA#g" -e "s#@STACK@#$STACK#g" -e "s#@TLS@#$TLS#g" -e "s#@TLS_PASSWORD@#$TLS_PASSWORD#g" \
      -e "s#@MQTT_PORT@#$MQTT_PORT#g" -e "s#@MQTT_AUTH_PORT@#$MQTT_AUTH_PORT#g" -e "s#@MQTTS_PORT@#$MQTTS_PORT#g" \
      -e "s#@MQTTS_DEVICE_PORT@#$MQTTS_DEVICE_PORT#g" \
      -e "s#@KAFKA_PORT@#$KAFKA_PORT#g" -e "s#@KAFKA_CONTROLLER_PORT@#$KAFKA_CONTROLLER_PORT#g" \
      -e "s#@KAFKA_SASL_PORT@#$KAFKA_SASL_PORT#g" -e "s#@INFLUX_PORT@#$INFLUX_PORT#g" \
      -e "s#@INFLUX_RPC_PORT@#$INFLUX_RPC_PORT#g" -e "s#@REGISTRY_PORT@#$REGISTRY_PORT#g" \
      -e "s#@APICURIO_PORT@#$APICURIO_PORT#g" "$1" >"$2"
}
CONF=$ROOT/scripts/stack/conf

# ---- Mosquitto --------------------------------------------------------------------------------
mosquitto_healthy() { mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -t iotp/health -m ok -q 1; }
up_mosquitto() {
  if alive mosquitto; then log "mosquitto already running (pid $(pid_of mosquitto))"; return 0; fi
  mkdir -p "$DATA/mosquitto"
  render "$CONF/mosquitto.conf.tmpl" "$STACK/mosquitto/mosquitto.conf"
  cp "$CONF/mosquitto.acl" "$STACK/mosquitto/acl"
  # Service users are (re)written every start; device users added by tests or the simulator stay.
  [ -f "$STACK/mosquitto/passwd" ] || : >"$STACK/mosquitto/passwd"
  mosquitto_passwd -b "$STACK/mosquitto/passwd" "$MQTT_CONNECTOR_USER" "$MQTT_CONNECTOR_PASSWORD"
  mosquitto_passwd -b "$STACK/mosquitto/passwd" "$MQTT_SIMULATOR_USER" "$MQTT_SIMULATOR_PASSWORD"
  mosquitto_passwd -b "$STACK/mosquitto/passwd" "$MQTT_COMMANDS_USER" "$MQTT_COMMANDS_PASSWORD"
  chmod 600 "$STACK/mosquitto/passwd" "$STACK/mosquitto/acl"
  port_free mosquitto "$MQTT_PORT" "$MQTT_AUTH_PORT" "$MQTTS_PORT" "$MQTTS_DEVICE_PORT"
  log "starting mosquitto on $MQTT_PORT (plain), $MQTT_AUTH_PORT (auth), $MQTTS_PORT (TLS+auth), $MQTTS_DEVICE_PORT (TLS+device certificate)"
  start mosquitto "$MOSQUITTO_BIN" -c "$STACK/mosquitto/mosquitto.conf"
  wait_for mosquitto 60 mosquitto_healthy
}

# ---- Kafka ------------------------------------------------------------------------------------
kafka_java() { java -Xmx512m -Xms256m -XX:+UseG1GC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$KAFKA_LIBS/*" "$@"; }
kafka_healthy() {
  java -Xmx128m -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp "$KAFKA_LIBS/*" \
    org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" --list
}
up_kafka() {
  if alive kafka; then log "kafka already running (pid $(pid_of kafka))"; return 0; fi
  render "$CONF/kafka.properties.tmpl" "$STACK/kafka.properties"
  if [ ! -f "$DATA/kafka/meta.properties" ]; then
    local uuid; uuid=$(kafka_java kafka.tools.StorageTool random-uuid)
    kafka_java kafka.tools.StorageTool format -t "$uuid" -c "$STACK/kafka.properties" \
      --add-scram "SCRAM-SHA-256=[name=$KAFKA_SASL_USER,password=$KAFKA_SASL_PASSWORD]" \
      --add-scram "SCRAM-SHA-512=[name=$KAFKA_SASL_USER,password=$KAFKA_SASL_PASSWORD]" >>"$LOGS/kafka.log" 2>&1 \
      || { tail -n 20 "$LOGS/kafka.log" >&2; die "kafka storage format failed (log: $LOGS/kafka.log)"; }
  fi
  port_free kafka "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$KAFKA_SASL_PORT"
  log "starting kafka $KAFKA_VERSION on $KAFKA_PORT (PLAINTEXT), $KAFKA_SASL_PORT (SASL_SSL/SCRAM)"
  start kafka java -Xmx768m -Xms512m -XX:+UseG1GC -Dorg.slf4j.simpleLogger.defaultLogLevel=info \
    -Dorg.slf4j.simpleLogger.log.kafka=warn -Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn \
    -Dorg.slf4j.simpleLogger.log.kafka.server.KafkaRaftServer=info \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$STACK/kafka.properties"
  wait_for kafka 240 kafka_healthy
}

# ---- Apicurio Registry ------------------------------------------------------------------------
REGISTRY_URL=http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7
APICURIO_URL=http://127.0.0.1:$APICURIO_PORT/apis/ccompat/v7
registry_healthy() { curl -fsS "$APICURIO_URL/subjects"; }
up_registry() {
  if alive registry; then log "registry already running (pid $(pid_of registry))"; return 0; fi
  local java21; java21=$(java_21) || die "Apicurio Registry $APICURIO_VERSION needs Java 21 or newer: install one (e.g. apt-get install -y openjdk-21-jre-headless where available) or set JAVA21_HOME"
  port_free registry "$APICURIO_PORT" "$REGISTRY_MGMT_PORT"
  log "starting apicurio registry $APICURIO_VERSION on $APICURIO_PORT (internal; deletion off) with $java21"
  # Its schemas live in $DATA/registry (H2 on disk), like Kafka's records: the default in-memory
  # store would come back empty after a restart while Kafka still holds records naming its ids.
  mkdir -p "$DATA/registry"
  ( cd "$APICURIO_HOME" && start registry "$java21" -Xmx512m -Xms128m \
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$APICURIO_PORT" \
    -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="$REGISTRY_MGMT_PORT" \
    -Dapicurio.datasource.url="jdbc:h2:file:$DATA/registry/registry" \
    -Dapicurio.rest.deletion.group.enabled=false \
    -Dapicurio.rest.deletion.artifact.enabled=false \
    -Dapicurio.rest.deletion.artifact-version.enabled=false \
    -Dquarkus.log.level=WARN -Dquarkus.log.category.\"io.quarkus\".level=INFO \
    -jar quarkus-run.jar )
  wait_for registry 240 registry_healthy
  # Confluent's registry defaults to BACKWARD; Apicurio has no rule until one is set.
  curl -fsS -X PUT -H 'Content-Type: application/vnd.schemaregistry.v1+json' \
    --data '{"compatibility":"BACKWARD"}' "$APICURIO_URL/config" >/dev/null \
    || die "could not set the registry's global compatibility to BACKWARD"
}

# ---- The registry's reverse proxy (nginx): reads open, writes need basic auth, no DELETE -------
proxy_healthy() { curl -fsS "$REGISTRY_URL/subjects"; }
up_registry_proxy() {
  if alive registry-proxy; then log "registry proxy already running (pid $(pid_of registry-proxy))"; return 0; fi
  mkdir -p "$STACK/registry-proxy"
  render "$CONF/registry-proxy.conf.tmpl" "$STACK/registry-proxy/nginx.conf"
  printf '%s:%s\n' "$REGISTRY_USER" "$(openssl passwd -apr1 "$REGISTRY_PASSWORD")" >"$STACK/registry-proxy/htpasswd"
  chmod 600 "$STACK/registry-proxy/htpasswd"
  port_free registry-proxy "$REGISTRY_PORT"
  log "starting the registry proxy (nginx) on $REGISTRY_PORT: $REGISTRY_URL (writes need $REGISTRY_USER's password)"
  start registry-proxy nginx -c "$STACK/registry-proxy/nginx.conf" -p "$STACK/registry-proxy"
  wait_for registry-proxy 60 proxy_healthy
}

# ---- InfluxDB ---------------------------------------------------------------------------------
INFLUX_URL=http://127.0.0.1:$INFLUX_PORT
influx_healthy() { curl -fsS "$INFLUX_URL/ping"; }
influx_query() { curl -fsS -u "$INFLUX_USER:$INFLUX_PASSWORD" --data-urlencode "q=$1" "$INFLUX_URL/query"; }
up_influxdb() {
  if alive influxdb; then log "influxdb already running (pid $(pid_of influxdb))"; return 0; fi
  mkdir -p "$DATA/influxdb"
  render "$CONF/influxdb.conf.tmpl" "$STACK/influxdb.conf"
  port_free influxdb "$INFLUX_PORT" "$INFLUX_RPC_PORT"
  log "starting influxdb $INFLUXDB_VERSION on $INFLUX_PORT (v1 /write, v2 /api/v2/write, Flux)"
  start influxdb "$INFLUXD_BIN" -config "$STACK/influxdb.conf"
  wait_for influxdb 180 influx_healthy
  # With auth on and no users yet, InfluxDB lets the first admin be created unauthenticated.
  if ! influx_query "SHOW DATABASES" >/dev/null 2>&1; then
    curl -fsS --data-urlencode "q=CREATE USER $INFLUX_USER WITH PASSWORD '$INFLUX_PASSWORD' WITH ALL PRIVILEGES" \
      "$INFLUX_URL/query" >/dev/null || die "could not create the InfluxDB admin user"
  fi
  influx_query "CREATE DATABASE $INFLUX_DB" >/dev/null || die "could not create database $INFLUX_DB"
}

# ---- S3-compatible object store (Versity S3 Gateway, posix backend) ---------------------------
# Buckets are folders of $DATA/s3 and objects are files (metadata in extended attributes). One root
# account (single-account mode, no IAM service); the archive's bucket is created here, tests make
# their own.
S3_URL=http://127.0.0.1:$S3_PORT
s3_healthy() { s3_curl -f "$S3_URL/"; }
up_s3() {
  if alive s3; then log "s3 already running (pid $(pid_of s3))"; return 0; fi
  mkdir -p "$DATA/s3"
  port_free s3 "$S3_PORT"
  log "starting versitygw $VERSITYGW_VERSION (S3 API) on $S3_PORT, objects under $DATA/s3"
  ROOT_ACCESS_KEY_ID=$S3_ACCESS_KEY_ID ROOT_SECRET_ACCESS_KEY=$S3_SECRET_ACCESS_KEY \
    start s3 "$VERSITYGW_BIN" --port "127.0.0.1:$S3_PORT" --region "$S3_REGION" --quiet posix "$DATA/s3"
  wait_for s3 60 s3_healthy
  local code; code=$(s3_curl -o /dev/null -w '%{http_code}' -X PUT "$S3_URL/$S3_BUCKET") || die "could not reach the S3 gateway to create bucket $S3_BUCKET"
  case $code in 200|409) ;; *) die "could not create bucket $S3_BUCKET (HTTP $code)" ;; esac
}

# InfluxDB first: its start is CPU-bound (Flux), and the two JVMs starting beside it slowed it down.
up_mosquitto
up_influxdb
up_kafka
up_registry
up_registry_proxy
up_s3

cat >"$STACK/env" <<ENV
# Written by scripts/stack/up.sh. Read by tests and by iotp as defaults (environment wins).
KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT
KAFKA_SASL_BROKERS=127.0.0.1:$KAFKA_SASL_PORT
KAFKA_SASL_MECHANISM=scram-sha-256
KAFKA_SASL_USERNAME=$KAFKA_SASL_USER
KAFKA_SASL_PASSWORD=$KAFKA_SASL_PASSWORD
KAFKA_SSL_CA=$TLS/ca.pem
SCHEMA_REGISTRY_URL=$REGISTRY_URL
SCHEMA_REGISTRY_USERNAME=$REGISTRY_USER
SCHEMA_REGISTRY_PASSWORD=$REGISTRY_PASSWORD
MQTT_URL=mqtt://127.0.0.1:$MQTT_PORT
MQTT_AUTH_URL=mqtt://127.0.0.1:$MQTT_AUTH_PORT
MQTTS_URL=mqtts://127.0.0.1:$MQTTS_PORT
MQTT_CA=$TLS/ca.pem
MQTT_CLIENT_CERT=$TLS/client.pem
MQTT_CLIENT_KEY=$TLS/client.key
MQTTS_DEVICE_URL=mqtts://127.0.0.1:$MQTTS_DEVICE_PORT
FLEET_CA=$FLEET/ca.pem
FLEET_CA_KEY=$FLEET/ca.key
FLEET_CRL=$FLEET/crl.pem
FLEET_INDEX=$FLEET/devices.json
MQTT_USERNAME=$MQTT_CONNECTOR_USER
MQTT_PASSWORD=$MQTT_CONNECTOR_PASSWORD
MQTT_SIMULATOR_USERNAME=$MQTT_SIMULATOR_USER
MQTT_SIMULATOR_PASSWORD=$MQTT_SIMULATOR_PASSWORD
MQTT_COMMANDS_USERNAME=$MQTT_COMMANDS_USER
MQTT_COMMANDS_PASSWORD=$MQTT_COMMANDS_PASSWORD
MQTT_PASSWD_FILE=$STACK/mosquitto/passwd
MQTT_PID_FILE=$PIDS/mosquitto.pid
MQTT_BROKER_BIN=$MOSQUITTO_BIN
INFLUX_URL=$INFLUX_URL
INFLUX_API=v2
INFLUX_DB=$INFLUX_DB
INFLUX_BUCKET=$INFLUX_DB/autogen
INFLUX_ORG=-
INFLUX_TOKEN=$INFLUX_USER:$INFLUX_PASSWORD
INFLUX_USERNAME=$INFLUX_USER
INFLUX_PASSWORD=$INFLUX_PASSWORD
S3_ENDPOINT=$S3_URL
S3_REGION=$S3_REGION
S3_BUCKET=$S3_BUCKET
S3_ACCESS_KEY_ID=$S3_ACCESS_KEY_ID
S3_SECRET_ACCESS_KEY=$S3_SECRET_ACCESS_KEY
ENV
log "stack is up; settings in $STACK/env"

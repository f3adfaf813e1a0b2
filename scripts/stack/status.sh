#!/usr/bin/env bash
# Prints one line per server: running (pid) and healthy (its own health check). Exit 1 if any is not.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
set +e
check() {
  case $1 in
    mosquitto) mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -t iotp/health -m ok -q 1 ;;
    kafka) java -Xmx128m -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp "$KAFKA_LIBS/*" \
             org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" --list ;;
    registry) curl -fsS "http://127.0.0.1:$APICURIO_PORT/apis/ccompat/v7/subjects" ;;
    registry-proxy) curl -fsS "http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7/subjects" ;;
    influxdb) curl -fsS "http://127.0.0.1:$INFLUX_PORT/ping" ;;
    s3) s3_curl -f "http://127.0.0.1:$S3_PORT/" ;;
  esac
}
endpoint() {
  case $1 in
    mosquitto) echo "mqtt://127.0.0.1:$MQTT_PORT mqtts://127.0.0.1:$MQTTS_PORT mqtts://127.0.0.1:$MQTTS_DEVICE_PORT (devices)" ;;
    kafka) echo "127.0.0.1:$KAFKA_PORT (PLAINTEXT) 127.0.0.1:$KAFKA_SASL_PORT (SASL_SSL)" ;;
    registry) echo "http://127.0.0.1:$APICURIO_PORT (internal, behind registry-proxy)" ;;
    registry-proxy) echo "http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7 (writes need basic auth)" ;;
    influxdb) echo "http://127.0.0.1:$INFLUX_PORT" ;;
    s3) echo "http://127.0.0.1:$S3_PORT (S3 API, path-style; bucket $S3_BUCKET)" ;;
  esac
}
bad=0
printf '%-14s %-8s %-9s %s\n' SERVER PID HEALTH ENDPOINT
for s in "${SERVERS[@]}"; do
  if alive "$s"; then
    if check "$s" >/dev/null 2>&1; then h=healthy; else h=UNHEALTHY; bad=1; fi
    printf '%-14s %-8s %-9s %s\n' "$s" "$(pid_of "$s")" "$h" "$(endpoint "$s")"
  else
    printf '%-14s %-8s %-9s %s\n' "$s" - DOWN "$(endpoint "$s")"; bad=1
  fi
done
exit $bad

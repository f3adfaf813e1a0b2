import { describe, expect, it } from 'vitest';
import { loadPipelineConfig } from '../../lib/config/index.js';
import { mqttSinkSettingsFrom } from './sink-settings.js';

describe('mqttSinkSettingsFrom', () => {
  it('takes everything from the commands section and its own MQTT identity (not the source’s)', () => {
    const config = loadPipelineConfig({
      env: {
        MQTT_URL: 'mqtt://127.0.0.1:18832',
        MQTT_USERNAME: 'iotp-connector',
        MQTT_PASSWORD: 'connector-secret',
        MQTT_COMMANDS_USERNAME: 'iotp-commands',
        MQTT_COMMANDS_PASSWORD: 'commands-secret',
      },
    });
    const s = mqttSinkSettingsFrom(config, { replica: 'pod/1', metricsPort: 0 });
    expect(s).toMatchObject({
      commandsTopic: 'telemetry.commands',
      mqttTopic: 'devices/{deviceId}/cmd',
      deadLetterTopic: 'telemetry.dlq',
      groupId: 'iotp-mqtt-sink',
      maxInFlight: 100,
      publishTimeoutMs: 30_000,
      replicaId: 'iotp-mqtt-sink-pod-1',
      metricsPort: 0,
      mqtt: {
        url: 'mqtt://127.0.0.1:18832',
        username: 'iotp-commands',
        password: 'commands-secret',
        clientId: 'iotp-mqtt-sink-pod-1',
        protocolVersion: 5,
        keepaliveSeconds: 30,
      },
    });
  });
});

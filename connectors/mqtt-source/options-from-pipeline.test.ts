import { describe, expect, it } from 'vitest';
import { kafkaClientConfig } from '../../lib/clients/index.js';
import { loadPipelineConfig } from '../../lib/config/index.js';
import { ConfigError } from '../../lib/errors.js';
import { mqttSourceOptionsFromPipeline } from './options-from-pipeline.js';
import { pipelineSchemas } from './run-mqtt-source.js';
import { statusTemplateFor } from './status-template.js';

const env = {
  KAFKA_BROKERS: '127.0.0.1:19092',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:18081/apis/ccompat/v7',
  MQTT_URL: 'mqtts://127.0.0.1:18831',
  MQTT_USERNAME: 'iotp-connector',
  MQTT_PASSWORD: 'connector-secret',
};

describe('mqttSourceOptionsFromPipeline', () => {
  it('maps the pipeline YAML (config/pipeline.yaml) onto the connector options', () => {
    const config = loadPipelineConfig({ env });
    const options = mqttSourceOptionsFromPipeline(config, { replica: 'pod/7', metricsPort: 0 });
    expect(options.mqtt).toMatchObject({
      url: 'mqtts://127.0.0.1:18831',
      username: 'iotp-connector',
      password: 'connector-secret',
      clientId: 'iotp-mqtt-source-pod-7',
      group: 'iotp',
      protocolVersion: 5,
      receiveMaximum: 1000,
      keepaliveSeconds: 30,
    });
    expect(options.routes).toEqual([
      {
        mqtt: 'sensors/{site}/{deviceId}/environment',
        topic: 'telemetry.environment',
        schema: 'environment',
        subject: 'telemetry.environment-value',
        subscribe: 'namespace',
      },
      {
        mqtt: 'sensors/{site}/{deviceId}/power',
        topic: 'telemetry.power',
        schema: 'power',
        subject: 'telemetry.power-value',
        subscribe: 'namespace',
      },
      {
        mqtt: 'devices/{deviceId}/cmd/ack',
        topic: 'telemetry.commands.status',
        schema: 'command-status',
        subject: 'telemetry.commands.status-value',
        subscribe: 'exact',
      },
    ]);
    expect(options.deadLetterTopic).toBe('telemetry.dlq');
    expect(options.status).toEqual({ topic: 'telemetry.device-status', schema: 'device-status' });
    expect(options.limits).toEqual({ maxPayloadBytes: 65_536, maxFutureMs: 300_000, maxPastMs: 7 * 24 * 3_600_000 });
    expect(options.registry).toEqual({ url: env.SCHEMA_REGISTRY_URL, autoRegister: false });
    expect(statusTemplateFor(options.routes)).toBe('sensors/{site}/{deviceId}/status');
    expect([...pipelineSchemas(config).keys()].sort()).toEqual([
      'command-status',
      'device-status',
      'environment',
      'power',
    ]);
    expect(kafkaClientConfig(config, options.mqtt.clientId)).toEqual({
      backend: 'kafkajs',
      brokers: ['127.0.0.1:19092'],
      clientId: 'iotp-iotp-mqtt-source-pod-7',
    });
  });

  it('refuses QoS 2 naming mqtt.qos', () => {
    const config = loadPipelineConfig({ env: { ...env, IOTP_MQTT__QOS: '2' } });
    expect(() => mqttSourceOptionsFromPipeline(config)).toThrow(ConfigError);
    expect(() => mqttSourceOptionsFromPipeline(config)).toThrow(/^mqtt\.qos: expected 1/);
  });

  it('statusTemplateFor puts the status beside the readings and needs a {deviceId}', () => {
    expect(statusTemplateFor([{ mqtt: 'a/{deviceId}/{site}/x', topic: 't', schema: 's' }])).toBe('a/{deviceId}/status');
    expect(() => statusTemplateFor([])).toThrow(/status\.template/);
  });
});

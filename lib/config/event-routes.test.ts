import { describe, expect, it } from 'vitest';
import { pipelineTopics } from '../pipeline/topics.js';
import { loadPipelineConfig } from './load.js';
import { pipelineSubjects } from './subjects.js';

// Issue 16: a device's command status is routed by configuration (an event route), not code.
describe('event routes and the commands section', () => {
  it('the shipped config routes devices/+/cmd/ack to telemetry.commands.status as an event, not a reading', () => {
    const config = loadPipelineConfig({ env: {} });
    expect(config.readingRoutes.map((r) => r.type)).toEqual(['environment', 'power']);
    expect(config.eventRoutes).toHaveLength(1);
    expect(config.eventRoutes[0]).toMatchObject({
      type: 'command-status',
      mqtt: 'devices/{deviceId}/cmd/ack',
      mqttFilter: 'devices/+/cmd/ack',
      topic: 'telemetry.commands.status',
      subject: 'telemetry.commands.status-value',
      subscribe: 'exact',
    });
    expect(config.commands).toMatchObject({
      topic: 'telemetry.commands',
      mqttTopic: 'devices/{deviceId}/cmd',
      stuckRecalibrate: { enabled: false },
    });
    const topics = pipelineTopics(config).map((t) => t.topic);
    expect(topics).toContain('telemetry.commands');
    expect(topics).toContain('telemetry.commands.status');
    const subjects = pipelineSubjects(config).map((s) => [s.subject, s.role]);
    expect(subjects).toContainEqual(['telemetry.commands-value', 'command']);
    expect(subjects).toContainEqual(['telemetry.commands.status-value', 'event']);
  });

  it('a command-status schema is refused as a reading (no numeric field) but taken as an event', () => {
    const asReading = { IOTP_ROUTES__2__KIND: 'reading' };
    expect(() => loadPipelineConfig({ env: asReading })).toThrow(/not a reading schema.*numeric/);
  });

  it('commands.mqttTopic must be a template with {deviceId} as its only placeholder', () => {
    expect(() => loadPipelineConfig({ env: { IOTP_COMMANDS__MQTT_TOPIC: 'devices/{site}/{deviceId}/cmd' } })).toThrow(
      /commands\.mqttTopic.*only placeholder/,
    );
    expect(() => loadPipelineConfig({ env: { IOTP_COMMANDS__MQTT_TOPIC: 'devices/cmd' } })).toThrow(
      /commands\.mqttTopic.*\{deviceId\}/,
    );
  });

  it('commands.topic may not be a topic another part of the pipeline uses', () => {
    expect(() => loadPipelineConfig({ env: { IOTP_COMMANDS__TOPIC: 'telemetry.environment' } })).toThrow(
      /already used by commands\.topic/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { loadPipelineConfig } from '../../../lib/config/index.js';
import { ConfigError } from '../../../lib/errors.js';
import { parseTopologyName, streamsRunSettings } from './streams-settings.js';

const config = loadPipelineConfig({ env: {} });

describe('streams run settings', () => {
  it('derive from the config: application id per topology, guarantee, commit, idle, late, DLQ, port 9400', () => {
    expect(streamsRunSettings(config, 'aggregate', {})).toEqual({
      topology: 'aggregate',
      applicationId: 'iotp-streams-aggregate',
      guarantee: 'exactly_once',
      commitIntervalMs: 1_000,
      idleTimeoutMs: 300_000,
      lateTopic: 'telemetry.late',
      dlqTopic: 'telemetry.dlq',
      metricsPort: 9400,
    });
    expect(streamsRunSettings(config, 'detect', { METRICS_PORT: '9500' }).metricsPort).toBe(9500);
  });

  it('take the command-line overrides', () => {
    const s = streamsRunSettings(
      config,
      'detect',
      { METRICS_PORT: '9500' },
      {
        applicationId: 'my-detect',
        guarantee: 'at_least_once',
        metricsPort: '0',
      },
    );
    expect(s).toMatchObject({ applicationId: 'my-detect', guarantee: 'at_least_once', metricsPort: 0 });
  });

  it('refuse bad values with errors naming the flag or variable and what is expected', () => {
    expect(() => streamsRunSettings(config, 'aggregate', {}, { guarantee: 'once' })).toThrow(
      /--guarantee: expected exactly_once or at_least_once, got 'once'/,
    );
    expect(() => streamsRunSettings(config, 'aggregate', { METRICS_PORT: 'x' })).toThrow(
      /METRICS_PORT: expected a port/,
    );
    expect(() => streamsRunSettings(config, 'aggregate', {}, { applicationId: 'a b' })).toThrow(ConfigError);
    expect(() => parseTopologyName('sum')).toThrow(/topology: expected one of aggregate, detect, got 'sum'/);
  });
});

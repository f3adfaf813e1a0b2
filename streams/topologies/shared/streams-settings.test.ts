import { describe, expect, it } from 'vitest';
import { loadPipelineConfig } from '../../../lib/config/index.js';
import { ConfigError } from '../../../lib/errors.js';
import { parseTopologyName, streamsRunSettings } from './streams-settings.js';

const config = loadPipelineConfig({ env: {} });

describe('streams run settings', () => {
  it('derive from the config: application id per topology, guarantee, commit, idle, session, late, DLQ, port 9400', () => {
    expect(streamsRunSettings(config, 'aggregate')).toEqual({
      topology: 'aggregate',
      applicationId: 'iotp-streams-aggregate',
      guarantee: 'exactly_once',
      commitIntervalMs: 1_000,
      idleTimeoutMs: 300_000,
      sessionTimeoutMs: undefined,
      lateTopic: 'telemetry.late',
      dlqTopic: 'telemetry.dlq',
      metricsPort: 9400,
    });
  });

  it('read the runtime knobs from the streams: section (IOTP_STREAMS__* and the deprecated STREAMS_* fill it)', () => {
    const env = {
      IOTP_STREAMS__SESSION_TIMEOUT: '6s',
      STREAMS_COMMIT_INTERVAL_MS: '100',
      IOTP_STREAMS__IDLE_TIMEOUT: '0',
    };
    const s = streamsRunSettings(loadPipelineConfig({ env }), 'detect');
    expect(s).toMatchObject({ sessionTimeoutMs: 6000, commitIntervalMs: 100, idleTimeoutMs: 0 });
    expect(() => loadPipelineConfig({ env: { IOTP_STREAMS__SESSION_TIMEOUT: '1s' } })).toThrow(
      /streams\.sessionTimeout: \(from IOTP_STREAMS__SESSION_TIMEOUT\) expected at least 6s/,
    );
  });

  it('take the command-line overrides', () => {
    const s = streamsRunSettings(config, 'detect', {
      applicationId: 'my-detect',
      guarantee: 'at_least_once',
      metricsPort: 0,
    });
    expect(s).toMatchObject({ applicationId: 'my-detect', guarantee: 'at_least_once', metricsPort: 0 });
  });

  it('refuse bad values with errors naming the flag and what is expected', () => {
    expect(() => streamsRunSettings(config, 'aggregate', { guarantee: 'once' })).toThrow(
      /--guarantee: expected exactly_once or at_least_once, got 'once'/,
    );
    expect(() => streamsRunSettings(config, 'aggregate', { applicationId: 'a b' })).toThrow(ConfigError);
    expect(() => parseTopologyName('sum')).toThrow(/topology: expected one of aggregate, detect, enrich, got 'sum'/);
  });
});

import { describe, expect, it } from 'vitest';
import { detectorsSection } from '../../../lib/config/sections/detectors.js';
import type { Command } from '../../../schemas/generated/command.js';
import { heartbeatConfig } from '../../detectors/index.js';
import { gaussian, seededRandom } from '../../detectors/testing/synthetic-series.js';
import { type Serde, Serdes } from '../../runtime/serde.js';
import { TopologyTestDriver } from '../../test-utils/topology-test-driver.js';
import type { TopologyRoute } from '../shared/topology-route.js';
import type { AnomalyRecord } from './anomaly-record.js';
import { detectTopology } from './detect-topology.js';
import { detectorsForField } from './field-detectors.js';
import { stuckCommand } from './stuck-recalibrate.js';

const route: TopologyRoute = {
  type: 'environment',
  topic: 'readings',
  fields: ['temperature'],
  ranges: {},
  timeField: 'ts',
  tags: {},
};
const T0 = 1_767_225_600_000;
const MINUTE = 60_000;
const RULE = { command: 'recalibrate', expiryMs: 10 * MINUTE };

function driver(withCommands: boolean) {
  const section = detectorsSection.parse({
    stuck: { enabled: true },
    spikeDip: { enabled: true, confidence: 99.99 },
    combined: { enabled: false },
    missing: { enabled: false },
  });
  const topology = detectTopology({
    routes: [{ route, detectors: new Map([['temperature', detectorsForField(section, route, 'temperature')]]) }],
    readingSerde: () => Serdes.json<unknown>() as Serde<unknown>,
    anomaliesTopic: 'anomalies',
    anomalySerde: Serdes.json<AnomalyRecord>(),
    heartbeat: heartbeatConfig(section),
    checkIntervalMs: section.missing.checkInterval,
    stateRetentionMs: section.defaults.stateRetention,
    snapshotEvery: section.defaults.snapshotEvery,
    cooldownMs: section.defaults.cooldown,
    ...(withCommands ? { commands: { topic: 'commands', serde: Serdes.json<Command>(), rule: RULE } } : {}),
  });
  return new TopologyTestDriver(topology, { applicationId: 'stuck-test', initialWallClockMs: T0 });
}

/** 200 noisy readings, a spike at 150, then the value stuck at 21.25 for 60 readings. */
async function feed(d: TopologyTestDriver, deviceId: string) {
  const rng = seededRandom(4);
  const series = Array.from({ length: 200 }, () => 20 + 0.5 * gaussian(rng));
  series[150] = 30;
  series.push(...new Array<number>(60).fill(21.25));
  for (const [i, temperature] of series.entries()) {
    const ts = T0 + i * MINUTE;
    await d.pipeInput('readings', deviceId, { deviceId, ts, site: 'lab', temperature }, ts);
    await d.advanceWallClockTime(MINUTE);
  }
}

describe('commands.stuckRecalibrate: a STUCK incident sends the device a recalibrate command', () => {
  it('one command per STUCK incident as it opens, none for other kinds, keyed by the device', async () => {
    const d = driver(true);
    await feed(d, 'dev-1');
    const anomalies = (await d.readOutput<string, AnomalyRecord>('anomalies')).map((r) => r.value);
    const stuck = anomalies.filter((a) => a.kind === 'STUCK' && a.status === 'OPEN');
    expect(stuck).toHaveLength(1);
    expect(anomalies.some((a) => a.kind === 'SPIKE')).toBe(true);
    const commands = await d.readOutput<string, Command>('commands');
    expect(commands).toHaveLength(1);
    const [c] = commands;
    const incident = stuck[0] as AnomalyRecord;
    expect(c?.key).toBe('dev-1');
    expect(c?.value).toEqual({
      deviceId: 'dev-1',
      name: 'recalibrate',
      payload: '{"type":"environment","field":"temperature"}',
      expiry: incident.ts + 10 * MINUTE,
      correlationId: `stuck-dev-1-environment-temperature-${incident.ts}`,
      ts: incident.ts,
      source: 'streams/detect',
    });
    d.close();
  });

  it('off (the default): the topology has no command step and writes no command', async () => {
    const d = driver(false);
    await feed(d, 'dev-2');
    expect(d.readRawOutput('commands')).toEqual([]);
    const kinds = (await d.readOutput<string, AnomalyRecord>('anomalies')).map((r) => r.value.kind);
    expect(kinds).toContain('STUCK');
    d.close();
  });

  it('stuckCommand ignores a closing incident and other kinds', () => {
    const a = { deviceId: 'd', type: 't', field: 'f', ts: 5, kind: 'STUCK', status: 'OPEN' } as AnomalyRecord;
    expect(stuckCommand(a, RULE)?.name).toBe('recalibrate');
    expect(stuckCommand({ ...a, status: 'CLOSED' }, RULE)).toBeUndefined();
    expect(stuckCommand({ ...a, kind: 'SPIKE' }, RULE)).toBeUndefined();
  });
});

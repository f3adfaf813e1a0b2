import { describe, expect, it } from 'vitest';
import { detectorsSection } from '../../../lib/config/sections/detectors.js';
import { heartbeatConfig } from '../../detectors/index.js';
import { type Serde, Serdes } from '../../runtime/serde.js';
import { TopologyTestDriver } from '../../test-utils/topology-test-driver.js';
import type { TopologyRoute } from '../shared/topology-route.js';
import type { AnomalyRecord } from './anomaly-record.js';
import type { DeviceStore } from './detect-processor.js';
import { detectTopology } from './detect-topology.js';
import { detectorsForField } from './field-detectors.js';

// Issue 15: a reading the at-least-once MQTT source wrote twice is fed to the detectors once.
const route: TopologyRoute = {
  type: 'environment',
  topic: 'readings',
  fields: ['temperature'],
  ranges: {},
  timeField: 'ts',
  tags: {},
};
const T0 = 1_767_225_600_000;
const json = Serdes.json<unknown>() as Serde<unknown>;

function driverFor(dedupeHorizonMs: number | undefined, duplicates: string[] = []) {
  const section = detectorsSection.parse({ spikeDip: { enabled: true }, stuck: { enabled: true } });
  const topology = detectTopology({
    routes: [{ route, detectors: new Map([['temperature', detectorsForField(section, route, 'temperature')]]) }],
    readingSerde: () => json,
    anomaliesTopic: 'anomalies',
    anomalySerde: Serdes.json<AnomalyRecord>(),
    heartbeat: heartbeatConfig(section),
    checkIntervalMs: 10_000,
    stateRetentionMs: 86_400_000,
    snapshotEvery: 128,
    cooldownMs: section.defaults.cooldown,
    ...(dedupeHorizonMs !== undefined ? { dedupeHorizonMs } : {}),
    onDuplicate: (type, deviceId, ts) => duplicates.push(`${type}/${deviceId}@${ts - T0}`),
  });
  return new TopologyTestDriver(topology, { applicationId: 'detect-dedupe', initialWallClockMs: T0 });
}

/** The device's detect state after the readings (minute offsets), as JSON. */
async function stateAfter(d: TopologyTestDriver, minutes: readonly number[]): Promise<string> {
  for (const m of minutes) {
    const ts = T0 + m * 60_000;
    await d.pipeInput('readings', 'dev-1', { deviceId: 'dev-1', ts, site: 'lab', temperature: 20 + m }, ts);
  }
  const state = JSON.stringify(d.getStateStore<DeviceStore>('environment-detectors').get('dev-1'));
  d.close();
  return state;
}

describe('detect topology: each reading (deviceId, ts) fed to the detectors once', () => {
  it('a copy leaves the device state as if it had not come; without dedupe it does not', async () => {
    const once = await stateAfter(driverFor(3_720_000), [0, 1, 2, 3]);
    const duplicates: string[] = [];
    expect(await stateAfter(driverFor(3_720_000, duplicates), [0, 1, 2, 1, 2, 3])).toBe(once);
    expect(duplicates).toEqual(['environment/dev-1@60000', 'environment/dev-1@120000']);
    expect(await stateAfter(driverFor(undefined), [0, 1, 2, 1, 2, 3])).not.toBe(once);
  });
});

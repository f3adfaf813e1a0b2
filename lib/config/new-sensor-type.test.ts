import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../runtime/stack-env.js';
import { loadPipelineConfig } from './load.js';
import { pipelineSubjects } from './subjects.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

// The data team's whole change for a new sensor type: one .avsc and one route entry. No code.
const AIR_QUALITY = {
  type: 'record',
  name: 'AirQualityReading',
  namespace: 'iotp.telemetry',
  fields: [
    { name: 'deviceId', type: 'string' },
    { name: 'ts', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'site', type: 'string', default: '' },
    { name: 'co2', type: ['null', 'double'], default: null, doc: 'CO2 concentration. unit: ppm; range: 400..5000' },
    { name: 'pm25', type: ['null', 'float'], default: null, doc: 'Fine particles. unit: µg/m³; range: 0..1000' },
    { name: 'voc', type: 'int', default: 0, doc: 'VOC index. range: 0..500' },
    { name: 'sensorModel', type: 'string', default: '' },
  ],
};

describe('adding a sensor type', () => {
  it('takes a new .avsc and one route entry: config loads and every numeric field is discovered', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iotp-newtype-'));
    dirs.push(dir);
    cpSync(join(repoRoot, 'schemas'), join(dir, 'schemas'), { recursive: true });
    cpSync(join(repoRoot, 'config', 'pipeline.yaml'), join(dir, 'pipeline.yaml'));
    writeFileSync(join(dir, 'schemas', 'air-quality.avsc'), JSON.stringify(AIR_QUALITY, null, 2));
    const yaml = readYaml(join(dir, 'pipeline.yaml')).replace(
      'routes:\n',
      'routes:\n  - type: air-quality\n    mqtt: sensors/{site}/{deviceId}/air-quality\n',
    );
    writeFileSync(join(dir, 'pipeline.yaml'), yaml.replace('schemasDir: ../schemas', 'schemasDir: schemas'));

    const config = loadPipelineConfig({ file: join(dir, 'pipeline.yaml'), env: {} });
    const route = config.readingRoutes.find((r) => r.type === 'air-quality');
    expect(route).toBeDefined();
    expect(route?.topic).toBe('telemetry.air-quality');
    expect(route?.mqttFilter).toBe('sensors/+/+/air-quality');
    expect(route?.fields.key).toBe('deviceId');
    expect(route?.fields.time).toBe('ts');
    expect(route?.fields.numeric).toEqual([
      {
        name: 'co2',
        avroType: 'double',
        nullable: true,
        doc: AIR_QUALITY.fields[3]?.doc,
        unit: 'ppm',
        range: { min: 400, max: 5000 },
      },
      {
        name: 'pm25',
        avroType: 'float',
        nullable: true,
        doc: AIR_QUALITY.fields[4]?.doc,
        unit: 'µg/m³',
        range: { min: 0, max: 1000 },
      },
      { name: 'voc', avroType: 'int', nullable: false, doc: AIR_QUALITY.fields[5]?.doc, range: { min: 0, max: 500 } },
    ]);
    expect(route?.fields.tags.map((t) => t.name)).toEqual(['deviceId', 'site', 'sensorModel']);
    // Its reading subject and one window-result subject per window exist without any other change.
    const subjects = pipelineSubjects(config).map((s) => s.subject);
    expect(subjects).toEqual(
      expect.arrayContaining([
        'telemetry.air-quality-value',
        'telemetry.air-quality.agg.1m-value',
        'telemetry.air-quality.agg.1h-value',
      ]),
    );
  });
});

function readYaml(file: string): string {
  return readFileSync(file, 'utf8');
}

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../../lib/runtime/stack-env.js';
import { compositeDetector } from '../../streams/detectors/composite.js';
import { runNab } from './run-nab.js';
import { scoreResults } from './score-results.js';

const fixtures = join(repoRoot, 'test', 'fixtures', 'nab', 'data');
const windowsFile = join(fixtures, 'windows.json');

describe('NAB harness on two NAB files', () => {
  let out = '';
  afterEach(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('writes NAB-format results that score the same when read back, and catches the jumpsup window', () => {
    out = mkdtempSync(join(tmpdir(), 'nab-'));
    const run = runNab({ dataDir: fixtures, windowsFile, outDir: out, name: 'iotp', detector: compositeDetector() });
    expect(run.files).toBe(2);
    expect(run.records).toBe(4032 + 1882);

    const lines = readFileSync(join(out, 'iotp', 'artificialWithAnomaly', 'iotp_art_daily_jumpsup.csv'), 'utf8')
      .trim()
      .split('\n');
    expect(lines[0]).toBe('timestamp,value,anomaly_score,label');
    expect(lines).toHaveLength(4032 + 1);
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows[0]?.[0]).toBe('2014-04-01 00:00:00');
    // The one window runs 2014-04-10 16:15 .. 2014-04-12 01:45, five-minute rows: 403 of them.
    expect(rows.filter((r) => r[3] === '1')).toHaveLength(403);
    expect(rows.every((r) => Number(r[2]) >= 0 && Number(r[2]) <= 1)).toBe(true);

    const jumpsup = run.scores.standard.files.find((f) => f.name === 'artificialWithAnomaly/art_daily_jumpsup.csv');
    expect(jumpsup?.tp).toBe(1);

    const reread = scoreResults(out, 'iotp', windowsFile);
    for (const profile of ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'] as const) {
      expect(reread[profile].normalized).toBeCloseTo(run.scores[profile].normalized, 9);
    }
  });

  it('names the file when the windows file has no entry for a data file', () => {
    out = mkdtempSync(join(tmpdir(), 'nab-'));
    const partial = join(out, 'windows.json');
    writeFileSync(partial, JSON.stringify({ 'realKnownCause/rogue_agent_key_hold.csv': [] }));
    expect(() => runNab({ dataDir: fixtures, windowsFile: partial, name: 'x', detector: compositeDetector() })).toThrow(
      /artificialWithAnomaly\/art_daily_jumpsup\.csv/,
    );
  });
});

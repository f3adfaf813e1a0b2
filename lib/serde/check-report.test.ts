import { describe, expect, it } from 'vitest';
import { formatCheckReport } from './check-report.js';
import type { SubjectCheck } from './subject-check.js';

describe('formatCheckReport', () => {
  it('prints the table and names field and reason of each incompatibility', () => {
    const checks: SubjectCheck[] = [
      {
        subject: 'a-value',
        schemaName: 'x.A',
        fingerprint: '0123abcd',
        level: 'BACKWARD',
        verdict: 'new',
        issues: [],
        checkedVersions: [],
      },
      {
        subject: 'b-value',
        schemaName: 'x.B',
        fingerprint: 'ffff0000',
        level: 'FULL',
        latest: { version: 3, id: 17 },
        verdict: 'incompatible',
        issues: [{ direction: 'forward', against: 0, field: 'p', path: 'B.p', reason: 'field "p" has no default' }],
        registryVerdict: { compatible: false, messages: [] },
        checkedVersions: [3],
      },
    ];
    const text = formatCheckReport(checks);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^subject\s+local\s+registered\s+level\s+verdict$/);
    expect(lines[1]).toMatch(/^a-value\s+- \(0123abcd\)\s+-\s+BACKWARD\s+new$/);
    expect(lines[2]).toMatch(/^b-value\s+- \(ffff0000\)\s+v3 id 17\s+FULL\s+INCOMPATIBLE$/);
    expect(text).toContain('  b-value: field "p" (B.p): field "p" has no default [v3 reads new]');
    expect(text).toContain('  b-value: the registry says incompatible (it gives no reason)');
  });
});

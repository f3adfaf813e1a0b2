import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderReport } from './render-report.js';
import type { ReportData } from './report-data.js';

/** Writes the run's report, `<runDir>/report.html` (one self-contained file), and returns its path. */
export function writeReport(runDir: string, data: ReportData): string {
  const file = join(runDir, 'report.html');
  writeFileSync(file, renderReport(data));
  return file;
}

// Sums vitest's JSON reports in a folder and prints the closing line "N passed, N failed, N skipped".
// Exits 1 when any test failed or was skipped, or when a suite failed to load, or when no test ran.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
let passed = 0;
let failed = 0;
let skipped = 0;
let brokenSuites = 0;
const reports = readdirSync(dir).filter((f) => f.endsWith('.json'));
for (const file of reports) {
  const report = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  for (const suite of report.testResults) {
    if (suite.status === 'failed' && suite.assertionResults.length === 0) {
      brokenSuites += 1;
      console.log(`suite failed to run: ${suite.name}\n${suite.message}`);
    }
    for (const t of suite.assertionResults) {
      if (t.status === 'failed') console.log(`FAILED ${suite.name.replace(`${process.cwd()}/`, '')} > ${t.fullName}`);
      if (t.status === 'pending' || t.status === 'skipped' || t.status === 'todo') console.log(`SKIPPED ${t.fullName}`);
    }
  }
}
failed += brokenSuites;
console.log(`reports: ${reports.join(', ') || 'none'}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || skipped > 0 || passed === 0 || reports.length === 0 ? 1 : 0);

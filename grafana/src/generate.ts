/**
 * Writes grafana/dashboards/*.json from the TypeScript sources. Run after changing a dashboard:
 *   node --import tsx grafana/src/generate.ts
 * grafana/dashboards.test.ts fails while the committed JSON is stale.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allDashboards, renderDashboard } from './all-dashboards.js';

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'dashboards');
for (const [file, dashboard] of Object.entries(allDashboards())) {
  writeFileSync(join(outDir, file), renderDashboard(dashboard));
  process.stdout.write(`wrote grafana/dashboards/${file} (${dashboard.panels.length} panels)\n`);
}

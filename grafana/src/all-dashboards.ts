import { anomaliesDashboard } from './dashboards/anomalies.js';
import { deviceDetail } from './dashboards/device-detail.js';
import { fleetOverview } from './dashboards/fleet-overview.js';
import { pipelineHealth } from './dashboards/pipeline-health.js';
import type { Dashboard } from './model.js';

/** Every dashboard, by the file name it is generated to in grafana/dashboards/. */
export function allDashboards(): Record<string, Dashboard> {
  return {
    'fleet-overview.json': fleetOverview(),
    'device-detail.json': deviceDetail(),
    'anomalies.json': anomaliesDashboard(),
    'pipeline-health.json': pipelineHealth(),
  };
}

/** The committed form: 2-space JSON with a trailing newline. */
export function renderDashboard(dashboard: Dashboard): string {
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}

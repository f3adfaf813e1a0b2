import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** One topic of the archive and the view name queries use for it. */
export interface TopicView {
  topic: string;
  view: string;
  /** Glob of every data file of the topic. */
  glob: string;
}

/**
 * The view name of a topic: the topic without the pipeline's prefix, other characters than letters,
 * digits and `_` made `_` (`telemetry.environment` -> `environment`, `telemetry.power.agg.1m` ->
 * `power_agg_1m`, `telemetry.anomalies` -> `anomalies`). Pure.
 */
export function viewName(topic: string, prefix: string): string {
  const bare = prefix && topic.startsWith(prefix) && topic.length > prefix.length ? topic.slice(prefix.length) : topic;
  const name = bare.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(name) ? `t_${name}` : name;
}

/** The topics the archive holds (folders with at least one `date=` folder), with their views. */
export async function archiveTopics(root: string, prefix: string): Promise<TopicView[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const out: TopicView[] = [];
  for (const e of entries) {
    if (!e.isDirectory() || e.name.startsWith('_') || e.name.startsWith('.')) continue;
    const dates = (await readdir(join(root, e.name))).filter((d) => d.startsWith('date='));
    if (dates.length === 0) continue;
    out.push({
      topic: e.name,
      view: viewName(e.name, prefix),
      glob: join(root, e.name, 'date=*', 'hour=*', '*.parquet'),
    });
  }
  return out.sort((a, b) => a.topic.localeCompare(b.topic));
}

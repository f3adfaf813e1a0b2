/** Metric names a /metrics exposition declares (its `# TYPE` lines). */
export function exposedMetricNames(text: string): string[] {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^# TYPE (\S+) \S+/.exec(line);
    if (m) names.add(m[1]!);
  }
  return [...names].sort();
}

/**
 * The pipeline metrics a set of Grafana dashboards queries: every `iotp_*` name in a Prometheus
 * `expr`, with histogram suffixes (_bucket, _sum, _count) taken back to the histogram's name.
 */
export function dashboardMetricNames(dashboards: unknown[]): string[] {
  const names = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'expr' && typeof value === 'string')
          for (const m of value.matchAll(/\biotp_[a-z0-9_]+/g)) names.add(m[0].replace(/_(bucket|sum|count)$/, ''));
        else walk(value);
      }
    }
  };
  walk(dashboards);
  return [...names].sort();
}

/** InfluxQL snippets shared by the InfluxDB dashboards (Grafana substitutes the variables). */

/** `"tag" =~ /^$var$/`: with a multi-valued variable Grafana writes `(a|b)`, with All `.*` (also matches a missing tag). */
export const tagMatches = (tag: string, variable: string = tag): string => `"${tag}" =~ /^$${variable}$/`;

/** Window results of every reading type at 1 minute. */
export const WINDOW_1M = '/^.*_1m$/';

/** Fleet views (the enrich topology) of every reading type at 1 minute, per site or per model. */
export const FLEET_1M = (by: 'site' | 'model'): string => `/^.*_1m_by_${by}$/`;

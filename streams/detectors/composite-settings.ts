import type { CompositeConfig } from './composite-config.js';
import type { LikelihoodConfig } from './stats/anomaly-likelihood.js';
import type { StuckConfig } from './stuck.js';

/**
 * The channel settings the combined detector runs with, its config's defaults resolved: the
 * evidence a channel needs to go red follows the alert threshold (the log score of a likelihood l
 * is log(1 - l) / log(1e-10)), so `likelihood.red` defaults to 1 - 10^(-10 x threshold) and
 * `stuck.probability` to 10^(-10 x threshold): 0.99999 and 1e-5 at the threshold 0.5, 0.999999
 * and 1e-6 at 0.6. An alarm threshold above the red level would otherwise see only the events
 * that cross it in one record, since a channel keeps one record of each red run red.
 */
export interface CompositeSettings {
  likelihood: LikelihoodConfig;
  stuck: StuckConfig | null;
}

const cache = new WeakMap<CompositeConfig, CompositeSettings>();

/** The resolved settings of a (parsed) config, computed once per config object. */
export function compositeSettings(c: CompositeConfig): CompositeSettings {
  const known = cache.get(c);
  if (known) return known;
  const evidence = 10 ** (-10 * c.alert.threshold);
  const settings: CompositeSettings = {
    likelihood: { ...c.likelihood, red: c.likelihood.red ?? 1 - evidence },
    stuck: c.stuck ? { ...c.stuck, probability: c.stuck.probability ?? evidence, record: true } : null,
  };
  cache.set(c, settings);
  return settings;
}

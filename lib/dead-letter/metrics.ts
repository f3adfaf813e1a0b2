import { Counter, type Registry } from 'prom-client';

/**
 * `iotp_dead_letters_truncated_total{stage}`: dead letters whose payload was cut to fit Kafka
 * (their headers keep the original size and SHA-256). One per worker registry.
 */
export function deadLetterTruncations(registry: Registry): Counter<'stage'> {
  const name = 'iotp_dead_letters_truncated_total';
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<'stage'>;
  return new Counter({
    name,
    help: 'Dead letters whose payload was cut to fit Kafka (headers keep payload.size and payload.sha256)',
    labelNames: ['stage'],
    registers: [registry],
  });
}

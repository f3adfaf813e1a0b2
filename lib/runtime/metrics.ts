import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * A prom-client registry with the default process metrics (CPU, memory, event-loop lag, GC),
 * every series labelled with the worker's component. Each worker has exactly one.
 *
 * @example
 *   const registry = createRegistry('mqtt-source');
 *   const inbound = new Counter({ name: 'iotp_mqtt_messages_in_total', help: '...', registers: [registry] });
 */
export function createRegistry(component: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ component });
  collectDefaultMetrics({ register: registry });
  return registry;
}

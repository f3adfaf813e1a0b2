import type { MessageHeader } from 'node-rdkafka';

/** Distinct values remembered per header name; past it, new values get fresh objects. */
const VALUES_PER_NAME = 4096;

/**
 * node-rdkafka takes headers as an array of one-key objects (`[{ name: value }, ...]`). Most header
 * values repeat from record to record (a QoS, a topic per device), so the one-key objects are made
 * once per (name, value) and reused: node-rdkafka only reads them, synchronously, in `produce`.
 *
 * @example
 *   const headers = createHeaderCache();
 *   producer.produce(topic, null, value, key, ts, opaque, headers.toRdkafka({ 'mqtt.qos': '1' }));
 */
export interface HeaderCache {
  toRdkafka(headers: Record<string, string>): MessageHeader[];
}

export function createHeaderCache(): HeaderCache {
  const byName = new Map<string, Map<string, MessageHeader>>();
  const header = (name: string, value: string): MessageHeader => {
    let values = byName.get(name);
    if (!values) {
      values = new Map();
      byName.set(name, values);
    }
    let h = values.get(value);
    if (h === undefined) {
      h = { [name]: value };
      if (values.size < VALUES_PER_NAME) values.set(value, h);
    }
    return h;
  };
  return {
    toRdkafka(headers) {
      const out: MessageHeader[] = [];
      for (const name in headers) if (Object.hasOwn(headers, name)) out.push(header(name, headers[name] as string));
      return out;
    },
  };
}

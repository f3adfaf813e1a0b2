import { registryAuthFromEnv } from '../../lib/clients/index.js';
import type { KafkaClient } from '../../lib/kafka/types.js';
import { loadStackEnv } from '../../lib/runtime/stack-env.js';
import {
  createAvroDecoder,
  createAvroEncoder,
  createSchemaRegistryClient,
  loadSchemaFile,
} from '../../lib/serde/index.js';
import type { Serde } from '../../streams/runtime/serde.js';

/** The environment reading as the bench writes it (schemas/environment.avsc). */
export interface EnvReading {
  deviceId: string;
  ts: number;
  site: string;
  temperature: number | null;
  humidity: number | null;
  pressure: number | null;
}

/** Avro (Confluent wire format) serde for environment readings, schema registered under `<topic>-value`. */
export async function environmentSerde(
  registryUrl: string,
  topic: string,
): Promise<{ serde: Serde<EnvReading>; encode(v: EnvReading): Buffer }> {
  const registry = createSchemaRegistryClient({ url: registryUrl, ...registryAuthFromEnv(loadStackEnv()) });
  const schema = loadSchemaFile('schemas/environment.avsc');
  const encoder = createAvroEncoder<EnvReading>({ registry, subject: `${topic}-value`, schema, autoRegister: true });
  await encoder.schemaId();
  const decoder = createAvroDecoder<EnvReading>({ registry, reader: schema });
  return {
    encode: (v) => encoder.encodeSync(v),
    serde: {
      serialize: (v) => encoder.encodeSync(v),
      deserialize: async (b) => (await decoder.decode(b ?? Buffer.alloc(0))).value,
    },
  };
}

/** Deletes the bench's topics (prefix match) at the end of a run. */
export async function deleteTopicsWithPrefix(client: KafkaClient, prefix: string): Promise<void> {
  const admin = client.admin();
  await admin.connect();
  try {
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (mine.length > 0) await admin.deleteTopics(mine);
  } finally {
    await admin.disconnect();
  }
}

export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? (process.argv[i + 1] as string) : fallback;
}

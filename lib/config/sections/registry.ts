import { z } from 'zod';
import { duration, secret } from '../zod-helpers.js';

/**
 * `registry:` the schema registry (Confluent-compatible API; Apicurio: `.../apis/ccompat/v7`)
 * and where the local `.avsc` files are.
 *
 * @example
 *   registry: { url: '${SCHEMA_REGISTRY_URL}', schemasDir: ../schemas }
 */
export const registrySection = z
  .object({
    url: z
      .url({ error: 'expected the http(s) URL of the Confluent-compatible API, e.g. http://host:8080/apis/ccompat/v7' })
      .default('http://127.0.0.1:8081')
      .describe('Base URL of the Confluent-compatible registry API (Apicurio: http://host:port/apis/ccompat/v7).'),
    username: z.string().optional().describe('Basic-auth user, if the registry needs one.'),
    // biome-ignore lint/suspicious/noTemplateCurlyInString: documents the ${VAR} syntax
    password: secret().optional().describe('Basic-auth password (secret: write ${ENV_VAR} in the YAML).'),
    retries: z
      .number()
      .int()
      .min(0)
      .max(20)
      .default(3)
      .describe('Retries of a failed schema fetch (no answer or 5xx).'),
    timeout: duration().prefault('10s').describe('Timeout of one registry request.'),
    unknownIdTtl: duration()
      .prefault('30s')
      .describe(
        'How long a schema id the registry does not know is remembered as unknown (spares the registry during a flood of bad records).',
      ),
    autoRegister: z
      .boolean()
      .default(false)
      .describe('Let producers register a schema the subject lacks (off: run `iotp schemas register` after review).'),
    schemasDir: z
      .string()
      .min(1)
      .default('schemas')
      .describe('Directory of the .avsc files, relative to the config file.'),
    schemas: z
      .object({
        windowResult: z
          .string()
          .min(1)
          .default('window-result')
          .describe('Schema (.avsc base name) of window results.'),
        anomaly: z.string().min(1).default('anomaly').describe('Schema of anomalies.'),
        deviceStatus: z.string().min(1).default('device-status').describe('Schema of device status records.'),
      })
      .strict()
      .prefault({})
      .describe('Schemas of the records the pipeline produces.'),
  })
  .strict()
  .prefault({})
  .describe('Schema registry and local schemas.');

export type RegistrySection = z.output<typeof registrySection>;

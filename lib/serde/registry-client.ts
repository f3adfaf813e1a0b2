import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import avro, { type Type } from 'avsc';
import { IotpError } from '../errors.js';
import { type ParsedSchema, parseAvroSchema } from './avro-schema.js';
import { type CompatibilityLevel, parseCompatibilityLevel } from './compat.js';
import { SerdeErrorCode } from './error-codes.js';
import { registryHttpError } from './registry-errors.js';
import {
  expectOk,
  type RegistryConnection,
  registryErrorCode,
  registryMessage,
  registryRequest,
} from './registry-http.js';

/** One registered version of a subject. */
export interface SubjectVersion {
  subject: string;
  version: number;
  id: number;
  schema: ParsedSchema;
}

/** The registry's own verdict on a candidate schema. */
export interface RegistryVerdict {
  compatible: boolean;
  /** Apicurio 3.3 sends none, even with `verbose=true` (Confluent explains). */
  messages: string[];
}

export interface SchemaRegistryClientOptions extends RegistryConnection {
  /** Retries of a failed schema fetch (5xx or no connection) before SERDE_REGISTRY_UNAVAILABLE (default 3). */
  retries?: number;
  /** How long an id the registry does not know stays known as unknown, in ms (default 30 000). */
  unknownIdTtlMs?: number;
  /** The clock for the unknown-id cache (default Date.now). */
  clock?: () => number;
}

/** Counts of HTTP requests made, for tests and metrics. */
export interface RegistryStats {
  /** HTTP calls made (a library call counts once, its internal retries included). */
  requests: number;
  /** Schema-by-id fetches (`GET /schemas/ids/{id}` calls). */
  schemaFetches: number;
}

/**
 * The schema registry as the pipeline uses it: schemas by id (cached forever: an id's schema
 * never changes; concurrent misses share one request; unknown ids are remembered for a while),
 * lookups and registration by subject, compatibility checks.
 *
 * @example
 *   const registry = createSchemaRegistryClient({ url: env.SCHEMA_REGISTRY_URL });
 *   const writer = await registry.schemaById(42);
 *   const id = await registry.register('telemetry.environment-value', loadSchemaFile('schemas/environment.avsc'));
 */
export interface SchemaRegistryClient {
  readonly url: string;
  /** The writer type of a schema id. Throws SERDE_UNKNOWN_SCHEMA_ID or SERDE_REGISTRY_UNAVAILABLE. */
  schemaById(id: number): Promise<Type>;
  /** The id of `schema` under `subject` if registered there (cached), else undefined. */
  lookupId(subject: string, schema: ParsedSchema): Promise<number | undefined>;
  /** Registers `schema` under `subject` (idempotent: the same schema gets the same id). */
  register(subject: string, schema: ParsedSchema): Promise<number>;
  latest(subject: string): Promise<SubjectVersion | undefined>;
  /** Version numbers of a subject, oldest first; [] when the subject does not exist. */
  versions(subject: string): Promise<number[]>;
  version(subject: string, version: number): Promise<SubjectVersion>;
  /** The effective level of a subject: its own, else the global one. */
  compatibilityLevel(subject: string): Promise<CompatibilityLevel>;
  setCompatibilityLevel(subject: string, level: CompatibilityLevel): Promise<void>;
  /** The registry's verdict on `schema` against the latest version of `subject`. */
  testCompatibility(subject: string, schema: ParsedSchema): Promise<RegistryVerdict>;
  /**
   * Deletes a subject (soft then, if `permanent`, hard); false when it did not exist or when the
   * registry refuses deletion (405: the locked-down stack turns deletion off).
   */
  deleteSubject(subject: string, options?: { permanent?: boolean }): Promise<boolean>;
  subjects(): Promise<string[]>;
  stats(): RegistryStats;
}

/** A mappersmith middleware, as the library's constructor takes it. */
type Middleware = NonNullable<ConstructorParameters<typeof SchemaRegistry>[0]['middlewares']>[number];

/** Status of the library's mappersmith errors (ResponseError has `status`). */
function statusOf(error: unknown): number | undefined {
  if (error && typeof error === 'object' && 'status' in error) {
    const status = Number((error as { status: unknown }).status);
    return Number.isFinite(status) ? status : undefined;
  }
  return undefined;
}

const enc = encodeURIComponent;

export function createSchemaRegistryClient(options: SchemaRegistryClientOptions): SchemaRegistryClient {
  const clock = options.clock ?? Date.now;
  const unknownIdTtlMs = options.unknownIdTtlMs ?? 30_000;
  const stats: RegistryStats = { requests: 0, schemaFetches: 0 };

  // Counts the library's calls (its retries happen inside and are not counted) and sets a timeout.
  const counter: Middleware = () => ({
    async prepareRequest(next) {
      const request = await next();
      stats.requests += 1;
      if (request.path().includes('/schemas/ids/')) stats.schemaFetches += 1;
      return request.timeout() ? request : request.enhance({ timeout: options.timeoutMs ?? 10_000 });
    },
  });
  const library = new SchemaRegistry({
    host: options.url,
    ...(options.auth ? { auth: options.auth } : {}),
    clientId: 'iotp',
    retry: { retries: options.retries ?? 3, maxRetryTimeInSecs: 5, initialRetryTimeInSecs: 0.1 },
    middlewares: [counter],
  });
  const unknownUntil = new Map<number, number>();
  const lookups = new Map<string, number>();
  const conn: RegistryConnection = options;

  async function request(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) {
    stats.requests += 1;
    return registryRequest(conn, method, path, body);
  }

  /** The HTTP status of a GET, or undefined when the registry does not answer. */
  async function probeStatus(path: string): Promise<number | undefined> {
    try {
      const { status } = await request('GET', path);
      return status >= 200 && status < 300 ? 503 : status;
    } catch {
      return undefined;
    }
  }

  function toVersion(subject: string, body: unknown): SubjectVersion {
    const b = body as { version: number; id: number; schema: string };
    return { subject, version: Number(b.version), id: Number(b.id), schema: parseAvroSchema(b.schema) };
  }

  return {
    url: options.url,

    async schemaById(id) {
      const context = { schemaId: id };
      if (!Number.isInteger(id) || id < 0) {
        throw new IotpError(SerdeErrorCode.UnknownSchemaId, `schema id ${id} is not a valid registry id`, { context });
      }
      const until = unknownUntil.get(id);
      if (until !== undefined) {
        if (clock() < until) {
          throw new IotpError(
            SerdeErrorCode.UnknownSchemaId,
            `schema id ${id} is not in the registry (cached answer)`,
            {
              context,
            },
          );
        }
        unknownUntil.delete(id);
      }
      let schema: unknown;
      try {
        schema = await library.getSchema(id);
      } catch (error) {
        let status = statusOf(error);
        if (status === 400) {
          // mappersmith reports "no HTTP answer" (connection refused, reset, timeout) as status 400,
          // indistinguishable from a real 400: ask once more with fetch to learn which it was.
          status = await probeStatus(`/schemas/ids/${id}`);
        }
        if (status === 404) {
          unknownUntil.set(id, clock() + unknownIdTtlMs);
          throw new IotpError(SerdeErrorCode.UnknownSchemaId, `schema id ${id} is not in the registry ${options.url}`, {
            cause: error,
            context,
          });
        }
        if (status === undefined && !(error instanceof Error && error.name === 'ResponseError')) {
          // Not an HTTP failure: the registry returned a schema the library could not parse.
          throw new IotpError(
            SerdeErrorCode.SchemaMismatch,
            `schema id ${id} is not a usable Avro schema: ${String(error)}`,
            {
              cause: error,
              context,
            },
          );
        }
        throw registryHttpError(
          `GET /schemas/ids/${id}`,
          status,
          error instanceof Error ? error.message : String(error),
          {
            cause: error,
            context,
          },
        );
      }
      if (!avro.Type.isType(schema)) {
        throw new IotpError(SerdeErrorCode.SchemaMismatch, `schema id ${id} is not an Avro schema`, { context });
      }
      return schema as Type;
    },

    async lookupId(subject, schema) {
      const key = `${subject}\u0000${schema.text}`;
      const cached = lookups.get(key);
      if (cached !== undefined) return cached;
      const response = await request('POST', `/subjects/${enc(subject)}`, { schema: schema.text });
      if (response.status === 404) return undefined;
      const body = expectOk(`lookup of ${schema.name} in ${subject}`, response) as { id: number };
      lookups.set(key, Number(body.id));
      return Number(body.id);
    },

    async register(subject, schema) {
      const response = await request('POST', `/subjects/${enc(subject)}/versions`, { schema: schema.text });
      const body = expectOk(`registration of ${schema.name} in ${subject}`, response, {
        context: { subject, errorCode: registryErrorCode(response.body) },
      }) as { id: number };
      lookups.set(`${subject}\u0000${schema.text}`, Number(body.id));
      return Number(body.id);
    },

    async latest(subject) {
      const response = await request('GET', `/subjects/${enc(subject)}/versions/latest`);
      if (response.status === 404) return undefined;
      return toVersion(subject, expectOk(`latest version of ${subject}`, response));
    },

    async versions(subject) {
      const response = await request('GET', `/subjects/${enc(subject)}/versions`);
      if (response.status === 404) return [];
      return (expectOk(`versions of ${subject}`, response) as number[]).map(Number).sort((a, b) => a - b);
    },

    async version(subject, version) {
      const response = await request('GET', `/subjects/${enc(subject)}/versions/${version}`);
      return toVersion(
        subject,
        expectOk(`version ${version} of ${subject}`, response, { notFoundCode: SerdeErrorCode.SchemaNotRegistered }),
      );
    },

    async compatibilityLevel(subject) {
      // Apicurio answers GET /config/<subject> with NONE for a subject without its own level,
      // though the global level applies; defaultToGlobal=true gives the effective level.
      const response = await request('GET', `/config/${enc(subject)}?defaultToGlobal=true`);
      let body: unknown;
      if (response.status === 404) {
        body = expectOk('global compatibility level', await request('GET', '/config'));
      } else {
        body = expectOk(`compatibility level of ${subject}`, response);
      }
      const raw = (body as { compatibilityLevel?: string; compatibility?: string }) ?? {};
      const level = parseCompatibilityLevel(raw.compatibilityLevel ?? raw.compatibility);
      if (!level) {
        throw new IotpError(
          SerdeErrorCode.RegistryRejected,
          `unexpected compatibility answer: ${JSON.stringify(body)}`,
        );
      }
      return level;
    },

    async setCompatibilityLevel(subject, level) {
      expectOk(
        `setting ${subject} to ${level}`,
        await request('PUT', `/config/${enc(subject)}`, { compatibility: level }),
      );
    },

    async testCompatibility(subject, schema) {
      const response = await request('POST', `/compatibility/subjects/${enc(subject)}/versions/latest?verbose=true`, {
        schema: schema.text,
      });
      if (response.status === 404) return { compatible: true, messages: [] };
      if (response.status === 409 || response.status === 422) {
        return { compatible: false, messages: [registryMessage(response.body)] };
      }
      const body = expectOk(`compatibility test of ${schema.name} with ${subject}`, response) as {
        is_compatible: boolean;
        messages?: string[];
      };
      return { compatible: body.is_compatible === true, messages: body.messages ?? [] };
    },

    async deleteSubject(subject, opts = {}) {
      const soft = await request('DELETE', `/subjects/${enc(subject)}`);
      if (soft.status === 405) return false;
      if (soft.status === 404 && !opts.permanent) return false;
      if (soft.status !== 404) expectOk(`deletion of ${subject}`, soft);
      if (opts.permanent) {
        const hard = await request('DELETE', `/subjects/${enc(subject)}?permanent=true`);
        if (hard.status === 404) return soft.status !== 404;
        expectOk(`permanent deletion of ${subject}`, hard);
      }
      for (const key of lookups.keys()) if (key.startsWith(`${subject}\u0000`)) lookups.delete(key);
      return true;
    },

    async subjects() {
      return (expectOk('list of subjects', await request('GET', '/subjects')) as string[]).map(String);
    },

    stats() {
      return { ...stats };
    },
  };
}

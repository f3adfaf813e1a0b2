import { IotpError } from '../errors.js';
import { registryHttpError } from './registry-errors.js';

/** Connection settings of a Confluent-compatible registry (Apicurio: `.../apis/ccompat/v7`). */
export interface RegistryConnection {
  /** Base URL of the Confluent-compatible API, e.g. `http://127.0.0.1:18081/apis/ccompat/v7`. */
  url: string;
  auth?: { username: string; password: string };
  /** Per-request timeout in ms (default 10 000). */
  timeoutMs?: number;
}

/** A registry answer: status and parsed JSON body (or the text when not JSON). */
export interface RegistryResponse {
  status: number;
  body: unknown;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/** The registry's message from an error body (`{ message, error_code }`), else the raw text. */
export function registryMessage(body: unknown): string {
  if (body && typeof body === 'object' && 'message' in body) return String((body as { message: unknown }).message);
  return typeof body === 'string' ? body : JSON.stringify(body);
}

/** The Confluent `error_code` of an error body, if any. */
export function registryErrorCode(body: unknown): number | undefined {
  if (body && typeof body === 'object' && 'error_code' in body) {
    const code = Number((body as { error_code: unknown }).error_code);
    return Number.isFinite(code) ? code : undefined;
  }
  return undefined;
}

/**
 * One HTTP call to the registry with fetch. Resolves with any HTTP status (callers decide what a
 * 404 means); a connection failure or timeout throws SERDE_REGISTRY_UNAVAILABLE (retriable).
 *
 * @example
 *   const { status, body } = await registryRequest(conn, 'GET', `/config/${encodeURIComponent(subject)}`);
 */
export async function registryRequest(
  conn: RegistryConnection,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<RegistryResponse> {
  const headers: Record<string, string> = { Accept: CONTENT_TYPE };
  if (body !== undefined) headers['Content-Type'] = CONTENT_TYPE;
  if (conn.auth) {
    headers.Authorization = `Basic ${Buffer.from(`${conn.auth.username}:${conn.auth.password}`).toString('base64')}`;
  }
  const url = `${conn.url.replace(/\/+$/, '')}${path}`;
  let response: Response;
  try {
    const init: RequestInit = { method, headers, signal: AbortSignal.timeout(conn.timeoutMs ?? 10_000) };
    if (body !== undefined) init.body = JSON.stringify(body);
    response = await fetch(url, init);
  } catch (cause) {
    const reason = cause instanceof Error && cause.cause instanceof Error ? cause.cause.message : String(cause);
    throw registryHttpError(`${method} ${path}`, undefined, `${url}: ${reason}`, { cause });
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: keep the text for the error message
  }
  return { status: response.status, body: parsed };
}

/** Throws the mapped error unless the status is 2xx. */
export function expectOk(
  operation: string,
  response: RegistryResponse,
  options: { notFoundCode?: string; context?: Record<string, string | number | undefined> } = {},
): unknown {
  if (response.status >= 200 && response.status < 300) return response.body;
  throw registryHttpError(operation, response.status, registryMessage(response.body), options);
}

export function isIotpError(error: unknown, code: string): error is IotpError {
  return error instanceof IotpError && error.code === code;
}

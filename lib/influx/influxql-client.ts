import { IotpError } from '../errors.js';

/**
 * A minimal InfluxQL client (`/query`, basic auth, epoch=ms) used to check what the sink wrote and
 * to run the dashboards' queries against the real server.
 *
 * @example
 *   const q = influxQl({ url, database: 'telemetry', username: 'iotp', password: 's' });
 *   const [series] = (await q.query('SELECT * FROM environment')).series;
 */
export interface InfluxQlOptions {
  url: string;
  database: string;
  username?: string | undefined;
  password?: string | undefined;
}

export interface Series {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

export interface QueryResult {
  series: Series[];
}

export interface InfluxQl {
  /** One statement; throws IotpError INFLUXQL_ERROR with InfluxDB's message if it fails. */
  query(statement: string): Promise<QueryResult>;
  /** Rows as objects keyed by column, tags merged in. */
  rows(statement: string): Promise<Array<Record<string, unknown>>>;
}

export function influxQl(options: InfluxQlOptions): InfluxQl {
  const headers: Record<string, string> = {};
  if (options.username !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`;
  }
  const query = async (statement: string): Promise<QueryResult> => {
    const body = new URLSearchParams({ db: options.database, epoch: 'ms', q: statement });
    const res = await fetch(new URL('/query', options.url), { method: 'POST', headers, body });
    const text = await res.text();
    let json: {
      error?: string;
      results?: Array<{ error?: string; partial?: boolean; series?: Array<Series & { partial?: boolean }> }>;
    };
    try {
      json = JSON.parse(text) as typeof json;
    } catch (cause) {
      throw new IotpError('INFLUXQL_ERROR', `${res.status}: ${text.slice(0, 200)}`, { cause });
    }
    const error = json.error ?? json.results?.[0]?.error;
    if (!res.ok || error !== undefined) {
      throw new IotpError('INFLUXQL_ERROR', `${error ?? res.status} (query: ${statement})`, {
        context: { status: res.status },
      });
    }
    const result = json.results?.[0];
    // A truncated answer (row limit, timeout) must not pass for the whole truth.
    if (result?.partial || result?.series?.some((s) => s.partial)) {
      throw new IotpError('INFLUXQL_PARTIAL', `InfluxDB returned a partial result (query: ${statement})`);
    }
    return { series: result?.series ?? [] };
  };
  return {
    query,
    async rows(statement) {
      const { series } = await query(statement);
      return series.flatMap((s) =>
        s.values.map((row) => ({ ...s.tags, ...Object.fromEntries(s.columns.map((c, i) => [c, row[i]])) })),
      );
    },
  };
}

/** An InfluxQL identifier in double quotes. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** An InfluxQL string literal in single quotes. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * Reads one metric from a worker's /metrics (Prometheus text format): the sum of its samples, or
 * undefined when the worker does not answer or has no such metric yet.
 *
 * @example
 *   await scrapeMetric(9400, 'iotp_streams_tasks'); // 2
 */
export async function scrapeMetric(port: number, name: string): Promise<number | undefined> {
  let text: string;
  try {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5_000) });
    if (res.status !== 200) return undefined;
    text = await res.text();
  } catch {
    return undefined;
  }
  let found = false;
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    found = true;
    sum += Number(match[3]);
  }
  return found ? sum : undefined;
}

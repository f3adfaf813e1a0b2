/** InfluxDB's error text from a response body: 1.x `{"error": "..."}`, 2.x/3.x `{"code": ..., "message": "..."}`, else the body. */
export function influxErrorText(body: string | undefined, fallback: string): string {
  if (body === undefined || body.trim() === '') return fallback;
  try {
    const json = JSON.parse(body) as { error?: unknown; message?: unknown };
    if (typeof json.error === 'string') return json.error;
    if (typeof json.message === 'string') return json.message;
  } catch {
    // not JSON: the body itself
  }
  return body.trim();
}

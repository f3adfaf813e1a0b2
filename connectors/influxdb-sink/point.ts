/**
 * One InfluxDB point, before encoding. Integers and floats are distinct because InfluxDB types a
 * field by its first write: `v=1i` (integer) and `v=1` (float) conflict, so the Avro type (int/long
 * vs float/double) decides, never the JS value.
 *
 * @example
 *   const p: Point = {
 *     measurement: 'environment',
 *     tags: { deviceId: 'dev-1', site: 'lyon' },
 *     fields: { temperature: { kind: 'float', value: 21.5 }, rssi: { kind: 'integer', value: -60 } },
 *     timestampMs: 1_700_000_000_000,
 *   };
 */
export interface Point {
  measurement: string;
  /** Low-cardinality strings. Empty values are left out when encoding (InfluxDB rejects them). */
  tags: Record<string, string>;
  /** At least one field is required by InfluxDB. */
  fields: Record<string, FieldValue>;
  /** Event time, ms since the epoch (written with precision=ms). */
  timestampMs: number;
}

export type FieldValue =
  | { kind: 'float'; value: number }
  | { kind: 'integer'; value: number | bigint }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'string'; value: string };

/** The field kinds by the names InfluxDB uses in its error messages ("is type float"). */
export type FieldKind = FieldValue['kind'];

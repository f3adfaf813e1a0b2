/**
 * One numeric field of a simulated sensor type. Names match the field names of the type's Avro
 * schema (`schemas/<type>.avsc`); min/max are the schema's documented range. Anomaly sizes are not
 * set here: they are measured against each device's own noise and daily range (anomaly-magnitudes.ts).
 *
 * @example
 *   { name: 'temperature', unit: '°C', min: -40, max: 125, decimals: 2 }
 */
export interface FieldModel {
  readonly name: string;
  readonly unit: string;
  readonly min: number;
  readonly max: number;
  /** Digits after the point in published values. */
  readonly decimals: number;
  /** Lowest value an injected dip or level shift may reach (default `min`): a consuming meter's power stays >= 0. */
  readonly anomalyFloor?: number;
  /** A cumulative counter (energy): never given value anomalies, only ever grows. */
  readonly counter?: boolean;
}

/** What a model needs to produce one reading of one device. */
export interface SampleContext {
  readonly seed: number;
  readonly deviceIndex: number;
  /** The device's reading number (0, 1, 2, ...): noise is drawn from (seed, deviceIndex, seq). */
  readonly seq: number;
  /** Event time, epoch ms. */
  readonly ts: number;
  /** Start of the fleet's life, epoch ms: drift and counters are measured from here. */
  readonly originTs: number;
  /** The site's offset from UTC in hours (the daily cycle follows local time). */
  readonly utcOffsetHours: number;
  /** The device's parameters, from `deviceParams`. */
  readonly params: Readonly<Record<string, number>>;
  /** Leave the noise out: the device's normal level (daily cycle, drift), what anomalies are sized against. */
  readonly noiseless?: boolean;
}

/**
 * A sensor type's signal model: per-device parameters drawn once from the seed, then every reading
 * a pure function of (parameters, event time, reading number). Every value field has a per-device
 * base, a daily cycle (amplitude and phase in local time), a slow linear drift from `originTs` and
 * gaussian noise. Values are physically plausible, inside the schema's range, rounded to `decimals`.
 *
 * @example
 *   const params = environmentModel.deviceParams(seed, 17);
 *   environmentModel.sample({ seed, deviceIndex: 17, seq: 0, ts, originTs: ts, utcOffsetHours: 1, params });
 *   // { temperature: 21.37, humidity: 48.2, pressure: 1012.41 }
 */
export interface SensorTypeModel {
  /** The `<type>` of `sensors/<site>/<deviceId>/<type>` and of `telemetry.<type>`. */
  readonly type: string;
  readonly fields: readonly FieldModel[];
  deviceParams(seed: number, deviceIndex: number): Record<string, number>;
  sample(ctx: SampleContext): Record<string, number>;
  /**
   * The standard deviation of each field's reading-to-reading noise on this device, in the
   * field's unit (0 for counters): the unit of every anomaly size.
   */
  noiseSigma(params: Readonly<Record<string, number>>): Record<string, number>;
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Hours since the epoch in local time (unwrapped: the daily cycle is a cosine of it). */
export function localHours(ts: number, utcOffsetHours: number): number {
  return ts / HOUR_MS + utcOffsetHours;
}

/** cos of the daily cycle: 1 at `peakHour` local time, -1 twelve hours later. */
export function dailyCycle(ts: number, utcOffsetHours: number, peakHour: number, periodHours = 24): number {
  return Math.cos((2 * Math.PI * (localHours(ts, utcOffsetHours) - peakHour)) / periodHours);
}

export function clampRound(value: number, field: FieldModel): number {
  const clamped = Math.min(field.max, Math.max(field.min, value));
  const f = 10 ** field.decimals;
  return Math.round(clamped * f) / f;
}

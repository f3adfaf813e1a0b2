import type { SimulationFlags } from '../../sim/simulation-options.js';

/** The steady load of a chaos run: `iotp simulate` with per-device credentials on the password listener. */
export interface LoadSpec {
  devices: number;
  /** Readings per second over the fleet. */
  rate: number;
  seconds: number;
  seed: number;
  /** This run's devices: `<prefix>-000042`. */
  devicePrefix: string;
  /** Event time of the first reading (epoch ms): fixed, so the run can be rebuilt. */
  startTs: number;
  /** Anomalies per device-hour (the detectors get something to report; MALFORMED ones are dead-lettered). */
  anomalyRate: number;
  /** MQTT_AUTH_URL: username/password and the per-device ACL. */
  url: string;
}

/** The flags as `iotp simulate` receives them (and `resolveSimulationOptions` reads them). */
export function simulationFlags(load: LoadSpec): SimulationFlags {
  return {
    devices: String(load.devices),
    rate: String(load.rate),
    duration: String(load.seconds),
    seed: String(load.seed),
    qos: '1',
    perDeviceCredentials: true,
    removeCredentials: true,
    devicePrefix: load.devicePrefix,
    startTs: String(load.startTs),
    anomalyRate: String(load.anomalyRate),
    progressInterval: '1',
    url: load.url,
  };
}

/** The same flags on the command line. */
export function simulationArgs(load: LoadSpec): string[] {
  const args: string[] = [];
  for (const [key, value] of Object.entries(simulationFlags(load))) {
    const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    if (value === true) args.push(flag);
    else if (typeof value === 'string') args.push(flag, value);
  }
  return args;
}

/**
 * A start time that puts the latest boundary of a `windowMs` window (e.g. the hour) `boundaryAtS`
 * seconds into the load, so that the window holding the first readings closes during (or soon
 * after) the run: once stream time passes the boundary plus the window's grace. Event times then
 * trail the wall clock by up to that window plus the load (the MQTT source takes up to 7 days).
 */
export function startTsWithBoundaryAt(nowMs: number, boundaryAtS: number, windowMs: number): number {
  return Math.floor(nowMs / windowMs) * windowMs - Math.round(boundaryAtS * 1000);
}

/**
 * The event time by which every window worth waiting for has closed: per window, the end of the
 * one holding the last reading if that is at most `maxWaitMs` away, else the end of the one before
 * (the hour window holding the first readings); plus its grace.
 */
export function closeTarget(
  lastTs: number,
  windows: ReadonlyArray<{ size: number; grace: number }>,
  maxWaitMs: number,
): number {
  let target = lastTs;
  for (const w of windows) {
    const next = Math.ceil((lastTs + 1) / w.size) * w.size;
    const end = next - lastTs <= maxWaitMs ? next : next - w.size;
    target = Math.max(target, end + w.grace);
  }
  return target;
}

/**
 * The event time by which every window the load itself has closed is closed (no waiting after the
 * load): per window, the end of the last one whose end + grace is at least `marginMs` before the
 * last reading (each partition's stream time reaches about the last reading's time), plus its grace.
 */
export function closedByLoadTarget(
  lastTs: number,
  windows: ReadonlyArray<{ size: number; grace: number }>,
  marginMs = 5_000,
): number {
  let target = 0;
  for (const w of windows) {
    const end = Math.floor((lastTs - marginMs - w.grace) / w.size) * w.size;
    target = Math.max(target, end + w.grace);
  }
  return target;
}

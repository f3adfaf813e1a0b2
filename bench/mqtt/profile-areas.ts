/**
 * Splits a V8 CPU profile of the MQTT source by the areas its throughput work is written down in:
 * MQTT packet handling, PUBACK parking, JSON parse and validation, Avro encoding, the Kafka client,
 * metrics, GC. Only the samples taken in [fromUs, toUs] (V8's monotonic clock, the same as
 * `process.hrtime` on Linux) count, so the connector's start and stop stay out of the split.
 *
 * @example
 *   const split = profileSplit(JSON.parse(readFileSync(file, 'utf8')), t0Us, t1Us);
 *   printSplit(split, 20);
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  parent?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSplit {
  /** Sampled µs in the window, idle excluded. */
  busyUs: number;
  areas: Map<string, number>;
  functions: Map<string, number>;
}

const SOURCE = 'connectors/mqtt-source/';

/** The area of one function by where it lives; `stack` (callers, innermost first) settles natives. */
export function areaOf(url: string, name: string, callerAreas: readonly string[]): string {
  if (url === '') {
    if (name === '(garbage collector)') return 'GC';
    if (name === '(idle)' || name === '(program)' || name === '(root)') return name;
    // Builtins (JSON.parse, Buffer copies, Map lookups) are charged to the nearest JS caller.
    return callerAreas.find((a) => a !== 'node internals') ?? 'native (no JS caller)';
  }
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const pkg = url.slice(nm + 'node_modules/'.length).split('/')[0] ?? '';
    if (
      ['mqtt', 'mqtt-packet', 'bl', 'readable-stream', 'debug', 'process-nextick-args', 'number-allocator'].includes(
        pkg,
      )
    )
      return 'mqtt.js packet handling';
    if (pkg === 'avsc') return 'Avro encode';
    if (pkg === 'kafkajs' || pkg === 'node-rdkafka' || pkg === 'bindings') return 'Kafka client';
    if (pkg === 'prom-client' || pkg === 'tdigest' || pkg === 'bintrees') return 'metrics (prom-client)';
    if (pkg === 'pino' || pkg === 'sonic-boom') return 'logging';
    return `other package (${pkg})`;
  }
  if (url.startsWith('node:')) {
    // Buffers, streams, sockets: charged to the package or project area that called them.
    const caller = callerAreas.find((a) => a !== 'node internals');
    return caller === undefined ? 'node internals' : `${caller} (node internals)`;
  }
  const at = url.indexOf(SOURCE);
  if (at >= 0) {
    const file = url.slice(at + SOURCE.length).replace(/\.ts$/, '');
    if (file === 'publish-splitter' || file === 'publish-fast-path') return 'MQTT receive (publish-splitter)';
    if (file === 'ack-gate' || file === 'mqtt-session') return 'PUBACK parking (ack-gate, session)';
    if (file === 'record-encoder') return 'Avro encode';
    if (file === 'connector' || file === 'batch-sender' || file.startsWith('send-'))
      return 'connector loop (batch-sender)';
    if (file === 'metrics' || file.startsWith('metric') || file === 'tally-histogram') return 'metrics (prom-client)';
    return 'JSON parse + validation';
  }
  if (url.includes('/lib/serde/')) return 'Avro encode';
  if (url.includes('/lib/kafka/')) return 'Kafka client';
  if (url.includes('/lib/dead-letter/')) return 'JSON parse + validation';
  return 'other project code';
}

export function profileSplit(profile: CpuProfile, fromUs: number, toUs: number): ProfileSplit {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const ownArea = (n: ProfileNode) => {
    const { url, functionName } = n.callFrame;
    if (url === '') return '';
    return url.startsWith('node:') ? 'node internals' : areaOf(url, functionName, []);
  };
  const areaCache = new Map<number, string>();
  const areaFor = (id: number): string => {
    const known = areaCache.get(id);
    if (known !== undefined) return known;
    const n = byId.get(id) as ProfileNode;
    const callers: string[] = [];
    for (let p = parent.get(id); p !== undefined && callers.length < 40; p = parent.get(p)) {
      const a = ownArea(byId.get(p) as ProfileNode);
      if (a !== '') callers.push(a);
    }
    const a = areaOf(n.callFrame.url, n.callFrame.functionName, callers);
    areaCache.set(id, a);
    return a;
  };
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let busyUs = 0;
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    if (t < fromUs || t > toUs) return;
    const n = byId.get(id);
    if (!n) return;
    const a = areaFor(id);
    if (a === '(idle)') return;
    busyUs += dt;
    areas.set(a, (areas.get(a) ?? 0) + dt);
    const { functionName, url, lineNumber } = n.callFrame;
    const key = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
    functions.set(key, (functions.get(key) ?? 0) + dt);
  });
  return { busyUs, areas, functions };
}

export function formatSplit(split: ProfileSplit, messages: number, top: number): string {
  const pct = (us: number) => `${((100 * us) / split.busyUs).toFixed(1)}%`.padStart(6);
  const perMsg = (us: number) => `${(us / messages).toFixed(1)} µs/msg`.padStart(13);
  const lines = [`busy ${(split.busyUs / 1e6).toFixed(2)} s sampled on the main thread, ${perMsg(split.busyUs)}`];
  lines.push('by area (self time; builtins charged to their JS caller)');
  for (const [k, us] of [...split.areas].sort((a, b) => b[1] - a[1])) lines.push(`  ${pct(us)} ${perMsg(us)}  ${k}`);
  lines.push('by function (self time)');
  for (const [k, us] of [...split.functions].sort((a, b) => b[1] - a[1]).slice(0, top))
    lines.push(`  ${pct(us)}  ${k}`);
  return lines.join('\n');
}

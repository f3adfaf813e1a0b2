/**
 * Summarises a V8 CPU profile (`node --cpu-prof`): self time by function and by the package or
 * project folder it lives in, so a profile's split can be written down in docs/BENCHMARKS.md.
 *
 *   node_modules/.bin/tsx bench/profile/summarize.ts <file.cpuprofile> [--top 25] [--callers]
 *
 * --callers charges Node's internals and natives (Buffer copies, JSON.parse, Map lookups) to the
 * nearest caller that is a package or project file, and splits the project by file; percentages are
 * then of the busy samples ((idle) left out).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  parent?: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' }, callers: { type: 'boolean', default: false } },
});
const file = positionals[0];
if (!file) throw new Error('usage: summarize.ts <file.cpuprofile> [--top N]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => {
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

/** The package (node_modules/<name>), the project folder (first two levels), or the runtime bucket. */
function area(url: string, name: string): string {
  if (url === '') return name.startsWith('(') ? name : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] as string);
  }
  if (url.startsWith('node:')) return 'node:internal';
  const rel = url.replace(/^file:\/\//, '').replace(/^.*?\/(lib|streams|connectors|bench|sim|cli|demo)\//, '$1/');
  return rel.split('/').slice(0, 2).join('/');
}

const parentOf = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
const isInternal = (a: string) => a === 'node:internal' || a === '(native)';
/** With --callers: the area of the nearest package or project caller for internals; project code by file. */
function chargedArea(id: number): string {
  const n = byId.get(id) as ProfileNode;
  const own = area(n.callFrame.url, n.callFrame.functionName);
  if (!values.callers) return own;
  const fileOf = (m: ProfileNode, a: string) =>
    m.callFrame.url.includes('node_modules/') || a.startsWith('(')
      ? a
      : a.replace(/^(\w+\/[^/]+).*$/, '$1') === a
        ? `${a} (${m.callFrame.url.split('/').at(-1)})`
        : a;
  if (!isInternal(own)) return fileOf(n, own);
  for (let p = parentOf.get(id); p !== undefined; p = parentOf.get(p)) {
    const m = byId.get(p) as ProfileNode;
    const a = area(m.callFrame.url, m.callFrame.functionName);
    if (!isInternal(a) && a !== '(root)') return `${fileOf(m, a)} (internals)`;
  }
  return own;
}
let busy = 0;
for (const [id, us] of selfUs) if (byId.get(id)?.callFrame.functionName !== '(idle)') busy += us;
const fn = new Map<string, number>();
const areas = new Map<string, number>();
for (const [id, us] of selfUs) {
  const n = byId.get(id);
  if (!n) continue;
  const { functionName, url, lineNumber } = n.callFrame;
  if (values.callers && functionName === '(idle)') continue;
  const a = chargedArea(id);
  areas.set(a, (areas.get(a) ?? 0) + us);
  const short = url.split('/').slice(-2).join('/');
  const key = `${functionName || '(anonymous)'} ${short}:${lineNumber + 1}`;
  fn.set(key, (fn.get(key) ?? 0) + us);
}
const pct = (us: number) => `${((100 * us) / (values.callers ? busy : total)).toFixed(1)}%`;
const top = Number(values.top);
console.log(`total ${(total / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s busy`);
console.log('\nby area (self time)');
for (const [k, us] of [...areas].sort((a, b) => b[1] - a[1]).slice(0, top))
  console.log(`  ${pct(us).padStart(6)}  ${k}`);
console.log('\nby function (self time)');
for (const [k, us] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us).padStart(6)}  ${k}`);

/**
 * What the three peer harnesses share: the installed peers (install.sh), child processes whose output
 * lines are timestamped as they arrive, their CPU time and peak RSS from /proc, the alternating order
 * of the sides, and the per-rep / median ratio report.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from '../../lib/runtime/stack-env.js';

export interface PeerPaths {
  telegraf: string;
  kstreamsJar: string;
  kstreamsLib: string;
}

/** Runs bench/peers/install.sh (idempotent: instant once cached) and returns what it built. */
export function installPeers(): PeerPaths {
  const out = execFileSync('bash', [join(repoRoot, 'bench', 'peers', 'install.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const vars: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) vars[line.slice(0, eq)] = line.slice(eq + 1);
  }
  const need = (k: string) => {
    const v = vars[k];
    if (!v) throw new Error(`install.sh printed no ${k}=...`);
    return v;
  };
  return { telegraf: need('TELEGRAF'), kstreamsJar: need('KSTREAMS_JAR'), kstreamsLib: need('KSTREAMS_LIB') };
}

/** The Java classpath of the Kafka Streams app. */
export function kstreamsClasspath(paths: PeerPaths): string {
  return `${paths.kstreamsJar}:${paths.kstreamsLib}/*`;
}

/** Progress and notes go to stderr, results to stdout. */
export function note(text: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${text}\n`);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** iotp first on even reps (0, 2, ...), the peer first on odd ones. */
export function sidesInOrder<T>(rep: number, iotp: T, peer: T): [T, T] {
  return rep % 2 === 0 ? [iotp, peer] : [peer, iotp];
}

/** An integer flag (throws on anything else). */
export function intFlag(name: string, raw: string | undefined, min = 1): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name}: expected an integer >= ${min}, got "${raw}"`);
  return n;
}

export function fmtRate(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a';
}

export function fmtRatio(n: number): string {
  return Number.isFinite(n) ? n.toFixed(2) : 'n/a';
}

export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
}

/** CPU seconds (user + system) a live process has used, from /proc/<pid>/stat; NaN when gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): utime and stime are fields 14 and 15.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Peak resident set (VmHWM) of a live process in MiB; NaN when gone. */
export function peakRssMiB(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

export interface Line {
  text: string;
  /** Date.now() when the harness read it. */
  at: number;
}

/** A child process whose stdout and stderr lines are kept with the time each arrived. */
export interface Proc {
  readonly pid: number;
  readonly child: ChildProcess;
  readonly lines: Line[];
  readonly exited: boolean;
  /** Waits for a line matching `re` (already seen or coming); throws on exit or timeout. */
  waitFor(re: RegExp, timeoutMs: number, what?: string): Promise<Line>;
  writeLine(text: string): void;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
  /** Waits up to `timeoutMs` for the process to exit by itself; its exit code, or undefined if still running. */
  waitExit(timeoutMs: number): Promise<number | null | undefined>;
  tail(n?: number): string;
}

export function spawnProc(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; keepLines?: number } = {},
): Proc {
  const child = spawn(command, args, {
    cwd: options.cwd ?? repoRoot,
    env: options.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: Line[] = [];
  const keep = options.keepLines ?? 5000;
  const waiters = new Set<() => void>();
  let exited = false;
  const exit = once(child, 'exit').then(([code]) => {
    exited = true;
    for (const w of waiters) w();
    return code as number | null;
  });
  const onLine = (text: string) => {
    lines.push({ text, at: Date.now() });
    if (lines.length > keep) lines.splice(0, lines.length - keep);
    for (const w of waiters) w();
  };
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', onLine);
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', onLine);
  child.stdin?.on('error', () => undefined); // a child that exited early: EPIPE
  const proc: Proc = {
    pid: child.pid as number,
    child,
    lines,
    get exited() {
      return exited;
    },
    tail: (n = 20) =>
      lines
        .slice(-n)
        .map((l) => l.text)
        .join('\n'),
    waitFor(re, timeoutMs, what) {
      return new Promise<Line>((resolve, reject) => {
        let from = 0;
        const check = () => {
          for (; from < lines.length; from++) {
            const l = lines[from] as Line;
            if (re.test(l.text)) return done(() => resolve(l));
          }
          if (exited) done(() => reject(new Error(`${what ?? command} exited before printing ${re}:\n${proc.tail()}`)));
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`no ${re} from ${what ?? command} in ${timeoutMs} ms:\n${proc.tail()}`))),
          timeoutMs,
        );
        const done = (then: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          then();
        };
        waiters.add(check);
        check();
      });
    },
    writeLine(text) {
      child.stdin?.write(`${text}\n`);
    },
    async waitExit(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<undefined>((r) => {
        timer = setTimeout(() => r(undefined), timeoutMs);
      });
      const code = await Promise.race([exit, timeout]);
      clearTimeout(timer);
      return code;
    },
    async stop(graceMs = 30_000) {
      if (exited) return exit;
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (!exited) child.kill('SIGKILL');
      }, graceMs);
      const code = await exit;
      clearTimeout(timer);
      return code;
    },
  };
  return proc;
}

/** A TOML basic string (JSON's escapes are valid TOML escapes for the characters used here). */
export function toml(value: string): string {
  return JSON.stringify(value);
}

/**
 * Telegraf with a config written to a private temp dir (removed on stop). Numeric settings must be
 * rendered into `config` (Telegraf's ${VAR} substitution fills strings only); secrets go in `env`.
 */
export function spawnTelegraf(paths: PeerPaths, config: string, env: Record<string, string> = {}): Proc {
  const dir = mkdtempSync(join(tmpdir(), 'iotp-peers-telegraf-'));
  const file = join(dir, 'telegraf.conf');
  writeFileSync(file, config, { mode: 0o600 });
  const proc = spawnProc(paths.telegraf, ['--config', file], { env: { ...process.env, ...env } });
  const stop = proc.stop.bind(proc);
  proc.stop = async (graceMs) => {
    try {
      return await stop(graceMs);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  return proc;
}

/** Deletes consumer groups with the Kafka Java admin client of the Kafka Streams app (the seam has no deleteGroups). */
export function deleteGroups(paths: PeerPaths, brokers: string, groups: string[]): void {
  if (groups.length === 0) return;
  try {
    const out = execFileSync(
      'java',
      ['-cp', kstreamsClasspath(paths), 'dev.iotp.peers.StatsApp', 'delete-groups', '--bootstrap', brokers, ...groups],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 },
    );
    const failed = out.split('\n').filter((l) => l.startsWith('NOT-DELETED'));
    note(
      `deleted ${groups.length - failed.length} of ${groups.length} consumer groups${failed.length ? `: ${failed.join('; ')}` : ''}`,
    );
  } catch (error) {
    note(`could not delete consumer groups ${groups.join(' ')}: ${String(error)}`);
  }
}

export interface RepRow {
  rep: number;
  first: string;
  iotp: number;
  peer: number;
  extra?: string;
}

/** Prints one table of per-rep figures and ratios iotp/peer, and the median ratio; returns the median. */
export function printTable(
  title: string,
  unit: string,
  peerName: string,
  rows: RepRow[],
  extraHeader?: string,
): number {
  const ratios = rows.map((r) => r.iotp / r.peer);
  const out: string[] = [];
  out.push(`\n${title}\n`);
  out.push(
    `| rep | first | iotp ${unit} | ${peerName} ${unit} | iotp/${peerName} |${extraHeader ? ` ${extraHeader} |` : ''}`,
  );
  const extraColumns = extraHeader ? extraHeader.split('|').length : 0;
  out.push(`|---|---|---|---|---|${'---|'.repeat(extraColumns)}`);
  rows.forEach((r, i) => {
    out.push(
      `| ${r.rep} | ${r.first} | ${fmtRate(r.iotp)} | ${fmtRate(r.peer)} | ${fmtRatio(ratios[i] as number)} |${extraHeader ? ` ${r.extra ?? ''} |` : ''}`,
    );
  });
  const m = median(ratios);
  out.push(
    `\nmedian ratio iotp/${peerName}: ${fmtRatio(m)} (median iotp ${fmtRate(median(rows.map((r) => r.iotp)))}, median ${peerName} ${fmtRate(median(rows.map((r) => r.peer)))} ${unit})`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
  return m;
}

/** Polls `check` every `everyMs` until true; prints `progress()` every 5 s; throws after `timeoutMs`. */
export async function waitWithProgress(
  what: string,
  check: () => boolean | Promise<boolean>,
  progress: () => string,
  timeoutMs: number,
  everyMs = 50,
): Promise<void> {
  const started = Date.now();
  let lastNote = started;
  for (;;) {
    if (await check()) return;
    const now = Date.now();
    if (now - started > timeoutMs) throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}: ${progress()}`);
    if (now - lastNote >= 5_000) {
      lastNote = now;
      note(`  ${what}: ${progress()}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Soft- then hard-deletes schema registry subjects (Confluent API); missing ones are ignored. */
export async function deleteSubjects(registryUrl: string, subjects: string[]): Promise<void> {
  for (const subject of subjects) {
    for (const query of ['', '?permanent=true']) {
      await fetch(`${registryUrl}/subjects/${encodeURIComponent(subject)}${query}`, { method: 'DELETE' }).catch(
        () => undefined,
      );
    }
  }
}

/**
 * The iotp code measured: HEAD and the tracked files under the worker code that differ from it
 * (other engineers work in the same checkout, and a run measures the working tree).
 */
export function codeState(): string {
  try {
    const git = (args: string[]) =>
      execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const head = git(['rev-parse', '--short', 'HEAD']);
    const dirty = git(['status', '--porcelain', '--untracked-files=no', '--', 'connectors', 'streams', 'lib', 'cli'])
      .split('\n')
      .filter((l) => l.trim() !== '');
    return dirty.length === 0
      ? `iotp at ${head}`
      : `iotp at ${head} + ${dirty.length} uncommitted changed files under connectors/ streams/ lib/ cli/`;
  } catch {
    return 'iotp at an unknown commit';
  }
}

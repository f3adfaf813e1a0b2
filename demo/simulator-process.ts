import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from '../lib/runtime/stack-env.js';
import type { SimulationSummary } from '../sim/run-simulation.js';

/** One progress line of `iotp simulate` (JSON when stderr is not a terminal). */
export interface SimulatorProgress {
  elapsedS: number;
  sent: number;
  /** Readings whose PUBACK came back from Mosquitto (at QoS 1): in the broker, not yet in Kafka. */
  acked: number;
}

/**
 * Runs `iotp simulate <args> --json` as a child process and returns the summary it prints last.
 * Its progress lines go on to our stderr and, parsed, to `onProgress`. Used by the demo and the
 * end-to-end benchmark.
 */
export async function runSimulatorProcess(
  args: string[],
  env: Record<string, string>,
  onProgress?: (progress: SimulatorProgress) => void,
): Promise<SimulationSummary> {
  const child = spawn(join(repoRoot, 'bin', 'iotp'), ['simulate', ...args, '--json'], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // the simulator does not outlive us (process.exit after a signal, a thrown error)
  const stopChild = () => child.kill('SIGTERM');
  process.once('exit', stopChild);
  createInterface({ input: child.stderr }).on('line', (line) => {
    process.stderr.write(`${line}\n`);
    if (onProgress && line.startsWith('{"progress"')) {
      try {
        onProgress((JSON.parse(line) as { progress: SimulatorProgress }).progress);
      } catch {
        // not a whole JSON line: only shown
      }
    }
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  process.off('exit', stopChild);
  if (code !== 0) throw new Error(`iotp simulate ${args.join(' ')} exited with ${code}`);
  return JSON.parse(out.trim().split('\n').pop()!) as SimulationSummary;
}

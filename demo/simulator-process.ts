import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../lib/runtime/stack-env.js';
import type { SimulationSummary } from '../sim/run-simulation.js';

/**
 * Runs `iotp simulate <args> --json` as a child process (its progress goes to our stderr) and
 * returns the summary it prints last. Used by the demo and the end-to-end benchmark.
 */
export async function runSimulatorProcess(args: string[], env: Record<string, string>): Promise<SimulationSummary> {
  const child = spawn(join(repoRoot, 'bin', 'iotp'), ['simulate', ...args, '--json'], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // the simulator does not outlive us (process.exit after a signal, a thrown error)
  const stopChild = () => child.kill('SIGTERM');
  process.once('exit', stopChild);
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  process.off('exit', stopChild);
  if (code !== 0) throw new Error(`iotp simulate ${args.join(' ')} exited with ${code}`);
  return JSON.parse(out.trim().split('\n').pop()!) as SimulationSummary;
}

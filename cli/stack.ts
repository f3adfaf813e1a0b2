import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadStackEnv, repoRoot, stackEnvFile } from '../lib/runtime/stack-env.js';

function runScript(name: string, args: string[]): never {
  const result = spawnSync('bash', [join(repoRoot, 'scripts', 'stack', name), ...args], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}

/** `iotp stack up|down|status|env`: the same scripts as `make stack-*`. */
export function registerStackCommands(program: Command): void {
  const stack = program.command('stack').description('the local stack of real servers (no Docker)');
  stack
    .command('up')
    .option('--clean', 'wipe data dirs first')
    .action((opts: { clean?: boolean }) => runScript('up.sh', opts.clean ? ['--clean'] : []));
  stack.command('down').action(() => runScript('down.sh', []));
  stack.command('status').action(() => runScript('status.sh', []));
  stack
    .command('env')
    .description(`print the settings iotp uses by default (${stackEnvFile()} overridden by the environment)`)
    .action(() => {
      const env = loadStackEnv({});
      process.stdout.write(
        Object.entries(env)
          .map(([k, v]) => `${k}=${v}\n`)
          .join(''),
      );
    });
}

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { IotpError } from '../errors.js';

const run = promisify(execFile);

/**
 * Runs the `openssl` CLI (installed by scripts/stack/install.sh) and returns its stdout. A failure
 * throws DEVICES_OPENSSL_FAILED with openssl's own last lines of stderr.
 */
export async function openssl(args: readonly string[], options: { cwd?: string } = {}): Promise<string> {
  try {
    const { stdout } = await run('openssl', [...args], { cwd: options.cwd, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (cause) {
    const error = cause as NodeJS.ErrnoException & { stderr?: string };
    if (error.code === 'ENOENT') {
      throw new IotpError(
        'DEVICES_OPENSSL_MISSING',
        "the 'openssl' command is not installed: apt-get install -y openssl",
        {
          cause,
        },
      );
    }
    const detail = (error.stderr ?? error.message).trim().split('\n').slice(-3).join(' | ');
    throw new IotpError('DEVICES_OPENSSL_FAILED', `openssl ${args[0]} failed: ${detail}`, { cause });
  }
}

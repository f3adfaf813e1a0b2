/**
 * The stack scripts' failure reporting, run for real in bash with a throwaway stack dir: a server
 * that dies at start is named with its log file and the log's last lines; a missing prerequisite
 * is named with the command that installs it; a recorded pid that is not ours is never "alive".
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function bash(script: string) {
  const stackDir = mkdtempSync(join(tmpdir(), 'iotp-stack-'));
  const result = spawnSync('bash', ['-c', `source scripts/stack/lib.sh; ${script}`], {
    encoding: 'utf8',
    env: { ...process.env, IOTP_STACK_DIR: stackDir },
  });
  return { ...result, stackDir };
}

describe('stack scripts', () => {
  it('names the server, its log file and the last log lines when a server dies at start', () => {
    const r = bash(
      `start fakesrv bash -c 'echo "line one"; echo "fatal: port already in use"; exit 3'; wait_for fakesrv 5 false`,
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('fakesrv did not become healthy');
    expect(r.stderr).toContain(join(r.stackDir, 'logs', 'fakesrv.log'));
    expect(r.stderr).toContain('fatal: port already in use');
    expect(r.stderr).toContain('the process exited');
  });

  it('says the server is still starting when the wait runs out while it lives', () => {
    const r = bash(`set +e; start slowsrv sleep 30; wait_for slowsrv 1 false; rc=$?; kill $(pid_of slowsrv); exit $rc`);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('slowsrv did not become healthy within 1s: the process still starting');
  });

  it('refuses to start a server on a port that is already bound, naming the port', () => {
    const r = bash(
      `python3 -c 'import socket,time; s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(); print(s.getsockname()[1], flush=True); time.sleep(20)' > "$IOTP_STACK_DIR/port" &
       holder=$!; for i in $(seq 50); do [ -s "$IOTP_STACK_DIR/port" ] && break; sleep 0.1; done
       port=$(cat "$IOTP_STACK_DIR/port"); echo "port=$port"; set +e; (port_free fakesrv "$port"); rc=$?; kill $holder; exit $rc`,
    );
    expect(r.status).toBe(1);
    const port = /port=(\d+)/.exec(r.stdout)?.[1];
    expect(port).toBeDefined();
    expect(r.stderr).toContain(`fakesrv cannot start: 127.0.0.1:${port} is already in use`);
  });

  it('succeeds once the health check passes', () => {
    const r = bash(
      `start sleeper sleep 30; wait_for sleeper 5 true && alive sleeper && echo ALIVE; kill $(pid_of sleeper)`,
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('ALIVE');
  });

  it('names a missing prerequisite and how to install it', () => {
    const r = bash(`need iotp-no-such-tool "apt-get install -y iotp-no-such-tool"`);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("missing prerequisite 'iotp-no-such-tool': apt-get install -y iotp-no-such-tool");
  });

  it('does not take a recycled pid for one of ours', () => {
    // pid 1 exists but was not started by the stack scripts
    const r = bash(`mkdir -p "$PIDS"; echo 1 > "$PIDS/kafka.pid"; alive kafka && echo ALIVE || echo NOT-OURS`);
    expect(r.stdout.trim()).toBe('NOT-OURS');
  });
});

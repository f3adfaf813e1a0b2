import type { BrokerAction } from './mosquitto-process.js';

/** What the operator needs to know after a change: which event the change waits for, and on which broker. */
export type ChangeKind = 'certificate-revoked' | 'password-added' | 'password-removed' | 'crl-rewritten';

/**
 * The lines `iotp devices` prints about the broker after a change: what took effect (measured on
 * Mosquitto 2.0.11: a SIGHUP rebuilds the TLS context of a listener with `crlfile` and
 * `require_certificate`, so new handshakes see the new CRL, while open connections are not checked
 * again; a removed password disconnects its user), and what the operator of another broker must do.
 */
export function brokerNotice(action: BrokerAction, changes: readonly ChangeKind[], crlFile?: string): string[] {
  const certs = changes.includes('certificate-revoked') || changes.includes('crl-rewritten');
  const passwords = changes.includes('password-added') || changes.includes('password-removed');
  const lines: string[] = [];
  if (action.kind === 'restarted') {
    lines.push(
      'Mosquitto restarted: every connection was closed (persistent sessions kept); the new files apply to all.',
    );
    return lines;
  }
  if (action.kind === 'reloaded') {
    lines.push(`Mosquitto (pid ${action.pid}) reloaded with SIGHUP.`);
    if (certs)
      lines.push(
        'New TLS connections are checked against the new CRL from now on; a connection a revoked certificate',
        'already holds stays open until the device reconnects: --restart-mosquitto closes it (Mosquitto restart).',
      );
    if (changes.includes('password-removed'))
      lines.push('A removed password can no longer log in; Mosquitto disconnects its open connections.');
    return lines;
  }
  lines.push(`No Mosquitto was told (${action.why}).`);
  if (certs)
    lines.push(
      `Another broker: install ${crlFile ?? 'the CRL'} as its CRL file, then make it reload it. Mosquitto (1.6.7 and later)`,
      're-reads crlfile and cafile on SIGHUP (systemctl reload mosquitto) for a listener with crlfile and',
      'require_certificate true; open connections are not checked again: restart it to close them.',
      'A broker that reads its CRL only at start needs a restart.',
    );
  if (passwords) lines.push('Mosquitto reads its password file again on SIGHUP (systemctl reload mosquitto).');
  return lines;
}

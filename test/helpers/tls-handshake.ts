import { connect } from 'node:tls';

/** The outcome of one TLS handshake: accepted, or refused with Node's error code (e.g. ERR_SSL_TLSV1_ALERT_UNKNOWN_CA). */
export type HandshakeOutcome = { accepted: true } | { accepted: false; code: string; message: string };

/**
 * Performs one TLS 1.2 handshake with `url`'s host and port and closes it. TLS 1.2, because there
 * the server checks the client certificate before its Finished message, so a refused certificate
 * fails the handshake itself; with TLS 1.3 the client finishes first and sees the alert later.
 */
export function tlsHandshake(
  url: string,
  options: { ca: Buffer; cert?: Buffer; key?: Buffer },
  timeoutMs = 10_000,
): Promise<HandshakeOutcome> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({
      host: u.hostname,
      port: Number(u.port),
      ca: options.ca,
      ...(options.cert ? { cert: options.cert } : {}),
      ...(options.key ? { key: options.key } : {}),
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.2',
    });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ accepted: false, code: 'TIMEOUT', message: `no handshake within ${timeoutMs} ms` });
    }, timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.end();
      resolve({ accepted: true });
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ accepted: false, code: error.code ?? 'ERROR', message: error.message });
    });
  });
}

/**
 * The local stack is locked down by default (the same settings as docker-compose.yml and deploy/):
 * what an anonymous client on the network is refused, and that the refusal is the lock (the same
 * request with the right credentials is answered).
 */
import { describe, expect, it } from 'vitest';
import { stackEnv } from '../helpers/stack.js';

const env = stackEnv();

describe('InfluxDB', () => {
  const url = env.INFLUX_URL as string;
  const admin = `Basic ${Buffer.from(`${env.INFLUX_USERNAME}:${env.INFLUX_PASSWORD}`).toString('base64')}`;

  it.each(['/debug/vars', '/debug/pprof/cmdline', '/debug/requests?seconds=1'])(
    '%s refuses anonymous requests (401) and answers an admin',
    async (path) => {
      const anonymous = await fetch(`${url}${path}`);
      expect(anonymous.status).toBe(401);
      await anonymous.body?.cancel();
      const authorised = await fetch(`${url}${path}`, { headers: { authorization: admin } });
      expect(authorised.status).toBe(200);
      await authorised.body?.cancel();
    },
  );

  it('queries need credentials', async () => {
    const anonymous = await fetch(`${url}/query?q=${encodeURIComponent('SHOW DATABASES')}`);
    expect(anonymous.status).toBe(401);
    await anonymous.body?.cancel();
  });
});

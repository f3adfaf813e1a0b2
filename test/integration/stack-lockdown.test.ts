/**
 * The local stack is locked down by default (the same settings as docker-compose.yml and deploy/):
 * what an anonymous client on the network is refused, and that the refusal is the lock (the same
 * request with the right credentials is answered).
 */
import { describe, expect, it } from 'vitest';
import { stackEnv, uniqueName } from '../helpers/stack.js';

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

describe('Schema registry (behind its reverse proxy)', () => {
  const url = env.SCHEMA_REGISTRY_URL as string;
  const json = { 'content-type': 'application/vnd.schemaregistry.v1+json' };
  const writer = `Basic ${Buffer.from(`${env.SCHEMA_REGISTRY_USERNAME}:${env.SCHEMA_REGISTRY_PASSWORD}`).toString('base64')}`;
  const schema = JSON.stringify({ type: 'record', name: 'Lockdown', fields: [{ name: 'x', type: 'double' }] });
  const register = (subject: string, headers: Record<string, string>) =>
    fetch(`${url}/subjects/${subject}/versions`, { method: 'POST', headers, body: JSON.stringify({ schema }) });

  it('refuses an anonymous registration (401) and takes the same one with credentials', async () => {
    const subject = `${uniqueName('lockdown')}-value`;
    const anonymous = await register(subject, json);
    expect(anonymous.status).toBe(401);
    await anonymous.body?.cancel();
    expect((await fetch(`${url}/subjects`).then((r) => r.json())) as string[]).not.toContain(subject);
    const authorised = await register(subject, { ...json, authorization: writer });
    expect(authorised.status).toBe(200);
    expect(((await authorised.json()) as { id: number }).id).toBeGreaterThanOrEqual(0);
  });

  it('refuses anonymous compatibility changes (401)', async () => {
    const anonymous = await fetch(`${url}/config`, {
      method: 'PUT',
      headers: json,
      body: JSON.stringify({ compatibility: 'NONE' }),
    });
    expect(anonymous.status).toBe(401);
    await anonymous.body?.cancel();
    const config = (await (await fetch(`${url}/config`)).json()) as { compatibilityLevel: string };
    expect(config.compatibilityLevel).toBe('BACKWARD');
  });

  it('refuses DELETE to everyone, with credentials too (405), and the subject stays', async () => {
    const subject = `${uniqueName('lockdown')}-value`;
    const created = await register(subject, { ...json, authorization: writer });
    expect(created.status).toBe(200);
    await created.body?.cancel();
    for (const path of [
      `/subjects/${subject}`,
      `/subjects/${subject}?permanent=true`,
      `/subjects/${subject}/versions/1`,
    ]) {
      for (const headers of [{}, { authorization: writer }] as Record<string, string>[]) {
        const deletion = await fetch(`${url}${path}`, { method: 'DELETE', headers });
        expect(deletion.status).toBe(405);
        await deletion.body?.cancel();
      }
    }
    expect((await fetch(`${url}/subjects`).then((r) => r.json())) as string[]).toContain(subject);
  });

  it('serves reads without credentials (consumers decode by schema id)', async () => {
    const subjects = await fetch(`${url}/subjects`);
    expect(subjects.status).toBe(200);
    await subjects.body?.cancel();
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import {
  checkTopicTemplate,
  compileTopicTemplate,
  fillPlaceholders,
  fillTemplate,
  placeholdersIn,
  templateFilter,
} from './topic-template.js';

describe('compileTopicTemplate', () => {
  it('derives the MQTT filter and captures segment values', () => {
    const t = compileTopicTemplate('sensors/{site}/{deviceId}/{type}');
    expect(t.filter).toBe('sensors/+/+/+');
    expect(t.names).toEqual(['site', 'deviceId', 'type']);
    expect(t.literalCount).toBe(1);
    expect(t.match('sensors/lab/dev-1/environment')).toEqual({ site: 'lab', deviceId: 'dev-1', type: 'environment' });
  });

  it('refuses topics of another depth, other literals and empty levels', () => {
    const t = compileTopicTemplate('sensors/{site}/{deviceId}/power');
    expect(t.match('sensors/lab/dev-1')).toBeUndefined();
    expect(t.match('sensors/lab/dev-1/power/extra')).toBeUndefined();
    expect(t.match('sensors/lab/dev-1/environment')).toBeUndefined();
    expect(t.match('sensors//dev-1/power')).toBeUndefined();
    expect(t.match('sensors/lab/dev-1/power')).toEqual({ site: 'lab', deviceId: 'dev-1' });
  });

  it.each([
    ['', 'expected a topic template'],
    ['sensors/+/{deviceId}', 'no MQTT wildcards'],
    ['sensors/#', 'no MQTT wildcards'],
    ['sensors/{a}{b}', 'whole {name} placeholder'],
    ['sensors//{deviceId}', 'empty topic level'],
    ['sensors/{id}/{id}', 'appears twice'],
    ['$share/g/{deviceId}', "may not start with '$'"],
  ])('rejects %j naming the key', (template, text) => {
    const attempt = () => compileTopicTemplate(template, 'routes[3].mqtt');
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/^routes\[3\]\.mqtt: /);
    expect(attempt).toThrow(text);
  });
});

describe('fillPlaceholders', () => {
  it('fills from segments and reports a missing one as undefined', () => {
    expect(fillPlaceholders('telemetry.{type}', { type: 'power' })).toBe('telemetry.power');
    expect(fillPlaceholders('telemetry.{type}', {})).toBeUndefined();
    expect(placeholdersIn('{a}.x.{b}')).toEqual(['a', 'b']);
  });
});

describe('checkTopicTemplate (the config) agrees with compileTopicTemplate (the connector)', () => {
  it('accepts and refuses the same templates; a route needs a {deviceId}', () => {
    expect(checkTopicTemplate('sensors/{site}/{deviceId}/{type}')).toEqual({
      ok: true,
      placeholders: ['site', 'deviceId', 'type'],
    });
    for (const bad of ['', 'sensors/+/{deviceId}', 'sensors//{deviceId}', 'sensors/{id}/{id}', '$share/g/{deviceId}']) {
      const check = checkTopicTemplate(bad);
      expect(check.ok).toBe(false);
      expect(() => compileTopicTemplate(bad, 'k')).toThrow(`k: ${check.ok ? '' : check.problem}`);
    }
    expect(checkTopicTemplate('sensors/{site}')).toMatchObject({ ok: false, problem: /expected a {deviceId} level/ });
    expect(templateFilter('sensors/{site}/{deviceId}/power')).toBe(
      compileTopicTemplate('sensors/{site}/{deviceId}/power').filter,
    );
    expect(fillTemplate('{topic}-value.{type}', { type: 'power' })).toBe('{topic}-value.power');
  });
});

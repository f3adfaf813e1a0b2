import { ConfigError } from '../../errors.js';
import type { DetectorOverride, FieldLimit } from './record.js';

/**
 * The text forms of the registry's structured fields, shared by the `iotp devices` options and
 * the CSV import (where a cell holds several, separated by `;`):
 * - tag `k=v` (`k=` removes the tag in an update)
 * - limit `temperature=-40:85`, `humidity=0:`, `pressure=:1100` (`temperature=` removes it)
 * - detector override `[<field>:]<detector>.<setting>=<value>`, e.g. `combined.enabled=false`,
 *   `temperature:outOfRange.enabled=false` (value: number, true/false, else text)
 *
 * Each parser throws a ConfigError naming `key` and the expected form.
 */
export interface Assignment<T> {
  name: string;
  /** undefined: the text removes the entry (`name=`). */
  value: T | undefined;
}

function split(text: string, key: string, form: string): { name: string; rest: string } {
  const at = text.indexOf('=');
  if (at <= 0) throw new ConfigError(key, `expected ${form}, got '${text}'`);
  return { name: text.slice(0, at).trim(), rest: text.slice(at + 1).trim() };
}

/** `k=v` (or `k=` to remove). */
export function parseTag(text: string, key = '--tag'): Assignment<string> {
  const { name, rest } = split(text, key, 'k=v');
  return { name, value: rest === '' ? undefined : rest };
}

/** `field=min:max` with either end open (or `field=` to remove). */
export function parseLimit(text: string, key = '--limit'): Assignment<FieldLimit> {
  const form = 'field=min:max, e.g. temperature=-40:85 (either end may be empty)';
  const { name, rest } = split(text, key, form);
  if (rest === '') return { name, value: undefined };
  const colon = rest.indexOf(':', rest.startsWith('-') ? 1 : 0);
  if (colon < 0) throw new ConfigError(key, `expected ${form}, got '${text}'`);
  const end = (part: string): number | null => {
    if (part.trim() === '') return null;
    const n = Number(part);
    if (!Number.isFinite(n)) throw new ConfigError(key, `expected ${form}, got '${text}' ('${part}' is not a number)`);
    return n;
  };
  return { name, value: { min: end(rest.slice(0, colon)), max: end(rest.slice(colon + 1)) } };
}

/** `[<field>:]<detector>.<setting>=<value>`: one setting of one override. */
export function parseOverride(
  text: string,
  key = '--detector',
): { field: string | null; detector: string; setting: string; value: number | boolean | string } {
  const form =
    '[<field>:]<detector>.<setting>=<value>, e.g. combined.enabled=false or temperature:outOfRange.enabled=false';
  const { name, rest } = split(text, key, form);
  const m = /^(?:([^:]+):)?([A-Za-z]+)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(name);
  if (!m || rest === '') throw new ConfigError(key, `expected ${form}, got '${text}'`);
  return { field: m[1] ?? null, detector: m[2] as string, setting: m[3] as string, value: settingValue(rest) };
}

/** Adds one parsed setting to a list of overrides (one override per field and detector). */
export function addOverrideSetting(
  overrides: DetectorOverride[],
  s: { field: string | null; detector: string; setting: string; value: number | boolean | string },
): DetectorOverride[] {
  const out = overrides.map((o) => ({ ...o, settings: { ...o.settings } }));
  let target = out.find((o) => o.field === s.field && o.detector === s.detector);
  if (!target) {
    target = { detector: s.detector, field: s.field, settings: {} };
    out.push(target);
  }
  target.settings[s.setting] = s.value;
  return out;
}

function settingValue(text: string): number | boolean | string {
  if (text === 'true') return true;
  if (text === 'false') return false;
  const n = Number(text);
  return text !== '' && Number.isFinite(n) ? n : text;
}

/** A limit as text: `-40:85`, `0:`, `:1100`. */
export function formatLimit(limit: FieldLimit): string {
  return `${limit.min ?? ''}:${limit.max ?? ''}`;
}

/** An override as its settings' texts: `temperature:outOfRange.enabled=false`. */
export function formatOverride(o: DetectorOverride): string[] {
  const prefix = o.field === null ? o.detector : `${o.field}:${o.detector}`;
  return Object.entries(o.settings).map(([k, v]) => `${prefix}.${k}=${v}`);
}

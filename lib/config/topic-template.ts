import { ConfigError } from '../errors.js';

/**
 * MQTT topic templates, in ONE place: `sensors/{site}/{deviceId}/{type}`, where `{name}` stands
 * for exactly one topic level and anything else is a literal level. The config checks them
 * (`checkTopicTemplate`), the MQTT source compiles them to match topics (`compileTopicTemplate`),
 * and Kafka topic and schema names are filled from their segments (`fillTemplate`, `fillPlaceholders`).
 */

/** Segment values captured from an MQTT topic, by placeholder name. */
export type Segments = Readonly<Record<string, string>>;

/**
 * An MQTT topic template compiled once: its subscription filter (every placeholder a `+`), its
 * names, and a matcher.
 *
 * @example
 *   const t = compileTopicTemplate('sensors/{site}/{deviceId}/{type}');
 *   t.filter;                                   // 'sensors/+/+/+'
 *   t.match('sensors/lab/dev-1/environment');   // { site: 'lab', deviceId: 'dev-1', type: 'environment' }
 *   t.match('sensors/lab/dev-1');               // undefined
 */
export interface TopicTemplate {
  readonly template: string;
  readonly filter: string;
  /** Placeholder names in order of appearance. */
  readonly names: readonly string[];
  /** Number of literal levels (more literals = more specific). */
  readonly literalCount: number;
  match(topic: string): Segments | undefined;
}

const PLACEHOLDER = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;
const PLACEHOLDERS = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

type Level = { kind: 'literal'; value: string } | { kind: 'placeholder'; name: string };

/** The levels of a template, or what is wrong with it. */
function parseLevels(template: string): { levels: Level[]; names: string[] } | { problem: string } {
  if (template.length === 0)
    return { problem: 'expected a topic template like sensors/{site}/{deviceId}/{type}, got ""' };
  if (template.startsWith('$')) return { problem: `a template may not start with '$' (got '${template}')` };
  const levels: Level[] = [];
  const names: string[] = [];
  for (const raw of template.split('/')) {
    const placeholder = PLACEHOLDER.exec(raw)?.[1];
    if (placeholder) {
      if (names.includes(placeholder))
        return { problem: `placeholder {${placeholder}} appears twice in '${template}'` };
      names.push(placeholder);
      levels.push({ kind: 'placeholder', name: placeholder });
    } else if (raw.length === 0) return { problem: `empty topic level in '${template}'` };
    else if (/[+#{}]/.test(raw))
      return {
        problem: `level '${raw}' of '${template}' must be a literal or a whole {name} placeholder (no MQTT wildcards)`,
      };
    else levels.push({ kind: 'literal', value: raw });
  }
  return { levels, names };
}

/** A checked MQTT topic template of a route: its `{name}` levels in order, or why it is not valid. */
export type TemplateCheck = { ok: true; placeholders: string[] } | { ok: false; problem: string };

/**
 * Checks a route's MQTT topic template: levels are literals or whole `{name}` placeholders, no MQTT
 * wildcards, no empty levels, no repeated name, a `{deviceId}` level.
 *
 * @example
 *   checkTopicTemplate('sensors/{site}/{deviceId}/{type}') // { ok: true, placeholders: ['site', 'deviceId', 'type'] }
 */
export function checkTopicTemplate(template: string): TemplateCheck {
  const parsed = parseLevels(template);
  if ('problem' in parsed) return { ok: false, problem: parsed.problem };
  if (!parsed.names.includes('deviceId'))
    return {
      ok: false,
      problem: `expected a {deviceId} level, e.g. sensors/{site}/{deviceId}/{type} (got '${template}')`,
    };
  return { ok: true, placeholders: parsed.names };
}

/** Compiles a template; `key` names the config key in errors (e.g. `routes[2].mqtt`). */
export function compileTopicTemplate(template: string, key = 'template'): TopicTemplate {
  const parsed = parseLevels(template);
  if ('problem' in parsed) throw new ConfigError(key, parsed.problem);
  const { levels, names } = parsed;
  return {
    template,
    filter: levels.map((l) => (l.kind === 'literal' ? l.value : '+')).join('/'),
    names,
    literalCount: levels.length - names.length,
    match(topic: string): Segments | undefined {
      const parts = topic.split('/');
      if (parts.length !== levels.length) return undefined;
      const out: Record<string, string> = {};
      for (let i = 0; i < levels.length; i++) {
        const level = levels[i] as Level;
        const part = parts[i] as string;
        if (level.kind === 'literal') {
          if (part !== level.value) return undefined;
        } else {
          if (part.length === 0) return undefined;
          out[level.name] = part;
        }
      }
      return out;
    },
  };
}

/** The MQTT subscription filter of a template: placeholders become `+`. */
export function templateFilter(template: string): string {
  return template
    .split('/')
    .map((level) => (PLACEHOLDER.test(level) ? '+' : level))
    .join('/');
}

/** Replaces `{name}` occurrences whose name is in `values`; others stay. */
export function fillTemplate(text: string, values: Record<string, string>): string {
  return text.replace(PLACEHOLDERS, (whole, name: string) => values[name] ?? whole);
}

/**
 * Fills every `{name}` of a string (a Kafka topic or schema name) from segment values; undefined
 * if a placeholder has no value.
 *
 * @example fillPlaceholders('telemetry.{type}', { type: 'power' }) // 'telemetry.power'
 */
export function fillPlaceholders(text: string, segments: Segments): string | undefined {
  const missing = placeholdersOf(text).some((name) => segments[name] === undefined);
  return missing ? undefined : fillTemplate(text, segments);
}

/** `{name}` placeholders used in a string such as `telemetry.{type}`. */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(PLACEHOLDERS)].map((m) => m[1] as string);
}

/** The same as `placeholdersOf` (the MQTT source's name for it). */
export const placeholdersIn = placeholdersOf;

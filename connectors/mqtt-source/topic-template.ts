import { ConfigError } from '../../lib/errors.js';

/** Segment values captured from an MQTT topic, by placeholder name. */
export type Segments = Readonly<Record<string, string>>;

/**
 * An MQTT topic template with named single-level segments, compiled once.
 *
 * `{name}` stands for exactly one topic level; anything else is a literal level. The MQTT
 * subscription filter replaces every placeholder with `+`.
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

type Level = { kind: 'literal'; value: string } | { kind: 'placeholder'; name: string };

/** Compiles a template; `key` names the config key in errors (e.g. `routes[2].mqtt`). */
export function compileTopicTemplate(template: string, key = 'template'): TopicTemplate {
  if (template.length === 0)
    throw new ConfigError(key, 'expected a topic template like sensors/{site}/{deviceId}/{type}, got ""');
  if (template.startsWith('$')) throw new ConfigError(key, `a template may not start with '$' (got '${template}')`);
  const levels: Level[] = template.split('/').map((raw) => {
    const placeholder = PLACEHOLDER.exec(raw);
    if (placeholder?.[1]) return { kind: 'placeholder', name: placeholder[1] };
    if (raw.length === 0) throw new ConfigError(key, `empty topic level in '${template}'`);
    if (/[+#{}]/.test(raw))
      throw new ConfigError(
        key,
        `level '${raw}' of '${template}' must be a literal or a whole {name} placeholder (no MQTT wildcards)`,
      );
    return { kind: 'literal', value: raw };
  });
  const names: string[] = [];
  for (const level of levels) {
    if (level.kind !== 'placeholder') continue;
    if (names.includes(level.name))
      throw new ConfigError(key, `placeholder {${level.name}} appears twice in '${template}'`);
    names.push(level.name);
  }
  const filter = levels.map((l) => (l.kind === 'literal' ? l.value : '+')).join('/');
  const literalCount = levels.length - names.length;

  return {
    template,
    filter,
    names,
    literalCount,
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

/**
 * Fills `{name}` placeholders of a string (a Kafka topic or schema name) from segment values.
 * Returns undefined if a placeholder has no value.
 *
 * @example fillPlaceholders('telemetry.{type}', { type: 'power' }) // 'telemetry.power'
 */
export function fillPlaceholders(text: string, segments: Segments): string | undefined {
  let missing = false;
  const filled = text.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const value = segments[name];
    if (value === undefined) missing = true;
    return value ?? '';
  });
  return missing ? undefined : filled;
}

/** Placeholder names used in a string such as `telemetry.{type}`. */
export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1] as string);
}

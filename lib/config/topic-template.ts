const PLACEHOLDER = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** A checked MQTT topic template: its `{name}` levels in order, or why it is not valid. */
export type TemplateCheck = { ok: true; placeholders: string[] } | { ok: false; problem: string };

/**
 * Checks an MQTT topic template: levels are literals or whole `{name}` placeholders, no MQTT
 * wildcards, no empty levels, no repeated name, a `{deviceId}` level.
 *
 * @example
 *   checkTopicTemplate('sensors/{site}/{deviceId}/{type}') // { ok: true, placeholders: ['site', 'deviceId', 'type'] }
 */
export function checkTopicTemplate(template: string): TemplateCheck {
  if (template.startsWith('$')) return { ok: false, problem: `a template may not start with '$' (got '${template}')` };
  const placeholders: string[] = [];
  for (const level of template.split('/')) {
    const m = PLACEHOLDER.exec(level);
    if (m?.[1]) {
      if (placeholders.includes(m[1])) return { ok: false, problem: `{${m[1]}} appears twice in '${template}'` };
      placeholders.push(m[1]);
    } else if (level.length === 0) {
      return { ok: false, problem: `empty level in '${template}'` };
    } else if (/[+#{}]/.test(level)) {
      return {
        ok: false,
        problem: `level '${level}' of '${template}' must be a literal or a whole {name} placeholder (no MQTT wildcards)`,
      };
    }
  }
  if (!placeholders.includes('deviceId')) {
    return {
      ok: false,
      problem: `expected a {deviceId} level, e.g. sensors/{site}/{deviceId}/{type} (got '${template}')`,
    };
  }
  return { ok: true, placeholders };
}

/** Replaces `{name}` occurrences whose name is in `values`; others stay. */
export function fillTemplate(text: string, values: Record<string, string>): string {
  return text.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** `{name}` placeholders used in a string. */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1] as string);
}

/** The MQTT subscription filter of a template: placeholders become `+`. */
export function templateFilter(template: string): string {
  return template
    .split('/')
    .map((level) => (PLACEHOLDER.test(level) ? '+' : level))
    .join('/');
}

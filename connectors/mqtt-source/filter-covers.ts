/**
 * True if every topic matched by MQTT filter `inner` is also matched by `outer`
 * (`+` one level, `#` the rest including the parent level).
 *
 * @example filterCovers('sensors/+/+/+', 'sensors/+/+/status') // true
 */
export function filterCovers(outer: string, inner: string): boolean {
  const o = outer.split('/');
  const i = inner.split('/');
  for (let k = 0; k < o.length; k++) {
    const level = o[k];
    if (level === '#') return true;
    const other = i[k];
    if (other === undefined) return false;
    if (level === '+') {
      if (other === '#') return false;
      continue;
    }
    if (level !== other) return false;
  }
  return o.length === i.length;
}

/** Drops filters covered by another filter of the list (and duplicates), keeping the first order. */
export function minimalFilters(filters: readonly string[]): string[] {
  const unique = [...new Set(filters)];
  return unique.filter((f) => !unique.some((other) => other !== f && filterCovers(other, f)));
}

/**
 * When a windowed aggregation emits: `untilWindowCloses()` emits exactly one final result per window
 * and key when stream time passes the window's close time (end + grace); `emitOnUpdate()` (the
 * default) emits the new aggregate on every change.
 *
 * @example
 *   builder.stream(...).groupByKey().windowedBy(w).count(Materialized.as('counts'))
 *     .suppress(Suppressed.untilWindowCloses()).toStream().to('counts.1m', serdes);
 */
export class Suppressed {
  private constructor(readonly mode: 'final' | 'update') {}

  static untilWindowCloses(): Suppressed {
    return new Suppressed('final');
  }

  static emitOnUpdate(): Suppressed {
    return new Suppressed('update');
  }
}

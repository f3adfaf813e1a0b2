/**
 * Whether a command is past its expiry at `nowMs` (the sink's clock when it is about to publish).
 * A command expires AT its expiry: one due at 10:00:00.000 is not published at that millisecond.
 * `null` never expires.
 *
 * @example
 *   isExpired({ expiry: 1_000 }, 999);   // false
 *   isExpired({ expiry: 1_000 }, 1_000); // true
 *   isExpired({ expiry: null }, 1e15);   // false
 */
export function isExpired(command: { expiry: number | null }, nowMs: number): boolean {
  return command.expiry !== null && nowMs >= command.expiry;
}

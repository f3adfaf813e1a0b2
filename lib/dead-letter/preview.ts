/**
 * Safe text for a terminal: control characters (C0, DEL, C1, so no escape sequence reaches the
 * terminal), lone surrogates and the replacement character are written as `\xNN` / `\u{N}`; the
 * rest is kept.
 *
 * @example safeText('ok\u001b[31m') // 'ok\\x1b[31m'
 */
export function safeText(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if ((cp >= 0xd800 && cp <= 0xdfff) || cp === 0xfffd || cp === 0x2028 || cp === 0x2029)
      out += `\\u{${cp.toString(16)}}`;
    else out += ch;
  }
  return out;
}

/** How a payload is shown: as text when it is printable UTF-8, else as a hex dump. */
export interface PayloadPreview {
  kind: 'text' | 'hex' | 'empty';
  /** Lines to print (never raw binary). */
  lines: string[];
  /** Bytes shown / bytes in the record. */
  shown: number;
  size: number;
}

/** True when the bytes decode as UTF-8 without replacement and hold no control character but \t \n \r. */
function isPrintableUtf8(bytes: Buffer): boolean {
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) return false;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    const allowed = cp === 0x09 || cp === 0x0a || cp === 0x0d;
    if ((cp < 0x20 && !allowed) || (cp >= 0x7f && cp < 0xa0)) return false;
  }
  return true;
}

/**
 * A safe preview of the first `maxBytes` bytes of a dead letter's payload: printable UTF-8 as text
 * (control characters escaped, lines kept), anything else as a hex dump with an ASCII column
 * (`0000  7b 22 61 22 ...  |{"a"...|`). Binary is never printed raw.
 *
 * @example previewPayload(Buffer.from([0, 1, 2]), 256).lines; // ['0000  00 01 02  |...|']
 */
export function previewPayload(value: Buffer | null, maxBytes: number): PayloadPreview {
  if (value === null || value.length === 0) return { kind: 'empty', lines: [], shown: 0, size: value?.length ?? 0 };
  let shown = Math.min(value.length, maxBytes);
  // Do not cut a UTF-8 sequence in half when deciding whether the prefix is text.
  while (shown < value.length && shown > 0 && ((value[shown] ?? 0) & 0xc0) === 0x80) shown--;
  const head = value.subarray(0, shown);
  if (isPrintableUtf8(head))
    return { kind: 'text', lines: head.toString('utf8').split(/\r?\n/).map(safeText), shown, size: value.length };
  const lines: string[] = [];
  for (let at = 0; at < head.length; at += 16) {
    const row = head.subarray(at, at + 16);
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${at.toString(16).padStart(4, '0')}  ${hex.padEnd(47)}  |${ascii}|`);
  }
  return { kind: 'hex', lines, shown: head.length, size: value.length };
}

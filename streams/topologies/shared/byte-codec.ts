import { IotpError } from '../../../lib/errors.js';

/**
 * A growable little buffer writer for compact state encodings: unsigned and zigzag varints,
 * float64 (big-endian) and short UTF-8 strings. The topologies' store serdes are built on it.
 *
 * @example
 *   const w = new ByteWriter();
 *   w.uvarint(300); w.f64(21.5); w.string('temperature');
 *   const bytes = w.finish();
 */
export class ByteWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(v: number): void {
    this.room(1);
    this.buf[this.pos++] = v & 0xff;
  }

  /** Unsigned varint of a safe non-negative integer (7 bits per byte). */
  uvarint(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0)
      throw new IotpError('CODEC_INVALID', `uvarint expects a safe non-negative integer, got ${v}`);
    this.room(8);
    let x = v;
    while (x >= 0x80) {
      this.buf[this.pos++] = (x % 0x80) | 0x80;
      x = Math.floor(x / 0x80);
    }
    this.buf[this.pos++] = x;
  }

  /** Signed varint (zigzag) of a safe integer. */
  svarint(v: number): void {
    this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  f64(v: number): void {
    this.room(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
  }

  string(s: string): void {
    const bytes = Buffer.from(s, 'utf8');
    this.uvarint(bytes.length);
    this.room(bytes.length);
    bytes.copy(this.buf, this.pos);
    this.pos += bytes.length;
  }

  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}

/** Reads what {@link ByteWriter} wrote; every overrun is a coded CODEC_TRUNCATED error. */
export class ByteReader {
  private pos = 0;

  constructor(
    private readonly buf: Buffer,
    private readonly what: string,
  ) {}

  private need(n: number): void {
    if (this.pos + n > this.buf.length)
      throw new IotpError('CODEC_TRUNCATED', `${this.what}: truncated at byte ${this.pos} of ${this.buf.length}`);
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++] as number;
  }

  uvarint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.u8();
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 0x80;
    }
    throw new IotpError('CODEC_INVALID', `${this.what}: varint longer than 8 bytes at byte ${this.pos}`);
  }

  svarint(): number {
    const z = this.uvarint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  f64(): number {
    this.need(8);
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  string(): string {
    const n = this.uvarint();
    this.need(n);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  /** True when every byte was read. */
  done(): boolean {
    return this.pos === this.buf.length;
  }
}

// The byte reader of the unpickler: little-endian integers, floats, strings and lines, every read bounded by the
// bytes left (a truncated pickle is a SAMP_FORMAT_ERROR naming the file and the offset).
import { formatError } from './format-error.js';

/** Reads a pickle's bytes from `pos` on. */
export class Reader {
  pos: number;
  constructor(readonly bytes: Uint8Array, readonly path: string, start: number) {
    this.pos = start;
  }
  need(n: number): number {
    if (!Number.isSafeInteger(n) || n < 0 || this.pos + n > this.bytes.length) {
      throw formatError(this.path, `pickle truncated: needs ${n} bytes at ${this.pos}, ${this.bytes.length - this.pos} left`);
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }
  u8(): number {
    return this.bytes[this.need(1)]!;
  }
  u16(): number {
    const at = this.need(2);
    return this.bytes[at]! | (this.bytes[at + 1]! << 8);
  }
  u32(): number {
    const at = this.need(4);
    return new DataView(this.bytes.buffer, this.bytes.byteOffset + at, 4).getUint32(0, true);
  }
  i32(): number {
    const at = this.need(4);
    return new DataView(this.bytes.buffer, this.bytes.byteOffset + at, 4).getInt32(0, true);
  }
  u64(): number {
    const at = this.need(8);
    const v = new DataView(this.bytes.buffer, this.bytes.byteOffset + at, 8).getBigUint64(0, true);
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
  }
  f64be(): number {
    const at = this.need(8);
    return new DataView(this.bytes.buffer, this.bytes.byteOffset + at, 8).getFloat64(0, false);
  }
  raw(n: number): Uint8Array {
    const at = this.need(n);
    return this.bytes.subarray(at, at + n);
  }
  text(n: number): string {
    return Buffer.from(this.raw(n)).toString('utf8');
  }
  line(): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) throw formatError(this.path, `pickle truncated: unterminated line at ${this.pos}`);
    const s = Buffer.from(this.bytes.subarray(this.pos, end)).toString('latin1');
    this.pos = end + 1;
    return s;
  }
}

/** Little-endian two's-complement integer of n bytes (LONG1 / LONG4), as a number when safe, else a bigint. */
export function longLE(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  if (bytes[bytes.length - 1]! & 0x80) v -= 1n << BigInt(8 * bytes.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

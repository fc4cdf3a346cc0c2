// fp16 <-> fp32: a 64 K lookup table for widening, round-to-nearest-even for narrowing.

let table: Float32Array | undefined;

/** The table of every fp16 bit pattern's fp32 value. */
export function halfTable(): Float32Array {
  if (table) return table;
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) t[h] = sign * frac * 2 ** -24;
    else if (exp === 31) t[h] = frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
    else t[h] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  return (table = t);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** fp32 -> fp16 bits, round to nearest even (overflow to inf, NaN kept). */
export function floatToHalf(x: number): number {
  f32[0] = x;
  const u = u32[0]!;
  const sign = (u >>> 16) & 0x8000;
  const exp = ((u >>> 23) & 0xff) - 127 + 15;
  const mant = u & 0x7fffff;
  if (((u >>> 23) & 0xff) === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  if (exp >= 31) return sign | 0x7c00;
  if (exp <= 0) {
    if (exp < -10) return sign;
    const m = (mant | 0x800000) >>> (1 - exp);
    return sign | ((m + 0xfff + ((m >>> 13) & 1)) >>> 13);
  }
  const rounded = (exp << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  return sign | (rounded + (rest > 0x1000 || (rest === 0x1000 && (rounded & 1)) ? 1 : 0));
}

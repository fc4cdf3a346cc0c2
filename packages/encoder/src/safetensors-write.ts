// safetensors writing (fp32 or fp16), for models made with samp's own tools and for test fixtures.
import { writeFileSync } from 'node:fs';
import { invalidArgument } from '@samp/kernels-cuda';

/** A tensor to write: fp32 values, its shape, and the dtype to store. */
export interface TensorToWrite {
  data: Float32Array;
  shape: number[];
  dtype?: 'F32' | 'F16';
}

function toHalf(x: number): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer)[0]!;
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

/** Writes tensors (in name order) to a safetensors file. */
export function writeSafetensors(path: string, tensors: Record<string, TensorToWrite>, metadata: Record<string, string> = {}): void {
  const header: Record<string, unknown> = { __metadata__: metadata };
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const name of Object.keys(tensors).sort()) {
    const t = tensors[name]!;
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) invalidArgument(`tensors.${name}`, `${count} values for shape [${t.shape.join(', ')}]`, `${t.data.length} values`);
    let bytes: Uint8Array;
    if ((t.dtype ?? 'F32') === 'F16') {
      const half = new Uint16Array(count);
      for (let i = 0; i < count; i++) half[i] = toHalf(t.data[i]!);
      bytes = new Uint8Array(half.buffer);
    } else {
      bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    }
    header[name] = { dtype: t.dtype ?? 'F32', shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    parts.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8); // data section 8-byte aligned
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  writeFileSync(path, Buffer.concat([head, Buffer.from(json), ...parts]));
}

// safetensors writing: fp32 values stored as fp32 or fp16 (models made with samp's own tools, test fixtures), or
// stored bytes as they are in any dtype (converters).
import { writeFileSync } from 'node:fs';
import { invalidArgument } from '@samp/kernels-cuda';
import { floatToHalf } from './half.js';
import { BYTES } from './safetensors.js';

/** A tensor to write: fp32 values, its shape, and the dtype to store (F32 or F16); or its stored bytes as they
 * are (`raw`, little-endian, row-major) with any safetensors dtype. */
export type TensorToWrite =
  | { data: Float32Array; shape: number[]; dtype?: 'F32' | 'F16'; raw?: undefined }
  | { raw: Uint8Array; shape: number[]; dtype: string; data?: undefined };

/** Writes tensors (in name order) to a safetensors file. */
export function writeSafetensors(path: string, tensors: Record<string, TensorToWrite>, metadata: Record<string, string> = {}): void {
  const header: Record<string, unknown> = { __metadata__: metadata };
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const name of Object.keys(tensors).sort()) {
    const t = tensors[name]!;
    const count = t.shape.reduce((a, b) => a * b, 1);
    let bytes: Uint8Array;
    if (t.raw) {
      const size = BYTES[t.dtype];
      if (size === undefined) invalidArgument(`tensors.${name}.dtype`, `one of ${Object.keys(BYTES).join(', ')}`, t.dtype);
      if (t.raw.length !== count * size) invalidArgument(`tensors.${name}`, `${count * size} bytes for ${t.dtype} [${t.shape.join(', ')}]`, `${t.raw.length} bytes`);
      bytes = t.raw;
    } else if (count !== t.data.length) {
      invalidArgument(`tensors.${name}`, `${count} values for shape [${t.shape.join(', ')}]`, `${t.data.length} values`);
    } else if ((t.dtype ?? 'F32') === 'F16') {
      const half = new Uint16Array(count);
      for (let i = 0; i < count; i++) half[i] = floatToHalf(t.data[i]!);
      bytes = new Uint8Array(half.buffer);
    } else {
      bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    }
    header[name] = { dtype: t.dtype ?? 'F32', shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    parts.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8); // data section 8-byte aligned
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  writeFileSync(path, Buffer.concat([head, Buffer.from(json), ...parts]));
}

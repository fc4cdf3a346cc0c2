// A tensor as the converters carry it: dtype (safetensors' names), shape and the little-endian bytes of its
// values in row-major order. Conversions between float dtypes live here too.
import { floatToHalf, widenToFloat32 } from '@samp/encoder';
import { invalidArgument } from '@samp/kernels-cuda';

/** Element types the converters read (safetensors' names). */
export type DType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

export const DTYPE_BYTES: Readonly<Record<DType, number>> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

export interface RawTensor {
  dtype: DType;
  shape: number[];
  /** numel x element size bytes, little-endian, row-major. */
  data: Uint8Array;
}

/** Tensors by name, in the order the source lists them. */
export type StateDict = Map<string, RawTensor>;

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function isFloat(dtype: DType): boolean {
  return dtype === 'F64' || dtype === 'F32' || dtype === 'F16' || dtype === 'BF16';
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Round-to-nearest-even fp32 -> bf16 bits (NaN kept quiet). */
export function floatToBf16(x: number): number {
  f32[0] = x;
  const u = u32[0]!;
  if ((u & 0x7fffffff) > 0x7f800000) return ((u >>> 16) | 0x40) & 0xffff;
  return ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) & 0xffff;
}

/** The values of a float tensor as fp32 in an array of their own (F64 narrowed with rounding). */
export function toFloat32(t: RawTensor): Float32Array {
  if (t.dtype === 'F64') {
    const view = new DataView(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    return Float32Array.from({ length: numel(t.shape) }, (_, i) => view.getFloat64(8 * i, true));
  }
  if (!isFloat(t.dtype)) invalidArgument('tensor', 'a float tensor', t.dtype);
  const values = widenToFloat32(t.data, t.dtype, 'tensor');
  return values.buffer === t.data.buffer ? values.slice() : values;
}

/** The tensor stored as `dtype` (float tensors only; integer and bool tensors and same-dtype tensors are returned as
 * they are, so their bytes stay identical). */
export function castFloat(t: RawTensor, dtype: 'F32' | 'F16' | 'BF16'): RawTensor {
  if (!isFloat(t.dtype) || t.dtype === dtype) return t;
  const values = toFloat32(t);
  const n = values.length;
  if (dtype === 'F32') return { dtype, shape: t.shape, data: new Uint8Array(values.buffer) };
  const out = new Uint16Array(n);
  const conv = dtype === 'F16' ? floatToHalf : floatToBf16;
  for (let i = 0; i < n; i++) out[i] = conv(values[i]!);
  return { dtype, shape: t.shape, data: new Uint8Array(out.buffer) };
}

/** A float32 array as a tensor. */
export function fromFloat32(values: Float32Array, shape: number[]): RawTensor {
  return { dtype: 'F32', shape, data: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}

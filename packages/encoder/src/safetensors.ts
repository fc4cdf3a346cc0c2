// safetensors reading: the JSON header is parsed and checked up front; tensors are read from disk on demand and
// widened to fp32 (from fp32, fp16 or bf16).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { SampError, SampErrorCode } from '@samp/kernels-cuda';
import { halfTable } from './half.js';

/** Tensor dtypes samp reads. */
export type TensorDType = 'F32' | 'F16' | 'BF16';

/** A tensor's entry in a safetensors header. */
export interface TensorInfo {
  dtype: string;
  shape: number[];
  /** Byte range inside the data section. */
  begin: number;
  end: number;
}

/** Bytes per element of each safetensors dtype samp reads or writes. */
export const BYTES: Readonly<Record<string, number>> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };
const MAX_HEADER = 100 * 1024 * 1024;

function formatError(path: string, why: string): SampError {
  return new SampError(SampErrorCode.ModelFormat, `${path} is not a valid safetensors file: ${why}`);
}

/** An open safetensors file. Call {@link SafetensorsFile.close} when done. */
export class SafetensorsFile {
  readonly path: string;
  readonly tensors: ReadonlyMap<string, TensorInfo>;
  readonly metadata: Readonly<Record<string, string>>;
  #fd: number | undefined;
  #dataStart: number;

  private constructor(path: string, fd: number, dataStart: number, tensors: Map<string, TensorInfo>, metadata: Record<string, string>) {
    this.path = path;
    this.#fd = fd;
    this.#dataStart = dataStart;
    this.tensors = tensors;
    this.metadata = Object.freeze(metadata);
  }

  /** Opens and validates the header (sizes, offsets inside the file, dtypes known). */
  static open(path: string): SafetensorsFile {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size < 8) throw formatError(path, 'shorter than its 8-byte header length');
      const head = Buffer.alloc(8);
      readSync(fd, head, 0, 8, 0);
      const headerLength = Number(head.readBigUInt64LE(0));
      if (headerLength > MAX_HEADER || 8 + headerLength > size) throw formatError(path, `header length ${headerLength} does not fit the file`);
      const headerBytes = Buffer.alloc(headerLength);
      readSync(fd, headerBytes, 0, headerLength, 8);
      let header: Record<string, unknown>;
      try {
        header = JSON.parse(headerBytes.toString('utf8')) as Record<string, unknown>;
      } catch (error) {
        throw formatError(path, `header is not JSON (${(error as Error).message})`);
      }
      const dataStart = 8 + headerLength;
      const tensors = new Map<string, TensorInfo>();
      let metadata: Record<string, string> = {};
      for (const [name, entry] of Object.entries(header)) {
        if (name === '__metadata__') {
          metadata = (entry ?? {}) as Record<string, string>;
          continue;
        }
        const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
        const offsets = e.data_offsets as unknown[];
        if (typeof e.dtype !== 'string' || !(e.dtype in BYTES) || !Array.isArray(e.shape) || !Array.isArray(offsets) || offsets.length !== 2) {
          throw formatError(path, `bad entry for tensor "${name}"`);
        }
        const shape = e.shape as number[];
        const [begin, end] = offsets as number[];
        const count = shape.reduce((a, b) => a * b, 1);
        if (!shape.every((d) => Number.isInteger(d) && d >= 0) || !Number.isInteger(begin) || !Number.isInteger(end) ||
            begin! < 0 || end! < begin! || end! - begin! !== count * BYTES[e.dtype]! || dataStart + end! > size) {
          throw formatError(path, `tensor "${name}" has a shape or byte range that does not match the file`);
        }
        tensors.set(name, { dtype: e.dtype, shape, begin: begin!, end: end! });
      }
      const ranges = [...tensors].filter(([, t]) => t.end > t.begin).sort((a, b) => a[1].begin - b[1].begin);
      for (let i = 1; i < ranges.length; i++) {
        if (ranges[i]![1].begin < ranges[i - 1]![1].end) throw formatError(path, `tensors "${ranges[i - 1]![0]}" and "${ranges[i]![0]}" overlap`);
      }
      return new SafetensorsFile(path, fd, dataStart, tensors, metadata);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** Reads a tensor's stored bytes as they are (little-endian, row-major), in a buffer of its own. */
  readRaw(name: string): Uint8Array {
    const info = this.tensors.get(name);
    if (!info) throw new SampError(SampErrorCode.ModelFormat, `${this.path} has no tensor "${name}"`);
    if (this.#fd === undefined) throw new SampError(SampErrorCode.Disposed, `${this.path} was closed`);
    const bytes = new Uint8Array(info.end - info.begin); // own buffer at offset 0: aligned for any view
    readSync(this.#fd, bytes, 0, bytes.length, this.#dataStart + info.begin);
    return bytes;
  }

  /** Reads a tensor widened to fp32. */
  readF32(name: string): Float32Array {
    return widenToFloat32(this.readRaw(name), this.tensors.get(name)!.dtype, `${this.path}: tensor "${name}"`);
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}

/** Stored F32, F16 or BF16 bytes (little-endian) as fp32; F32 bytes at an aligned offset are viewed, not copied.
 * `what` names the tensor in the error for another dtype. */
export function widenToFloat32(bytes: Uint8Array, dtype: string, what: string): Float32Array {
  if (dtype !== 'F32' && dtype !== 'F16' && dtype !== 'BF16') {
    throw new SampError(SampErrorCode.ModelFormat, `${what} is ${dtype}; expected F32, F16 or BF16`);
  }
  const size = BYTES[dtype]!;
  const own = bytes.byteOffset % size === 0 ? bytes : bytes.slice(); // typed views need an aligned offset
  const n = own.length / size;
  if (dtype === 'F32') return new Float32Array(own.buffer, own.byteOffset, n);
  const src = new Uint16Array(own.buffer, own.byteOffset, n);
  const out = new Float32Array(n);
  if (dtype === 'F16') {
    const table = halfTable();
    for (let i = 0; i < n; i++) out[i] = table[src[i]!]!;
  } else {
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) bits[i] = src[i]! << 16;
  }
  return out;
}

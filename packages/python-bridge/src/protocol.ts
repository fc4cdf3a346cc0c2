// The bridge's wire format, one frame per message in both directions over stdio:
//   u32 LE header length | u32 LE body length | header (UTF-8 JSON) | body (raw tensor bytes)
// The header's `tensors` lists each tensor's name, dtype, shape and byte range in the body; no base64 anywhere.
import { SampError, SampErrorCode } from '@samp/kernels-cuda';

export const MAX_HEADER_BYTES = 64 << 20;
export const MAX_BODY_BYTES = 0xffffffff;

export type DType = 'float32' | 'int32';

export interface TensorInfo {
  name: string;
  dtype: DType;
  shape: number[];
  offset: number;
  nbytes: number;
}

export interface Frame {
  header: Record<string, unknown> & { tensors?: TensorInfo[] };
  body: Buffer;
}

/** A tensor going out: a typed array and its shape. */
export interface OutTensor {
  data: Float32Array | Int32Array;
  shape: number[];
}

/** Encodes a header and its tensors into one frame. */
export function encodeFrame(header: Record<string, unknown>, tensors: Record<string, OutTensor> = {}): Buffer {
  const infos: TensorInfo[] = [];
  const parts: Buffer[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const bytes = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    infos.push({ name, dtype: t.data instanceof Float32Array ? 'float32' : 'int32', shape: t.shape, offset, nbytes: bytes.length });
    parts.push(bytes);
    offset += bytes.length;
  }
  const json = Buffer.from(JSON.stringify(infos.length > 0 ? { ...header, tensors: infos } : header), 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.writeUInt32LE(json.length, 0);
  prefix.writeUInt32LE(offset, 4);
  return Buffer.concat([prefix, json, ...parts]);
}

/** The typed array of a tensor of a received frame, checked against the body. */
export function tensorOf(frame: Frame, name: string, dtype: DType): { data: Float32Array | Int32Array; shape: number[] } | undefined {
  const info = frame.header.tensors?.find((t) => t.name === name);
  if (!info) return undefined;
  const count = info.shape.reduce((a, b) => a * b, 1);
  const ok =
    info.dtype === dtype && Number.isInteger(info.offset) && info.offset >= 0 && info.shape.every((d) => Number.isInteger(d) && d >= 0) &&
    info.nbytes === count * 4 && info.offset + info.nbytes <= frame.body.length;
  if (!ok) throw new SampError(SampErrorCode.InvalidArgument, `Tensor "${name}" must be ${dtype} with a shape that matches its bytes in the frame`);
  const copy = new Uint8Array(info.nbytes); // aligned, and independent of the frame's buffer
  copy.set(frame.body.subarray(info.offset, info.offset + info.nbytes));
  return { data: dtype === 'float32' ? new Float32Array(copy.buffer) : new Int32Array(copy.buffer), shape: info.shape };
}

/** Splits a byte stream into frames, whatever the chunking. A malformed prefix or header is fatal for the stream. */
export class FrameReader {
  #chunks: Buffer[] = [];
  #size = 0;
  /** Length of the frame at the head of the stream, once its prefix is read (0 before). */
  #need = 0;

  /** Adds bytes; returns the frames now complete. Bytes are joined only once a whole frame is there. */
  push(chunk: Buffer): Frame[] {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    const frames: Frame[] = [];
    while (this.#size >= 8) {
      if (this.#need === 0) {
        const prefix = Buffer.concat(this.#chunks, 8);
        const headerLength = prefix.readUInt32LE(0), bodyLength = prefix.readUInt32LE(4);
        if (headerLength === 0 || headerLength > MAX_HEADER_BYTES) {
          throw new SampError(SampErrorCode.InvalidArgument, `Frame header of ${headerLength} bytes (expected 1..${MAX_HEADER_BYTES})`);
        }
        this.#need = 8 + headerLength + bodyLength;
      }
      if (this.#size < this.#need) break;
      const all = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks);
      const headerLength = all.readUInt32LE(0);
      let header: Frame['header'];
      try {
        header = JSON.parse(all.subarray(8, 8 + headerLength).toString('utf8')) as Frame['header'];
      } catch (error) {
        throw new SampError(SampErrorCode.InvalidArgument, `Frame header is not JSON: ${(error as Error).message}`);
      }
      if (typeof header !== 'object' || header === null || Array.isArray(header)) {
        throw new SampError(SampErrorCode.InvalidArgument, 'Frame header must be a JSON object');
      }
      frames.push({ header, body: all.subarray(8 + headerLength, this.#need) });
      const rest = all.subarray(this.#need);
      this.#chunks = rest.length > 0 ? [rest] : [];
      this.#size = rest.length;
      this.#need = 0;
    }
    return frames;
  }
}

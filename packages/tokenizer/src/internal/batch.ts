// Lays packed rows out as padded [batch x seqLen] matrices; per-row Encodings are built only if asked for.
import type { PaddingConfig } from '../config.js';
import { type BatchEncoding, Encoding } from '../encoding.js';
import { paddedLength } from './assemble.js';
import type { IntArray } from './grow.js';
import type { PackedRows } from './rows.js';

/** The three matrices of a batch, row-major. */
export interface BatchMatrices {
  ids: Int32Array;
  typeIds: Int32Array;
  attentionMask: Int32Array;
}

/** Sequence length of a batch whose rows have these lengths. */
export function batchSeqLen(lengths: Iterable<number>, padding: PaddingConfig): number {
  let longest = 0;
  for (const n of lengths) if (n > longest) longest = n;
  return Math.max(longest, paddedLength(padding, longest));
}

/** Allocates zeroed matrices in one buffer (shared memory when worker threads fill them). */
export function allocateMatrices(batchSize: number, seqLen: number, shared: boolean): BatchMatrices {
  const n = batchSize * seqLen;
  const buffer = shared ? new SharedArrayBuffer(n * 12) : new ArrayBuffer(n * 12);
  return { ids: new Int32Array(buffer, 0, n), typeIds: new Int32Array(buffer, n * 4, n), attentionMask: new Int32Array(buffer, n * 8, n) };
}

/** Writes the rows of `chunk` into the matrices from row `firstRow` on, padded on `padding`'s side. */
export function fillRows(m: BatchMatrices, chunk: PackedRows, firstRow: number, seqLen: number, padding: PaddingConfig): void {
  const left = padding.direction === 'left';
  let from = 0;
  let row = firstRow;
  for (const n of chunk.lengths) {
    const base = row * seqLen;
    const at = base + (left ? seqLen - n : 0);
    const padFrom = left ? base : base + n;
    if (padding.padId !== 0) m.ids.fill(padding.padId, padFrom, padFrom + seqLen - n);
    if (padding.padTypeId !== 0) m.typeIds.fill(padding.padTypeId, padFrom, padFrom + seqLen - n);
    m.ids.set(chunk.ids.subarray(from, from + n), at);
    m.typeIds.set(chunk.typeIds.subarray(from, from + n), at);
    m.attentionMask.fill(1, at, at + n);
    from += n;
    row++;
  }
}

function padded<T extends IntArray>(a: T, length: number, at: number, fill: number): T {
  const out = new (a.constructor as new (n: number) => T)(length);
  if (fill !== 0) out.fill(fill);
  out.set(a, at);
  return out;
}

/** The BatchEncoding over filled matrices; `chunks` (in row order) back the per-row Encodings. */
export function batchEncoding(
  m: BatchMatrices,
  chunks: readonly PackedRows[],
  seqLen: number,
  padding: PaddingConfig,
  idToToken: (id: number) => string,
): BatchEncoding {
  const lengths = new Int32Array(chunks.reduce((n, c) => n + c.lengths.length, 0));
  let row = 0;
  for (const chunk of chunks) for (const n of chunk.lengths) lengths[row++] = n;
  const left = padding.direction === 'left';
  let encodings: Encoding[] | undefined;
  const rowEncoding = (i: number, where: readonly { chunk: PackedRows; from: number }[]): Encoding => {
    const { chunk, from } = where[i]!;
    const n = lengths[i]!;
    const base = i * seqLen;
    const shift = left ? seqLen - n : 0;
    const view = (a: Int32Array) => a.subarray(base, base + seqLen);
    const field = <T extends IntArray>(a: T, fill: number) =>
      padded(a.subarray(from, from + n) as T, seqLen, shift, fill);
    return new Encoding(
      {
        ids: view(m.ids),
        typeIds: view(m.typeIds),
        attentionMask: view(m.attentionMask),
        specialTokensMask: field(chunk.specialTokensMask, 1),
        sequenceIds: field(chunk.sequenceIds, -1),
        offsetStarts: field(chunk.offsetStarts, 0),
        offsetEnds: field(chunk.offsetEnds, 0),
      },
      idToToken,
    );
  };
  return Object.freeze({
    batchSize: lengths.length,
    seqLen,
    ids: m.ids,
    typeIds: m.typeIds,
    attentionMask: m.attentionMask,
    lengths,
    get encodings(): readonly Encoding[] {
      if (!encodings) {
        // Where each row's extras start in its chunk; only needed once encodings are asked for.
        const where: { chunk: PackedRows; from: number }[] = [];
        for (const chunk of chunks) {
          let from = 0;
          for (const n of chunk.lengths) {
            where.push({ chunk, from });
            from += n;
          }
        }
        encodings = Array.from(lengths, (_, i) => rowEncoding(i, where));
      }
      return encodings;
    },
  });
}

/** Pads the rows of one chunk into matrices on this thread. */
export function assembleBatch(chunk: PackedRows, padding: PaddingConfig, idToToken: (id: number) => string): BatchEncoding {
  const seqLen = batchSeqLen(chunk.lengths, padding);
  const m = allocateMatrices(chunk.lengths.length, seqLen, false);
  fillRows(m, chunk, 0, seqLen, padding);
  return batchEncoding(m, [chunk], seqLen, padding, idToToken);
}
